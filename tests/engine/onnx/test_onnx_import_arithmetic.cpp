// ONNX import of squeeze-and-excitation as torchvision's models write it at opset 13: a
// GlobalAveragePool kept as C×1×1 when a 1×1 Conv reads it (and flat when only a Flatten
// does), ReduceMean over height and width, Mul of an image and its per-channel gate as
// Multiply, Sub of two layers as Subtract; and the broadcasts, axes and constants refused,
// with the node named.

#include "onnx_model_builder.h"
#include "onnx_test_support.h"

#include "strata/errors.h"
#include "strata/export.h"

#include <functional>

using namespace strata;
using namespace onnx_test;

namespace {

constexpr int64_t kChannels = 4;

// x {batch, 4, 3, 3}; `body` writes from "x" to "y", declared {batch, outDims...}.
ModelBuilder imageThen(const std::function<void(ModelBuilder &)> &body,
                       const std::vector<int64_t> &outDims)
{
    ModelBuilder b(13);
    b.input("x", {-1, kChannels, 3, 3});
    body(b);
    std::vector<int64_t> dims{-1};
    dims.insert(dims.end(), outDims.begin(), outDims.end());
    b.output("y", dims);
    return b;
}

// A 1×1 Conv from `in` to `out` with `filters` filters.
void conv1x1(ModelBuilder &b, const std::string &in, const std::string &out, int64_t filters,
             const std::string &name)
{
    b.floats(name + ".w", {filters, kChannels, 1, 1}, ramp(filters * kChannels, 0.5f));
    b.floats(name + ".b", {filters}, ramp(filters, 0.25f));
    setInts(b.node("Conv", {in, name + ".w", name + ".b"}, out, "/" + name + "/Conv"),
            "kernel_shape", {1, 1});
}

std::vector<std::string> types(const Project &p)
{
    std::vector<std::string> out;
    for (const Node &n : p.graph.nodes())
        out.push_back(n.type);
    return out;
}

const Node &only(const Project &p, const std::string &type)
{
    for (const Node &n : p.graph.nodes())
        if (n.type == type)
            return n;
    qFatal("no %s node", type.c_str());
}

} // namespace

class TestOnnxImportArithmetic : public QObject
{
    Q_OBJECT

private:
    ModelFolder models_;
    std::string save(const ModelBuilder &b, const std::string &name)
    {
        return models_.save(b, name);
    }
    void expectRefused(const ModelBuilder &b, const std::vector<std::string> &needles)
    {
        models_.expectRefused(b, needles);
    }

private slots:
    void initTestCase() { QVERIFY(models_.isValid()); }

    // torchvision's SqueezeExcitation: scale = sigmoid(fc2(relu(fc1(avgpool(x))))); scale * x.
    void squeezeExcitation_data()
    {
        QTest::addColumn<bool>("gateFirst");
        QTest::newRow("Mul(scale, x)") << true;
        QTest::newRow("Mul(x, scale)") << false;
    }
    void squeezeExcitation()
    {
        QFETCH(bool, gateFirst);
        const ModelBuilder b = imageThen(
            [&](ModelBuilder &m) {
                m.node("GlobalAveragePool", {"x"}, "p", "/se/avgpool/GlobalAveragePool");
                conv1x1(m, "p", "f", kChannels, "se/fc1");
                m.node("Sigmoid", {"f"}, "s", "/se/Sigmoid");
                m.node("Mul",
                       gateFirst ? std::vector<std::string>{"s", "x"}
                                 : std::vector<std::string>{"x", "s"},
                       "y", "/se/Mul");
            },
            {kChannels, 3, 3});
        const ImportResult r = importOnnx(save(b, "se.onnx"));
        QCOMPARE(types(r.project), (std::vector<std::string>{"Input", "GlobalAvgPool2D", "Conv2D",
                                                             "Sigmoid", "Multiply"}));
        QCOMPARE(only(r.project, "GlobalAvgPool2D").params.value("keep_dims", false), true);
        const GraphAnalysis a = analyze(r.project.graph);
        QVERIFY(a.ok());
        QCOMPARE(a.find(only(r.project, "Multiply").id)->output, (Shape{kChannels, 3, 3}));
        // The gate feeds the port it fed in ONNX.
        const Edge *gate = r.project.graph.edgeInto({only(r.project, "Multiply").id, 0});
        QVERIFY(gate);
        QCOMPARE(r.project.graph.find(gate->from.node)->type,
                 std::string(gateFirst ? "Sigmoid" : "Input"));
    }

