// Conv2D's explicit padding, dilation, groups and kernels and strides per axis (Inception's
// 1×7 and 7×1): gradient checks on every backend, oneDNN
// against the reference (plain and channel-blocked), hand-computed values, parameter counts
// and FLOPs, the inspector's unused parameters and the malformed-settings table.

#include "layer_harness.h"
#include "setting_rows.h"
#include "strata/shape_inference.h"

#include <QtTest>

using namespace strata;
using namespace strata::testing;

namespace {

struct Setting
{
    const char *name;
    Shape input; // N, C, H, W
    nlohmann::json params;
};

LayerCase convCase(const Shape &input, const nlohmann::json &params)
{
    LayerCase c;
    c.node = Node{"conv", "Conv2D", "conv", params};
    c.inputShapes = {input};
    return c;
}

const std::vector<Setting> &settings()
{
    using J = nlohmann::json;
    static const std::vector<Setting> all{
        {"explicit pad 1 k3", {2, 2, 5, 5}, J{{"filters", 3}, {"padding", "explicit"}, {"pad", 1}}},
        {"asymmetric pads k3 s2",
         {2, 2, 6, 7},
         J{{"filters", 3},
           {"stride", 2},
           {"padding", "explicit"},
           {"pad_top", 0},
           {"pad_bottom", 2},
           {"pad_left", 1},
           {"pad_right", 0}}},
        {"resnet stem k7 s2 pad 3",
         {2, 3, 12, 12},
         J{{"filters", 4},
           {"kernel", 7},
           {"stride", 2},
           {"padding", "explicit"},
           {"pad", 3},
           {"bias", false}}},
        {"dilation 2 valid", {2, 2, 8, 8}, J{{"filters", 2}, {"dilation", 2}}},
        {"dilation 2 s2 pad 2",
         {2, 2, 7, 8},
         J{{"filters", 3}, {"stride", 2}, {"dilation", 2}, {"padding", "explicit"}, {"pad", 2}}},
        {"dilation 2 same", {2, 2, 6, 5}, J{{"filters", 2}, {"dilation", 2}, {"padding", "same"}}},
        {"groups 2", {2, 4, 5, 5}, J{{"filters", 6}, {"groups", 2}, {"padding", "same"}}},
        {"depthwise",
         {2, 3, 6, 6},
         J{{"filters", 3}, {"groups", 3}, {"padding", "explicit"}, {"pad", 1}, {"bias", false}}},
        {"depthwise multiplier 2", {2, 2, 5, 5}, J{{"filters", 4}, {"groups", 2}, {"stride", 2}}},
        {"groups 2 dilation 2 asymmetric",
         {2, 4, 7, 7},
         J{{"filters", 2},
           {"groups", 2},
           {"dilation", 2},
           {"padding", "explicit"},
           {"pad", 1},
           {"pad_right", 2}}},
        {"inception 1x7 pad (0, 3)",
         {2, 2, 5, 9},
         J{{"filters", 3},
           {"kernel_h", 1},
           {"kernel_w", 7},
           {"padding", "explicit"},
           {"pad_left", 3},
           {"pad_right", 3},
           {"pad", 0}}},
        {"7x1 same",
         {2, 2, 9, 4},
         J{{"filters", 2}, {"kernel_h", 7}, {"kernel_w", 1}, {"padding", "same"}}},
        {"3x2 stride (2, 1) pad 1",
         {2, 2, 7, 6},
         J{{"filters", 2},
           {"kernel_h", 3},
           {"kernel_w", 2},
           {"stride_h", 2},
           {"padding", "explicit"},
           {"pad", 1}}},
        {"1x3 stride (1, 2) dilation 2 groups 2",
         {2, 4, 4, 9},
         J{{"filters", 4},
           {"groups", 2},
           {"kernel_h", 1},
           {"kernel", 3},
           {"stride_w", 2},
           {"dilation", 2}}},
    };
    return all;
}

GraphAnalysis analyzeChain(const Shape &image, const nlohmann::json &params)
{
    Graph g;
    g.addNode(
        {"in", "Input", "in", {{"channels", image[0]}, {"height", image[1]}, {"width", image[2]}}});
    g.addNode({"c1", "Conv2D", "c1", params});
    g.connect({{"in", 0}, {"c1", 0}});
    return analyze(g);
}

} // namespace

