// ONNX import of decoders: ConvTranspose as ConvTranspose2D (pads and output_padding as
// "same", "valid" or explicit) and Resize with constant scales or sizes as Upsample, as
// torch.onnx.export writes nn.ConvTranspose2d and nn.Upsample at opset 13; and what Strata
// cannot map refused with the node named (cubic, align_corners, fractional factors, groups).

#include "onnx_model_builder.h"
#include "onnx_test_support.h"

#include "strata/errors.h"
#include "strata/export.h"

#include <functional>

using namespace strata;
using namespace onnx_test;

namespace {

constexpr int64_t kChannels = 2;

// x {batch, 2, 3, 4}; `body` writes from "x" to "y", declared {batch, outDims...}.
ModelBuilder imageThen(const std::function<void(ModelBuilder &)> &body,
                       const std::vector<int64_t> &outDims, int64_t opset = 13)
{
    ModelBuilder b(opset);
    b.input("x", {-1, kChannels, 3, 4});
    body(b);
    std::vector<int64_t> dims{-1};
    dims.insert(dims.end(), outDims.begin(), outDims.end());
    b.output("y", dims);
    return b;
}

// Resize(x, roi "", scales) as the exporter writes nn.Upsample.
ModelBuilder resize(const std::vector<float> &scales, const std::string &mode,
                    const std::string &coordinates, const std::vector<int64_t> &outDims)
{
    return imageThen(
        [&](ModelBuilder &m) {
            m.floats("scales", {4}, scales);
            onnx::NodeProto &n = m.node("Resize", {"x", "", "scales"}, "y", "/up/Resize");
            setString(n, "mode", mode);
            setString(n, "coordinate_transformation_mode", coordinates);
            if (mode == "nearest")
                setString(n, "nearest_mode", "floor");
        },
        outDims);
}

// ConvTranspose from 2 channels to 3 filters with a k×k kernel.
ModelBuilder convTranspose(int64_t k, int64_t stride, const std::vector<int64_t> &pads,
                           int64_t outputPadding, const std::vector<int64_t> &outDims,
                           int64_t group = 1)
{
    return imageThen(
        [&](ModelBuilder &m) {
            m.floats("w", {kChannels, 3 / group, k, k}, ramp(kChannels * 3 / group * k * k, 0.5f));
            m.floats("b", {3}, ramp(3, 0.25f));
            onnx::NodeProto &n = m.node("ConvTranspose", {"x", "w", "b"}, "y", "/up/ConvTranspose");
            setInts(n, "kernel_shape", {k, k});
            setInts(n, "strides", {stride, stride});
            setInts(n, "pads", pads);
            setInts(n, "output_padding", {outputPadding, outputPadding});
            if (group != 1)
                setInt(n, "group", group);
        },
        outDims);
}

const Node &only(const Project &p, const std::string &type)
{
    for (const Node &n : p.graph.nodes())
        if (n.type == type)
            return n;
    qFatal("no %s node", type.c_str());
}

} // namespace

class TestOnnxImportDecoder : public QObject
{
    Q_OBJECT

private:
    ModelFolder models_;

private slots:
    void initTestCase() { QVERIFY(models_.isValid()); }

