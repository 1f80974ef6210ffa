// ONNX import of LayerNorm and GroupNorm: the LayerNormalization (opset 17) and
// GroupNormalization (opsets 18 and 21) ops, and the opset-13 chains that exporters write
// for them, built here by hand; what is refused, with the node named and the reason. The
// chains as PyTorch's exporter writes them are checked against PyTorch in
// tests/interop/check_onnx_import.py (model "norms").

#include "onnx_model_builder.h"
#include "onnx_test_support.h"

#include "strata/errors.h"
#include "strata/export.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace strata;
using namespace onnx_test;

namespace {

void setFloat(onnx::NodeProto &n, const std::string &name, float v)
{
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
}

void constantFloats(ModelBuilder &b, const std::string &output, const Shape &dims,
                    const std::vector<float> &values)
{
    auto &n = b.node("Constant", {}, output, "/" + output);
    auto *a = n.add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    a->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims)
        a->mutable_t()->add_dims(d);
    for (float v : values)
        a->mutable_t()->add_float_data(v);
}

// x {batch, 2, 3, 3} → the chain `body` writes from "x" to "y".
ModelBuilder imageModel(const std::function<void(ModelBuilder &)> &body, int64_t opset)
{
    ModelBuilder b(opset);
    b.input("x", {-1, 2, 3, 3});
    body(b);
    b.output("y", {-1, 2, 3, 3});
    return b;
}

// LayerNorm's opset-13 chain over `axes`, its exponent `power`, γ and β per channel.
void layerNormChain(ModelBuilder &b, const std::vector<int64_t> &axes, float power)
{
    setInts(b.node("ReduceMean", {"x"}, "mean", "/ln/ReduceMean"), "axes", axes);
    b.node("Sub", {"x", "mean"}, "centered", "/ln/Sub");
    constantFloats(b, "two", {}, {power});
    b.node("Pow", {"centered", "two"}, "squared", "/ln/Pow");
    setInts(b.node("ReduceMean", {"squared"}, "var", "/ln/ReduceMean_1"), "axes", axes);
    constantFloats(b, "eps", {}, {1e-5f});
    b.node("Add", {"var", "eps"}, "var_eps", "/ln/Add");
    b.node("Sqrt", {"var_eps"}, "std", "/ln/Sqrt");
    b.node("Div", {"centered", "std"}, "normalized", "/ln/Div");
    b.floats("gamma", {2, 1, 1}, {1.5f, 0.5f});
    b.floats("beta", {2, 1, 1}, {0.25f, -0.25f});
    b.node("Mul", {"gamma", "normalized"}, "scaled", "/ln/Mul");
    b.node("Add", {"scaled", "beta"}, "y", "/ln/Add_1");
}

// GroupNorm's opset-13 chain with 2 groups, the instance norm's scale `scale`.
void groupNormChain(ModelBuilder &b, float scale)
{
    b.constantInts("grouped_shape", {3}, {0, 2, -1});
    b.node("Reshape", {"x", "grouped_shape"}, "grouped", "/gn/Reshape");
    constantFloats(b, "ones", {2}, {scale, scale});
    constantFloats(b, "zeros", {2}, {0, 0});
    setFloat(b.node("InstanceNormalization", {"grouped", "ones", "zeros"}, "normalized",
                    "/gn/InstanceNormalization"),
             "epsilon", 1e-3f);
    b.node("Shape", {"x"}, "shape", "/gn/Shape");
    b.node("Reshape", {"normalized", "shape"}, "back", "/gn/Reshape_1");
    b.floats("gamma", {2, 1, 1}, {1.5f, 0.5f});
    b.floats("beta", {2, 1, 1}, {0.25f, -0.25f});
    b.node("Mul", {"back", "gamma"}, "scaled", "/gn/Mul");
    b.node("Add", {"scaled", "beta"}, "y", "/gn/Add");
}

const Tensor &weight(const ImportResult &r, const std::string &name)
{
    for (const auto &[n, t] : r.weights.weights)
        if (n == name)
            return t;
    throw std::runtime_error("no weight " + name);
}

} // namespace

class TestOnnxImportNorms : public QObject
{
    Q_OBJECT

private:
    ModelFolder models_;
    std::string save(const ModelBuilder &b, const std::string &name)
    {
        return models_.save(b, name);
    }
    void expectRefused(const ModelBuilder &b, const std::string &node, const std::string &why)
    {
        models_.expectRefused(b, {node, why});
    }

private slots:
    void initTestCase() { QVERIFY(models_.isValid()); }

    // ConvNeXt's channels-first LayerNorm: means over axis 1, γ as C×1×1 read first.
    void layerNormChainOverChannels()
    {
        const ImportResult r = importOnnx(save(
            imageModel([](ModelBuilder &b) { layerNormChain(b, {1}, 2); }, 13), "ln_chain.onnx"));
        QCOMPARE(layers(r.project), (std::vector<std::string>{"x:Input", "ln:LayerNorm"}));
        const Node *ln = r.project.graph.find("ln");
        QCOMPARE(ln->params.at("over").get<std::string>(), std::string("channels"));
        QCOMPARE(weight(r, "ln.gamma").toVector(), (std::vector<float>{1.5f, 0.5f}));
        QCOMPARE(weight(r, "ln.beta").toVector(), (std::vector<float>{0.25f, -0.25f}));
    }