class TestConv2DSettings : public QObject
{
    Q_OBJECT

private slots:
    void gradients_data() { addBackendSettingRows(settings()); }
    void gradients()
    {
        QFETCH(QString, backend);
        QFETCH(int, setting);
        const Setting &s = settings()[size_t(setting)];
        std::string worst;
        const double err =
            gradientCheckError(convCase(s.input, s.params), backend.toStdString(), &worst, 1e-2);
        QVERIFY2(err < 5e-3, worst.c_str());
    }

    void matchesReference_data()
    {
        QTest::addColumn<int>("setting");
        for (size_t i = 0; i < settings().size(); ++i)
            QTest::newRow(settings()[i].name) << static_cast<int>(i);
    }
    void matchesReference()
    {
        QFETCH(int, setting);
        const Setting &s = settings()[size_t(setting)];
        std::string report;
        QVERIFY2(referenceComparisonError(convCase(s.input, s.params), "cpu", &report) < 1e-4,
                 report.c_str());
    }

    // Grouped and depthwise convolutions between convolutions, and Inception's 1×7 kernel
    // (padded (0, 3), here with stride (1, 2)), in oneDNN's blocked layouts.
    void blockedLayouts_data()
    {
        using J = nlohmann::json;
        QTest::addColumn<QString>("params");
        const J dilated{{"dilation", 2}, {"padding", "explicit"}, {"pad", 2}, {"pad_bottom", 1}};
        J grouped = dilated, depthwise = dilated;
        grouped["groups"] = 2;
        depthwise["groups"] = 16;
        const J wide{{"kernel_h", 1},         {"kernel_w", 7}, {"stride_w", 2}, {"pad", 0},
                     {"padding", "explicit"}, {"pad_left", 3}, {"pad_right", 3}};
        QTest::newRow("groups 2") << QString::fromStdString(grouped.dump());
        QTest::newRow("depthwise 16") << QString::fromStdString(depthwise.dump());
        QTest::newRow("1x7 stride (1, 2)") << QString::fromStdString(wide.dump());
    }
    void blockedLayouts()
    {
        QFETCH(QString, params);
        nlohmann::json p = nlohmann::json::parse(params.toStdString());
        p["filters"] = 32;
        LayerCase c = convCase({2, 16, 7, 7}, p);
        c.inputBlock = 16;
        c.blockedOutputAllowed = true;
        std::string report;
        QVERIFY2(referenceComparisonError(c, "cpu", &report) < 1e-4, report.c_str());
        QVERIFY2(gradientCheckError(c, "cpu", &report, 1e-2) < 5e-3, report.c_str());
    }

    void knownValues_data() { addBackendRows(); }
    void knownValues()
    {
        QFETCH(QString, backend);
        const std::string b = backend.toStdString();
        // 5×5 input 1..25, a 2×2 kernel of ones dilated by 2: each output sums the corners of
        // a 3×3 block.
        LayerHarness dilated(
            convCase({1, 1, 5, 5},
                     {{"filters", 1}, {"kernel", 2}, {"dilation", 2}, {"bias", false}}),
            b);
        for (int i = 0; i < 25; ++i)
            dilated.inputs[0].data()[i] = float(i + 1);
        dilated.weights[0].fill(1.0f);
        dilated.forward();
        QCOMPARE(dilated.output.toVector(),
                 (std::vector<float>{28, 32, 36, 48, 52, 56, 68, 72, 76}));

        // 3×3 input 1..9, a 2×2 kernel of ones, one row of padding at the top only.
        LayerHarness top(convCase({1, 1, 3, 3}, {{"filters", 1},
                                                 {"kernel", 2},
                                                 {"padding", "explicit"},
                                                 {"pad_top", 1},
                                                 {"bias", false}}),
                         b);
        for (int i = 0; i < 9; ++i)
            top.inputs[0].data()[i] = float(i + 1);
        top.weights[0].fill(1.0f);
        top.forward();
        QCOMPARE(top.output.toVector(), (std::vector<float>{3, 5, 12, 16, 24, 28}));

        // Two groups of one channel, 1×1 kernels: each filter scales its own channel.
        LayerHarness grouped(
            convCase({1, 2, 1, 2}, {{"filters", 2}, {"kernel", 1}, {"groups", 2}, {"bias", false}}),
            b);
        grouped.inputs[0].data()[0] = 1; // channel 0
        grouped.inputs[0].data()[1] = 2;
        grouped.inputs[0].data()[2] = 3; // channel 1
        grouped.inputs[0].data()[3] = 4;
        grouped.weights[0].data()[0] = 10;
        grouped.weights[0].data()[1] = -1;
        grouped.forward();
        QCOMPARE(grouped.output.toVector(), (std::vector<float>{10, 20, -3, -4}));

        // 3×3 input 1..9, a 1×3 kernel of ones padded (0, 1): each output sums its row
        // neighbours.
        LayerHarness wide(convCase({1, 1, 3, 3}, {{"filters", 1},
                                                  {"kernel_h", 1},
                                                  {"kernel_w", 3},
                                                  {"padding", "explicit"},
                                                  {"pad_left", 1},
                                                  {"pad_right", 1},
                                                  {"bias", false}}),
                          b);
        for (int i = 0; i < 9; ++i)
            wide.inputs[0].data()[i] = float(i + 1);
        wide.weights[0].fill(1.0f);
        wide.forward();
        QCOMPARE(wide.output.toVector(), (std::vector<float>{3, 6, 5, 9, 15, 11, 15, 24, 17}));
    }