    // A classifier head keeps GlobalAveragePool flat: the Flatten after it costs nothing.
    void globalPoolBeforeFlattenStaysFlat()
    {
        const ModelBuilder b = imageThen(
            [](ModelBuilder &m) {
                m.node("GlobalAveragePool", {"x"}, "p", "/avgpool/GlobalAveragePool");
                setInt(m.node("Flatten", {"p"}, "y", "/Flatten"), "axis", 1);
            },
            {kChannels});
        const ImportResult r = importOnnx(save(b, "head.onnx"));
        QCOMPARE(types(r.project), (std::vector<std::string>{"Input", "GlobalAvgPool2D"}));
        QCOMPARE(only(r.project, "GlobalAvgPool2D").params.value("keep_dims", false), false);
    }

    // ReduceMean over height and width (x.mean((2, 3), keepdim=...)), axes written either way.
    void reduceMean_data()
    {
        QTest::addColumn<bool>("keep");
        QTest::addColumn<bool>("negativeAxes");
        QTest::newRow("keepdims 1") << true << false;
        QTest::newRow("keepdims 0") << false << false;
        QTest::newRow("keepdims 1, axes -2 -1") << true << true;
    }
    void reduceMean()
    {
        QFETCH(bool, keep);
        QFETCH(bool, negativeAxes);
        const ModelBuilder b = imageThen(
            [&](ModelBuilder &m) {
                auto &n = m.node("ReduceMean", {"x"}, "y", "/ReduceMean");
                setInts(n, "axes",
                        negativeAxes ? std::vector<int64_t>{-2, -1} : std::vector<int64_t>{2, 3});
                setInt(n, "keepdims", keep ? 1 : 0);
            },
            keep ? std::vector<int64_t>{kChannels, 1, 1} : std::vector<int64_t>{kChannels});
        const ImportResult r = importOnnx(save(b, "mean.onnx"));
        QCOMPARE(types(r.project), (std::vector<std::string>{"Input", "GlobalAvgPool2D"}));
        QCOMPARE(only(r.project, "GlobalAvgPool2D").params.value("keep_dims", false), keep);
    }

    void subtract()
    {
        const ModelBuilder b = imageThen(
            [](ModelBuilder &m) {
                conv1x1(m, "x", "c", kChannels, "conv");
                m.node("Sub", {"x", "c"}, "y", "/Sub");
            },
            {kChannels, 3, 3});
        const ImportResult r = importOnnx(save(b, "sub.onnx"));
        QCOMPARE(types(r.project), (std::vector<std::string>{"Input", "Conv2D", "Subtract"}));
    }

    // What Strata cannot compute is refused, naming the node and the shapes or axes.
    void refused()
    {
        // One row per pixel, broadcast over channels.
        expectRefused(imageThen(
                          [](ModelBuilder &m) {
                              conv1x1(m, "x", "c", 1, "conv");
                              m.node("Mul", {"x", "c"}, "y", "/Mul");
                          },
                          {kChannels, 3, 3}),
                      {"Mul '/Mul'", "4×3×3", "1×3×3", "one value per channel"});
        expectRefused(imageThen(
                          [](ModelBuilder &m) {
                              m.floats("k", {1}, {2.f});
                              m.node("Sub", {"x", "k"}, "y", "/Sub");
                          },
                          {kChannels, 3, 3}),
                      {"Sub '/Sub'", "subtracts a constant", "two layer outputs"});
        expectRefused(imageThen(
                          [](ModelBuilder &m) {
                              setInts(m.node("ReduceMean", {"x"}, "y", "/ReduceMean"), "axes", {1});
                          },
                          {1, 3, 3}),
                      {"ReduceMean '/ReduceMean'", "axes [1]", "height and width"});
    }
};

QTEST_APPLESS_MAIN(TestOnnxImportArithmetic)
#include "test_onnx_import_arithmetic.moc"
