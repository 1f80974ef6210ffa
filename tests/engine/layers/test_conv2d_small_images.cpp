// Conv2D on small images, where the CPU kernel leaves oneDNN's convolutions: a depthwise
// weight gradient where oneDNN has no jitted one (layers/conv2d/depthwise_cpu.h), and a 1×1
// image convolved as a Dense layer on its one tap (layers/conv2d/one_pixel_cpu.h). Each is
// checked against the reference and by finite differences, in every channel block, with and
// without bias, strided, dilated and padded beyond the image; and beside them the cases that
// stay with oneDNN.

#include "layer_harness.h"

#include <QtTest>

using namespace strata;
using namespace strata::testing;

namespace {

struct DepthwiseCase
{
    const char *name;
    Shape input; // {N, C, H, W}
    nlohmann::json params;
    int64_t inputBlock;
    bool ownGradient; // the image is smaller than the window reaches
};

const std::vector<DepthwiseCase> &cases()
{
    using J = nlohmann::json;
    static const std::vector<DepthwiseCase> all{
        {"1x1 image, k3 same, bias, nChw16c", {4, 32, 1, 1}, J{{"padding", "same"}}, 16, true},
        {"2x2 image, k3 same, no bias, nChw8c",
         {3, 32, 2, 2},
         J{{"padding", "same"}, {"bias", false}},
         8,
         true},
        {"2x2 to 1x1, stride 2, nChw16c",
         {2, 48, 2, 2},
         J{{"padding", "same"}, {"stride", 2}},
         16,
         true},
        {"3x3 image, dilation 2, pad 2, plain input",
         {2, 16, 3, 3},
         J{{"padding", "explicit"}, {"pad", 2}, {"dilation", 2}},
         1,
         true},
        {"2x3 image, k3 explicit asymmetric pads",
         {2, 16, 2, 3},
         J{{"padding", "explicit"},
           {"pad_top", 1},
           {"pad_bottom", 2},
           {"pad_left", 2},
           {"pad_right", 0}},
         16,
         true},
        {"8x8 image, k3 same (oneDNN's own kernel)",
         {2, 16, 8, 8},
         J{{"padding", "same"}},
         16,
         false},
    };
    return all;
}

struct OnePixelCase
{
    const char *name;
    Shape input; // {N, C, 1, 1}
    nlohmann::json params;
    int64_t inputBlock;
    bool onePixel; // runs as a Dense layer on one tap
};

const std::vector<OnePixelCase> &onePixelCases()
{
    using J = nlohmann::json;
    static const std::vector<OnePixelCase> all{
        {"k3 same, bias, nChw16c (ResNet's last blocks)",
         {4, 32, 1, 1},
         J{{"filters", 48}, {"kernel", 3}, {"padding", "same"}},
         16,
         true},
        {"k3 same stride 2, no bias, plain",
         {3, 8, 1, 1},
         J{{"filters", 5}, {"kernel", 3}, {"stride", 2}, {"padding", "same"}, {"bias", false}},
         1,
         true},
        {"k3 explicit pads: the corner tap",
         {2, 16, 1, 1},
         J{{"filters", 4},
           {"kernel", 3},
           {"padding", "explicit"},
           {"pad_top", 2},
           {"pad_bottom", 0},
           {"pad_left", 0},
           {"pad_right", 2}},
         8,
         true},
        {"k3 dilation 2 pad 2",
         {2, 16, 1, 1},
         J{{"filters", 6}, {"kernel", 3}, {"dilation", 2}, {"padding", "explicit"}, {"pad", 2}},
         16,
         true},
        {"k1 valid", {5, 16, 1, 1}, J{{"filters", 16}, {"kernel", 1}}, 16, true},
        {"k3 pad 2: a 3x3 output stays with oneDNN",
         {2, 16, 1, 1},
         J{{"filters", 4}, {"kernel", 3}, {"padding", "explicit"}, {"pad", 2}},
         16,
         false},
        {"grouped stays with oneDNN",
         {2, 16, 1, 1},
         J{{"filters", 16}, {"kernel", 3}, {"groups", 2}, {"padding", "same"}},
         16,
         false},
    };
    return all;
}

LayerCase depthwiseCase(const DepthwiseCase &d)
{
    nlohmann::json params = d.params;
    const int64_t channels = d.input[1];
    params["filters"] = channels;
    params["groups"] = channels;
    params["kernel"] = 3;
    LayerCase c;
    c.node = Node{"dw", "Conv2D", "dw", params};
    c.inputShapes = {d.input};
    c.inputBlock = d.inputBlock;
    c.blockedOutputAllowed = true;
    return c;
}

} // namespace

class TestConv2DSmallImages : public QObject
{
    Q_OBJECT

private slots:
    void depthwise_data()
    {
        QTest::addColumn<int>("index");
        for (size_t i = 0; i < cases().size(); ++i)
            QTest::newRow(cases()[i].name) << static_cast<int>(i);
    }
    void depthwise()
    {
        QFETCH(int, index);
        const DepthwiseCase &d = cases()[size_t(index)];
        const LayerCase c = depthwiseCase(d);
        const std::string kernel = LayerHarness(c, "cpu").implementation();
        QVERIFY2((kernel.find("strata depthwise") != std::string::npos) == d.ownGradient,
                 kernel.c_str());
        std::string report;
        QVERIFY2(referenceComparisonError(c, "cpu", &report) < 1e-4, report.c_str());
        QVERIFY2(gradientCheckError(c, "cpu", &report, 1e-2) < 5e-3, report.c_str());
    }

    void onePixel_data()
    {
        QTest::addColumn<int>("index");
        for (size_t i = 0; i < onePixelCases().size(); ++i)
            QTest::newRow(onePixelCases()[i].name) << static_cast<int>(i);
    }
    void onePixel()
    {
        QFETCH(int, index);
        const OnePixelCase &p = onePixelCases()[size_t(index)];
        LayerCase c;
        c.node = Node{"conv", "Conv2D", "conv", p.params};
        c.inputShapes = {p.input};
        c.inputBlock = p.inputBlock;
        c.blockedOutputAllowed = true;
        const std::string kernel = LayerHarness(c, "cpu").implementation();
        QVERIFY2((kernel.find("one pixel") != std::string::npos) == p.onePixel, kernel.c_str());
        std::string report;
        QVERIFY2(referenceComparisonError(c, "cpu", &report) < 1e-4, report.c_str());
        QVERIFY2(gradientCheckError(c, "cpu", &report, 1e-2) < 5e-3, report.c_str());
    }

    // Backward overwrites the weight gradients: a second pass gives the same values, not
    // their sum.
    void gradientsOverwritten_data()
    {
        QTest::addColumn<bool>("onePixel");
        QTest::newRow("depthwise") << false;
        QTest::newRow("one pixel") << true;
    }
    void gradientsOverwritten()
    {
        QFETCH(bool, onePixel);
        LayerCase c = depthwiseCase(cases()[0]);
        if (onePixel)
            c.node.params = onePixelCases()[0].params;
        LayerHarness h(c, "cpu");
        h.forward();
        Tensor r(h.outputShape);
        r.fill(0.25f);
        h.backward(r);
        const std::vector<Tensor> first = {h.weightGrads[0].clone(), h.weightGrads[1].clone()};
        h.backward(r);
        for (size_t i = 0; i < first.size(); ++i)
            QCOMPARE(maxRelativeError(h.weightGrads[i], first[i]), 0.0);
    }
};

QTEST_APPLESS_MAIN(TestConv2DSmallImages)
#include "test_conv2d_small_images.moc"