    void countsAndFlops()
    {
        // 8 channels in 4 groups to 16 filters: each filter reads 2 channels.
        GraphAnalysis a = analyzeChain(
            {8, 10, 10}, {{"filters", 16}, {"groups", 4}, {"padding", "explicit"}, {"pad", 1}});
        QVERIFY2(a.ok(), a.find("c1")->message.c_str());
        const NodeAnalysis *c = a.find("c1");
        QCOMPARE(c->output, (Shape{16, 10, 10}));
        QCOMPARE(c->params, int64_t(16 * 2 * 9 + 16));
        QCOMPARE(c->flops, int64_t(2 * 2 * 9 * 16 * 100 + 16 * 100));

        // torchvision ResNet's stem on 3×32×32: 7×7, stride 2, padding 3 → 64×16×16.
        GraphAnalysis stem = analyzeChain({3, 32, 32}, {{"filters", 64},
                                                        {"kernel", 7},
                                                        {"stride", 2},
                                                        {"padding", "explicit"},
                                                        {"pad", 3},
                                                        {"bias", false}});
        QCOMPARE(stem.find("c1")->output, (Shape{64, 16, 16}));
        QCOMPARE(stem.find("c1")->params, int64_t(64 * 3 * 49));

        // Inception v3's 1×7 convolution padded (0, 3) keeps 17×17; its weight is {O, I, 1, 7}.
        GraphAnalysis inception = analyzeChain({8, 17, 17}, {{"filters", 16},
                                                             {"kernel_h", 1},
                                                             {"kernel_w", 7},
                                                             {"padding", "explicit"},
                                                             {"pad_left", 3},
                                                             {"pad_right", 3}});
        QVERIFY2(inception.ok(), inception.find("c1")->message.c_str());
        QCOMPARE(inception.find("c1")->output, (Shape{16, 17, 17}));
        QCOMPARE(inception.find("c1")->params, int64_t(16 * 8 * 7 + 16));
        QCOMPARE(inception.find("c1")->flops, int64_t(2 * 8 * 7 * 16 * 289 + 16 * 289));
        // Strides per axis: (2, 1) halves the rows only.
        GraphAnalysis strided =
            analyzeChain({1, 8, 8}, {{"filters", 1}, {"stride_h", 2}, {"padding", "same"}});
        QCOMPARE(strided.find("c1")->output, (Shape{1, 4, 8}));

        // Dilation 3 with a 3×3 kernel spans 7 pixels.
        GraphAnalysis dilated = analyzeChain({1, 9, 9}, {{"filters", 1}, {"dilation", 3}});
        QCOMPARE(dilated.find("c1")->output, (Shape{1, 3, 3}));
    }