    void resizeAsUpsample_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<QString>("coordinates");
        QTest::addColumn<QString>("strataMode");
        QTest::newRow("bilinear, half_pixel") << "linear"
                                              << "half_pixel"
                                              << "bilinear";
        QTest::newRow("bilinear, pytorch_half_pixel") << "linear"
                                                      << "pytorch_half_pixel"
                                                      << "bilinear";
        QTest::newRow("nearest, asymmetric floor") << "nearest"
                                                   << "asymmetric"
                                                   << "nearest";
    }
    void resizeAsUpsample()
    {
        QFETCH(QString, mode);
        QFETCH(QString, coordinates);
        QFETCH(QString, strataMode);
        const ModelBuilder b =
            resize({1, 1, 2, 3}, mode.toStdString(), coordinates.toStdString(), {kChannels, 6, 12});
        const ImportResult r = importOnnx(models_.save(b, "resize.onnx"));
        const Node &up = only(r.project, "Upsample");
        QCOMPARE(QString::fromStdString(up.params.at("mode").get<std::string>()), strataMode);
        QCOMPARE(up.params.at("scale_height").get<int>(), 2);
        QCOMPARE(up.params.at("scale_width").get<int>(), 3);
        QVERIFY(analyze(r.project.graph).ok());
    }

    // F.interpolate(x, size=...) writes sizes (here as a constant) instead of scales.
    void resizeWithSizes()
    {
        const ModelBuilder b = imageThen(
            [](ModelBuilder &m) {
                m.ints("sizes", {4}, {1, kChannels, 9, 8});
                setString(m.node("Resize", {"x", "", "", "sizes"}, "y", "/Resize"), "mode",
                          "nearest");
            },
            {kChannels, 9, 8});
        const ImportResult r = importOnnx(models_.save(b, "sizes.onnx"));
        QCOMPARE(only(r.project, "Upsample").params.at("scale_height").get<int>(), 3);
        QCOMPARE(only(r.project, "Upsample").params.at("scale_width").get<int>(), 2);
    }

    // Opset 9's Upsample (scales as input 2, asymmetric coordinates): nearest maps, linear
    // (asymmetric, not PyTorch's half-pixel) does not.
    void opset9Upsample()
    {
        for (const char *mode : {"nearest", "linear"}) {
            const ModelBuilder b = imageThen(
                [&](ModelBuilder &m) {
                    m.floats("scales", {4}, {1, 1, 2, 2});
                    setString(m.node("Upsample", {"x", "scales"}, "y", "/Upsample"), "mode", mode);
                },
                {kChannels, 6, 8}, 9);
            if (std::string(mode) == "linear") {
                models_.expectRefused(b, {"Upsample '/Upsample'", "'asymmetric'", "half_pixel"});
                continue;
            }
            const ImportResult r = importOnnx(models_.save(b, "upsample9.onnx"));
            QCOMPARE(only(r.project, "Upsample").params.at("mode").get<std::string>(),
                     std::string("nearest"));
        }
    }

    void resizeRefused_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<QString>("coordinates");
        QTest::addColumn<float>("scale");
        QTest::addColumn<QString>("needle");
        QTest::newRow("cubic") << "cubic"
                               << "half_pixel" << 2.0f << "mode 'cubic'";
        QTest::newRow("align_corners") << "linear"
                                       << "align_corners" << 2.0f << "align_corners";
        QTest::newRow("fractional") << "linear"
                                    << "half_pixel" << 1.5f << "by 1.5";
        QTest::newRow("shrinking") << "nearest"
                                   << "asymmetric" << 0.5f << "by 0.5";
    }
    void resizeRefused()
    {
        QFETCH(QString, mode);
        QFETCH(QString, coordinates);
        QFETCH(float, scale);
        QFETCH(QString, needle);
        models_.expectRefused(
            resize({1, 1, 2, scale}, mode.toStdString(), coordinates.toStdString(), {2, 6, 6}),
            {"Resize '/up/Resize'", needle.toStdString()});
    }

    void convTransposePadding_data()
    {
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("pad");
        QTest::addColumn<int>("outputPadding");
        QTest::addColumn<QString>("padding");
        QTest::newRow("k3 s2 pads 1 output_padding 1: explicit")
            << 3 << 1 << 1 << QString("explicit");
        QTest::newRow("k4 s2 pads 1: same") << 4 << 1 << 0 << QString("same");
        QTest::newRow("k2 s2: valid") << 2 << 0 << 0 << QString("valid");
    }
    void convTransposePadding()
    {
        QFETCH(int, kernel);
        QFETCH(int, pad);
        QFETCH(int, outputPadding);
        QFETCH(QString, padding);
        const int64_t h = (3 - 1) * 2 + kernel - 2 * pad + outputPadding;
        const int64_t w = (4 - 1) * 2 + kernel - 2 * pad + outputPadding;
        const ModelBuilder b =
            convTranspose(kernel, 2, {pad, pad, pad, pad}, outputPadding, {3, h, w});
        const ImportResult r = importOnnx(models_.save(b, "ct.onnx"));
        const Node &ct = only(r.project, "ConvTranspose2D");
        QCOMPARE(QString::fromStdString(ct.params.at("padding").get<std::string>()), padding);
        QCOMPARE(ct.params.at("filters").get<int>(), 3);
        const GraphAnalysis a = analyze(r.project.graph);
        QVERIFY(a.ok());
        QCOMPARE(a.find(ct.id)->output, (Shape{3, h, w}));
    }

    // auto_pad SAME_UPPER: output = input·stride, the odd pixel cropped at the end.
    void convTransposeSameUpper()
    {
        ModelBuilder b = convTranspose(3, 2, {0, 0, 0, 0}, 0, {3, 6, 8});
        onnx::NodeProto &n = *b.m.mutable_graph()->mutable_node(0);
        n.clear_attribute();
        setInts(n, "kernel_shape", {3, 3});
        setInts(n, "strides", {2, 2});
        setString(n, "auto_pad", "SAME_UPPER");
        const ImportResult r = importOnnx(models_.save(b, "same_upper.onnx"));
        QCOMPARE(only(r.project, "ConvTranspose2D").params.at("padding").get<std::string>(),
                 std::string("same"));
    }

    void convTransposeRefused()
    {
        models_.expectRefused(convTranspose(3, 2, {0, 0, 0, 0}, 0, {3, 7, 9}, 3),
                              {"ConvTranspose '/up/ConvTranspose'", "group 3", "not grouped"});
        models_.expectRefused(convTranspose(3, 2, {0, 0, 0, 0}, 2, {3, 9, 11}),
                              {"ConvTranspose '/up/ConvTranspose'", "output_padding 2"});
    }
};

QTEST_APPLESS_MAIN(TestOnnxImportDecoder)
#include "test_onnx_import_decoder.moc"
