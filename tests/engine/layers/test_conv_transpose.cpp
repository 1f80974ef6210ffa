// ConvTranspose2D: gradient check on every backend, oneDNN against the reference,
// hand-computed values, PyTorch's and Keras' output sizes and parameter counts, and the
// messages for impossible settings.

#include "layer_harness.h"
#include "strata/shape_inference.h"

#include <QtTest>

using namespace strata;
using namespace strata::testing;

namespace {

struct Config
{
    const char *name;
    Shape input; // N, C, H, W
    nlohmann::json params;
};

LayerCase transposeCase(const Shape &input, nlohmann::json params)
{
    LayerCase c;
    c.node = Node{"up", "ConvTranspose2D", "up", std::move(params)};
    c.inputShapes = {input};
    return c;
}

// Strides 1 to 3, kernels smaller and larger than the stride, the three paddings, crops that
// differ between sides and output_padding.
const std::vector<Config> &configs()
{
    static const std::vector<Config> all{
        {"k3 s2 valid", {2, 3, 4, 4}, {{"filters", 2}, {"kernel", 3}, {"stride", 2}}},
        {"k3 s2 same odd crop",
         {2, 2, 3, 4},
         {{"filters", 3}, {"kernel", 3}, {"stride", 2}, {"padding", "same"}}},
        {"k4 s2 same",
         {2, 2, 3, 3},
         {{"filters", 2}, {"kernel", 4}, {"stride", 2}, {"padding", "same"}, {"bias", false}}},
        {"k2 s3 same extends",
         {2, 2, 3, 2},
         {{"filters", 2}, {"kernel", 2}, {"stride", 3}, {"padding", "same"}}},
        {"k3 s2 pad 1 output_padding 1",
         {2, 3, 3, 3},
         {{"filters", 2},
          {"kernel", 3},
          {"stride", 2},
          {"padding", "explicit"},
          {"pad", 1},
          {"output_padding", 1}}},
        {"k3 s1 asymmetric pads",
         {2, 2, 4, 3},
         {{"filters", 2},
          {"kernel", 3},
          {"stride", 1},
          {"padding", "explicit"},
          {"pad_top", 2},
          {"pad_left", 1}}},
        {"k1 s2 valid output_padding 1 no bias",
         {3, 2, 3, 3},
         {{"filters", 4}, {"kernel", 1}, {"stride", 2}, {"output_padding", 1}, {"bias", false}}},
        {"k5 s3 explicit output_padding 2",
         {2, 2, 2, 3},
         {{"filters", 2},
          {"kernel", 5},
          {"stride", 3},
          {"padding", "explicit"},
          {"pad", 1},
          {"pad_right", 3},
          {"output_padding", 2}}},
    };
    return all;
}

GraphAnalysis analyzeChain(const Shape &input, const Node &layer)
{
    Graph g;
    if (input.size() == 3)
        g.addNode({"in",
                   "Input",
                   "in",
                   {{"channels", input[0]}, {"height", input[1]}, {"width", input[2]}}});
    else
        g.addNode({"in", "Input", "in", {{"features", input[0]}}});
    g.addNode(layer);
    g.connect({{"in", 0}, {layer.id, 0}});
    return analyze(g);
}

// The node's error message (empty when it has none).
std::string errorOf(const Shape &input, nlohmann::json params)
{
    GraphAnalysis a = analyzeChain(input, {"up", "ConvTranspose2D", "up", std::move(params)});
    const NodeAnalysis *n = a.find("up");
    return n->status == NodeStatus::Error ? n->message : std::string();
}

} // namespace