    // Over the whole sample with γ per channel: GroupNorm with one group.
    void layerNormChainOverSampleWithChannelWeights()
    {
        const ImportResult r = importOnnx(save(imageModel(
                                                   [](ModelBuilder &b) {
                                                       layerNormChain(b, {-3, -2, -1}, 2);
                                                   },
                                                   13),
                                               "ln_sample.onnx"));
        QCOMPARE(layers(r.project), (std::vector<std::string>{"x:Input", "ln:GroupNorm"}));
        QCOMPARE(r.project.graph.find("ln")->params.at("groups").get<int64_t>(), int64_t(1));
    }

    void layerNormChainRefusals()
    {
        expectRefused(imageModel([](ModelBuilder &b) { layerNormChain(b, {1}, 3); }, 13),
                      "'/ln/LayerNormalization'", "Pow is not a square");
        expectRefused(imageModel(
                          [](ModelBuilder &b) {
                              layerNormChain(b, {2, 3}, 2);
                          },
                          13),
                      "'/ln/LayerNormalization'", "whole sample or over the channels");
    }

    void groupNormChain()
    {
        const ImportResult r = importOnnx(
            save(imageModel([](ModelBuilder &b) { ::groupNormChain(b, 1); }, 13), "gn.onnx"));
        QCOMPARE(layers(r.project), (std::vector<std::string>{"x:Input", "gn:GroupNorm"}));
        const Node *gn = r.project.graph.find("gn");
        QCOMPARE(gn->params.at("groups").get<int64_t>(), int64_t(2));
        QVERIFY(std::abs(gn->params.at("epsilon").get<double>() - 1e-3) < 1e-9);
        QCOMPARE(weight(r, "gn.gamma").toVector(), (std::vector<float>{1.5f, 0.5f}));
        expectRefused(imageModel([](ModelBuilder &b) { ::groupNormChain(b, 2); }, 13),
                      "'/gn/GroupNormalization'", "scale 1 and bias 0");
    }

    // Opset 17's LayerNormalization from `axis` to the last axis.
    void layerNormalizationOp()
    {
        auto model = [](int64_t axis, const Shape &scale) {
            return imageModel(
                [&](ModelBuilder &b) {
                    b.floats("scale", scale, ramp(numel(scale), 1.0f, 0.5f));
                    auto &n = b.node("LayerNormalization", {"x", "scale"}, "y", "/norm/ln");
                    setInt(n, "axis", axis);
                    setFloat(n, "epsilon", 1e-6f);
                },
                17);
        };
        const ImportResult r = importOnnx(save(model(1, {2, 3, 3}), "ln17.onnx"));
        QCOMPARE(layers(r.project), (std::vector<std::string>{"x:Input", "norm_ln:LayerNorm"}));
        QCOMPARE(r.project.graph.find("norm_ln")->params.at("over").get<std::string>(),
                 std::string("sample"));
        QCOMPARE(weight(r, "norm_ln.gamma").shape(), (Shape{2, 3, 3}));
        QCOMPARE(weight(r, "norm_ln.beta").toVector(), std::vector<float>(18, 0.0f));
        expectRefused(model(-1, {3}), "LayerNormalization '/norm/ln'",
                      "normalises over the axes [2]");
    }

    // Opsets 18 to 20 scale and shift per group, 21 per channel.
    void groupNormalizationOp_data()
    {
        QTest::addColumn<int>("opset");
        QTest::addColumn<int>("groups");
        QTest::addColumn<int>("scales");
        QTest::newRow("opset 18, per group") << 18 << 2 << 2;
        QTest::newRow("opset 21, per channel") << 21 << 2 << 4;
        QTest::newRow("instance norm") << 18 << 4 << 4;
    }
    void groupNormalizationOp()
    {
        QFETCH(int, opset);
        QFETCH(int, groups);
        QFETCH(int, scales);
        ModelBuilder b(opset);
        b.input("x", {-1, 4, 2, 2});
        b.floats("scale", {scales}, ramp(scales, 1.0f, 0.3f));
        b.floats("bias", {scales}, ramp(scales, 0.5f, 1.1f));
        setInt(b.node("GroupNormalization", {"x", "scale", "bias"}, "y", "/gn/GroupNormalization"),
               "num_groups", groups);
        b.output("y", {-1, 4, 2, 2});
        const ImportResult r = importOnnx(save(b, "gn18.onnx"));
        QCOMPARE(layers(r.project), (std::vector<std::string>{"x:Input", "gn:GroupNorm"}));
        const std::vector<float> scale = ramp(scales, 1.0f, 0.3f);
        const std::vector<float> gamma = weight(r, "gn.gamma").toVector();
        for (int c = 0; c < 4; ++c)
            QCOMPARE(gamma[size_t(c)], scale[size_t(c / (4 / scales))]);
    }

    void groupsNotDividingChannels()
    {
        ModelBuilder b(21);
        b.input("x", {-1, 4, 2, 2});
        b.floats("scale", {4}, ramp(4, 1.0f));
        b.floats("bias", {4}, ramp(4, 1.0f));
        setInt(b.node("GroupNormalization", {"x", "scale", "bias"}, "y", "/gn/GroupNormalization"),
               "num_groups", 3);
        b.output("y", {-1, 4, 2, 2});
        expectRefused(b, "GroupNormalization '/gn/GroupNormalization'",
                      "set groups to one of 1, 2, 4");
    }
};

QTEST_APPLESS_MAIN(TestOnnxImportNorms)
#include "test_onnx_import_norms.moc"