    void unusedPaddingParams()
    {
        const LayerType &t = LayerRegistry::instance().get("Conv2D");
        const auto unused = t.unusedParams({{"padding", "valid"}});
        QVERIFY(std::find(unused.begin(), unused.end(), "pad") != unused.end());
        QVERIFY(std::find(unused.begin(), unused.end(), "pad_right") != unused.end());
        QVERIFY(t.unusedParams({{"padding", "explicit"}}).empty());
        // Both axes set: the single value is not used.
        const auto axes =
            t.unusedParams({{"padding", "explicit"}, {"kernel_h", 1}, {"kernel_w", 7}});
        QVERIFY(std::find(axes.begin(), axes.end(), "kernel") != axes.end());
        QVERIFY(t.unusedParams({{"padding", "explicit"}, {"kernel_w", 7}}).empty());
    }

    // A project written before these settings existed resolves to what it always computed.
    void oldParamsResolveUnchanged()
    {
        const nlohmann::json p = LayerRegistry::instance().resolveParams(
            Node{"c", "Conv2D", "c", {{"filters", 4}, {"padding", "same"}}});
        QCOMPARE(p.at("dilation").get<int>(), 1);
        QCOMPARE(p.at("groups").get<int>(), 1);
        QCOMPARE(p.at("pad").get<int>(), 0);
        // ... and the per-axis values default to "the single value".
        QCOMPARE(p.at("kernel_h").get<int>(), 0);
        QCOMPARE(p.at("stride_w").get<int>(), 0);
    }

    void malformed_data()
    {
        QTest::addColumn<QString>("params");
        QTest::addColumn<QStringList>("needles");
        QTest::newRow("groups not dividing channels")
            << R"({"filters": 6, "groups": 4})"
            << QStringList{"Conv2D 'c1'", "groups 4 does not divide its 6 input channels",
                           "divisor of 6"};
        QTest::newRow("groups not dividing filters")
            << R"({"filters": 5, "groups": 2})"
            << QStringList{"Conv2D 'c1'", "does not divide its 5 filters", "multiple of 2"};
        QTest::newRow("padding not below the kernel")
            << R"({"padding": "explicit", "pad": 1, "pad_left": 3})"
            << QStringList{"Conv2D 'c1'", "padding 3 pixels on the left",
                           "not smaller than the 3×3 kernel", "at most 2"};
        QTest::newRow("dilation past the padded input")
            << R"({"kernel": 3, "dilation": 5, "padding": "explicit", "pad": 1})"
            << QStringList{"Conv2D 'c1'", "8×8 (height×width) padded to 10×10",
                           "dilated by 5 (11×11 pixels)", "lower the dilation"};
        QTest::newRow("padding not below a 1×3 kernel's height")
            << R"({"kernel_h": 1, "padding": "explicit", "pad": 1})"
            << QStringList{"Conv2D 'c1'", "padding 1 pixels on the top",
                           "not smaller than the 1×3 kernel",
                           "pad at most 0 on the top and bottom"};
        QTest::newRow("tall kernel past the input")
            << R"({"kernel_h": 9, "kernel_w": 1})"
            << QStringList{"Conv2D 'c1'", "8×8 (height×width)", "the 9×1 kernel", "at most 8×8"};
        QTest::newRow("negative kernel width")
            << R"({"kernel_w": -1})"
            << QStringList{"Conv2D 'c1'", "'kernel_w'", "between 0 and 64"};
        QTest::newRow("negative pad") << R"({"padding": "explicit", "pad": -1})"
                                      << QStringList{"Conv2D 'c1'", "'pad'", "between 0 and 255"};
        QTest::newRow("unknown padding")
            << R"({"padding": "reflect"})" << QStringList{"Conv2D 'c1'", "'padding'", "explicit"};
    }
    void malformed()
    {
        QFETCH(QString, params);
        QFETCH(QStringList, needles);
        GraphAnalysis a = analyzeChain({6, 8, 8}, nlohmann::json::parse(params.toStdString()));
        const NodeAnalysis *c = a.find("c1");
        QCOMPARE(c->status, NodeStatus::Error);
        for (const QString &n : needles)
            QVERIFY2(c->message.find(n.toStdString()) != std::string::npos, c->message.c_str());
    }
};

QTEST_APPLESS_MAIN(TestConv2DSettings)
#include "test_conv2d_settings.moc"