class TestConvTranspose : public QObject
{
    Q_OBJECT

private slots:
    void gradients_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<int>("config");
        for (const char *b : {"reference", "cpu"})
            for (size_t i = 0; i < configs().size(); ++i)
                QTest::newRow((std::string(b) + " " + configs()[i].name).c_str())
                    << QString(b) << static_cast<int>(i);
    }
    void gradients()
    {
        QFETCH(QString, backend);
        QFETCH(int, config);
        const Config &k = configs()[size_t(config)];
        std::string worst;
        const double err = gradientCheckError(transposeCase(k.input, k.params),
                                              backend.toStdString(), &worst, 1e-2);
        QVERIFY2(err < 5e-3, worst.c_str());
    }

    void matchesReference_data()
    {
        QTest::addColumn<int>("config");
        for (size_t i = 0; i < configs().size(); ++i)
            QTest::newRow(configs()[i].name) << static_cast<int>(i);
        QTest::newRow("large 4x16x8x8 to 8, k4 s2 same") << -1;
    }
    void matchesReference()
    {
        QFETCH(int, config);
        const LayerCase c =
            config >= 0
                ? transposeCase(configs()[size_t(config)].input, configs()[size_t(config)].params)
                : transposeCase(
                      {4, 16, 8, 8},
                      {{"filters", 8}, {"kernel", 4}, {"stride", 2}, {"padding", "same"}});
        std::string report;
        const double err = referenceComparisonError(c, "cpu", &report);
        QVERIFY2(err < 1e-4, report.c_str());
    }

    void knownValues_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("reference") << QString("reference");
        QTest::newRow("cpu") << QString("cpu");
    }
    void knownValues()
    {
        QFETCH(QString, backend);
        // A 1×2 input [1, 2], a 3×3 kernel of ones, stride 2: each pixel paints a 3×3 block,
        // the blocks 2 apart, overlapping in the middle column.
        LayerHarness valid(
            transposeCase({1, 1, 1, 2},
                          {{"filters", 1}, {"kernel", 3}, {"stride", 2}, {"bias", false}}),
            backend.toStdString());
        valid.inputs[0].data()[0] = 1;
        valid.inputs[0].data()[1] = 2;
        valid.weights[0].fill(1.0f);
        valid.forward();
        QCOMPARE(valid.output.shape(), (Shape{1, 1, 3, 5}));
        const std::vector<float> row{1, 1, 3, 2, 2};
        std::vector<float> rows;
        for (int i = 0; i < 3; ++i)
            rows.insert(rows.end(), row.begin(), row.end());
        QCOMPARE(valid.output.toVector(), rows);

        // Pad 1 crops a pixel from each side and output_padding 1 gives the last one back;
        // without padding, output_padding 1 adds a row and a column only the bias reaches.
        const std::pair<nlohmann::json, std::vector<float>> padded[] = {
            {{{"padding", "explicit"}, {"pad", 1}},
             {1.5f, 3.5f, 2.5f, 2.5f, 1.5f, 3.5f, 2.5f, 2.5f}},
            {{{"padding", "valid"}},
             {1.5f, 1.5f, 3.5f, 2.5f, 2.5f, 0.5f, 1.5f, 1.5f, 3.5f, 2.5f, 2.5f, 0.5f,
              1.5f, 1.5f, 3.5f, 2.5f, 2.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}},
        };
        for (const auto &[padding, want] : padded) {
            nlohmann::json params{
                {"filters", 1}, {"kernel", 3}, {"stride", 2}, {"output_padding", 1}};
            params.update(padding);
            LayerHarness h(transposeCase({1, 1, 1, 2}, params), backend.toStdString());
            h.inputs[0].data()[0] = 1;
            h.inputs[0].data()[1] = 2;
            h.weights[0].fill(1.0f);
            h.weights[1].fill(0.5f);
            h.forward();
            QCOMPARE(h.output.toVector(), want);
        }
    }

    void outputSizesMatchPyTorchAndKeras()
    {
        // nn.ConvTranspose2d(16, 8, 3, stride=2): (8 − 1)·2 + 3 = 17; padding=1,
        // output_padding=1: 16; Keras' Conv2DTranspose(8, 3, 2, padding="same"): 16.
        const std::pair<nlohmann::json, Shape> cases[] = {
            {{{"filters", 8}}, {8, 17, 17}},
            {{{"filters", 8}, {"padding", "explicit"}, {"pad", 1}, {"output_padding", 1}},
             {8, 16, 16}},
            {{{"filters", 8}, {"padding", "same"}}, {8, 16, 16}},
            {{{"filters", 8}, {"kernel", 2}, {"stride", 4}, {"padding", "same"}}, {8, 32, 32}},
        };
        for (const auto &[params, shape] : cases) {
            GraphAnalysis a = analyzeChain({16, 8, 8}, {"up", "ConvTranspose2D", "up", params});
            QVERIFY2(a.ok(), params.dump().c_str());
            QCOMPARE(a.find("up")->output, shape);
            // Weights {16, 8, 3, 3} (or 2×2) and a bias of 8, as PyTorch counts them.
            const int64_t k = params.contains("kernel") ? 2 : 3;
            QCOMPARE(a.find("up")->params, 16 * 8 * k * k + 8);
        }
    }

    void impossibleSettingsRefused()
    {
        std::string m = errorOf({784}, {{"filters", 8}});
        QVERIFY2(m.find("ConvTranspose2D 'up'") != std::string::npos, m.c_str());
        QVERIFY2(m.find("channels×height×width") != std::string::npos, m.c_str());

        m = errorOf({3, 4, 4}, {{"stride", 2}, {"output_padding", 2}});
        QVERIFY2(m.find("output_padding 2 is not smaller than the stride 2") != std::string::npos,
                 m.c_str());
        // "same" leaves output_padding unused, so it is not checked there.
        QVERIFY(errorOf({3, 4, 4}, {{"padding", "same"}, {"output_padding", 5}}).empty());

        m = errorOf({3, 4, 4}, {{"kernel", 3}, {"padding", "explicit"}, {"pad_left", 3}});
        QVERIFY2(m.find("padding 3 pixels on the left") != std::string::npos, m.c_str());
        QVERIFY2(m.find("at most 2") != std::string::npos, m.c_str());

        m = errorOf({3, 1, 1}, {{"kernel", 3}, {"stride", 1}, {"padding", "explicit"}, {"pad", 2}});
        QVERIFY2(m.find("grows to only 3×3") != std::string::npos, m.c_str());
    }

    void unusedParamsNamed()
    {
        const LayerType &t = LayerRegistry::instance().get("ConvTranspose2D");
        const auto same = t.unusedParams({{"padding", "same"}});
        QVERIFY(std::find(same.begin(), same.end(), "output_padding") != same.end());
        QVERIFY(std::find(same.begin(), same.end(), "pad") != same.end());
        const auto valid = t.unusedParams({{"padding", "valid"}});
        QVERIFY(std::find(valid.begin(), valid.end(), "output_padding") == valid.end());
        QVERIFY(t.unusedParams({{"padding", "explicit"}}).empty());
    }
};

QTEST_APPLESS_MAIN(TestConvTranspose)
#include "test_conv_transpose.moc"
