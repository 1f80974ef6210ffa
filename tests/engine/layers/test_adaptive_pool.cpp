// AdaptiveAvgPool2D: gradient checks on every backend, oneDNN (even windows) and the loops
// (uneven ones) against the reference, PyTorch's numbers (F.adaptive_avg_pool2d), output
// sizes and FLOPs, and the malformed-settings table.

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
    int64_t height, width;
};

const std::vector<Setting> &settings()
{
    static const std::vector<Setting> all{
        {"even 8x6 to 4x3", {2, 3, 8, 6}, 4, 3},
        {"even to 1x1", {2, 2, 5, 4}, 1, 1},
        {"uneven 13x13 to 6x6 (AlexNet)", {2, 2, 13, 13}, 6, 6},
        {"uneven 7x5 to 3x2", {2, 3, 7, 5}, 3, 2},
        {"uneven rows, even columns", {2, 2, 5, 6}, 2, 3},
        {"one axis kept whole", {2, 2, 7, 4}, 3, 4},
        {"larger than the input", {2, 2, 2, 3}, 3, 5},
    };
    return all;
}

LayerCase adaptiveCase(const Shape &input, int64_t height, int64_t width)
{
    LayerCase c;
    c.node = Node{"pool", "AdaptiveAvgPool2D", "pool", {{"height", height}, {"width", width}}};
    c.inputShapes = {input};
    return c;
}

LayerCase fetched(int setting)
{
    const Setting &s = settings()[size_t(setting)];
    return adaptiveCase(s.input, s.height, s.width);
}

std::vector<float> pooled(const std::string &backend, const Shape &input, int64_t height,
                          int64_t width)
{
    LayerHarness h(adaptiveCase(input, height, width), backend);
    for (int64_t i = 0; i < h.inputs[0].numel(); ++i)
        h.inputs[0].data()[i] = float(i + 1);
    h.forward();
    return h.output.toVector();
}

GraphAnalysis analyzeChain(const Shape &sample, const nlohmann::json &params)
{
    Graph g;
    g.addNode(
        {"in", "Input", "in",
         sample.size() == 3
             ? nlohmann::json{{"channels", sample[0]}, {"height", sample[1]}, {"width", sample[2]}}
             : nlohmann::json{{"features", sample[0]}}});
    g.addNode({"p1", "AdaptiveAvgPool2D", "p1", params});
    g.connect({{"in", 0}, {"p1", 0}});
    return analyze(g);
}

} // namespace

class TestAdaptivePool : public QObject
{
    Q_OBJECT

private slots:
    void gradients_data() { addBackendSettingRows(settings()); }
    void gradients()
    {
        QFETCH(QString, backend);
        QFETCH(int, setting);
        std::string worst;
        QVERIFY2(gradientCheckError(fetched(setting), backend.toStdString(), &worst, 1e-2) < 5e-3,
                 worst.c_str());
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
        std::string report;
        QVERIFY2(referenceComparisonError(fetched(setting), "cpu", &report) < 1e-5, report.c_str());
    }

    // What F.adaptive_avg_pool2d gives on 1..n: window i covers floor(i·in/out) up to
    // ceil((i+1)·in/out).
    void knownValues_data() { addBackendRows(); }
    void knownValues()
    {
        QFETCH(QString, backend);
        const std::string b = backend.toStdString();
        // 5 columns into 3: [0, 2) [1, 4) [3, 5).
        QCOMPARE(pooled(b, {1, 1, 1, 5}, 1, 3), (std::vector<float>{1.5f, 3, 4.5f}));
        // 3×3 into 2×2: rows and columns [0, 2) [1, 3), overlapping in the middle.
        QCOMPARE(pooled(b, {1, 1, 3, 3}, 2, 2), (std::vector<float>{3, 4, 6, 7}));
        // 2 columns into 3: [0, 1) [0, 2) [1, 2).
        QCOMPARE(pooled(b, {1, 1, 1, 2}, 1, 3), (std::vector<float>{1, 1.5f, 2}));
        // 4×4 into 2×2: even 2×2 windows, per channel.
        QCOMPARE(pooled(b, {1, 2, 4, 4}, 2, 2),
                 (std::vector<float>{3.5f, 5.5f, 11.5f, 13.5f, 19.5f, 21.5f, 27.5f, 29.5f}));
    }

    void shapesAndFlops()
    {
        // VGG's 7×7 from 14×14 and AlexNet's 6×6 from 13×13.
        GraphAnalysis vgg = analyzeChain({512, 14, 14}, {{"height", 7}, {"width", 7}});
        QCOMPARE(vgg.find("p1")->output, (Shape{512, 7, 7}));
        QCOMPARE(vgg.find("p1")->flops, int64_t(512 * 14 * 14));
        GraphAnalysis alex = analyzeChain({4, 13, 13}, {{"height", 6}, {"width", 6}});
        QCOMPARE(alex.find("p1")->output, (Shape{4, 6, 6}));
        // Six windows of 3 pixels (13 → 6 overlaps by one pixel five times) along each axis.
        QCOMPARE(alex.find("p1")->flops, int64_t(4 * 18 * 18));
        QCOMPARE(alex.find("p1")->params, int64_t(0));
        // The default is 1×1, the global average kept as an image.
        GraphAnalysis global = analyzeChain({3, 5, 4}, nlohmann::json::object());
        QCOMPARE(global.find("p1")->output, (Shape{3, 1, 1}));
    }

    void malformed_data()
    {
        QTest::addColumn<QString>("params");
        QTest::addColumn<bool>("flat");
        QTest::addColumn<QStringList>("needles");
        QTest::newRow("flat input")
            << R"({"height": 2})" << true
            << QStringList{"AdaptiveAvgPool2D 'p1'", "image input", "before any Flatten"};
        QTest::newRow("zero height")
            << R"({"height": 0})" << false
            << QStringList{"AdaptiveAvgPool2D 'p1'", "'height'", "between 1 and 4096"};
        QTest::newRow("unknown parameter")
            << R"({"size": 3})" << false << QStringList{"AdaptiveAvgPool2D 'p1'", "'size'"};
    }
    void malformed()
    {
        QFETCH(QString, params);
        QFETCH(bool, flat);
        QFETCH(QStringList, needles);
        GraphAnalysis a = analyzeChain(flat ? Shape{12} : Shape{2, 6, 6},
                                       nlohmann::json::parse(params.toStdString()));
        const NodeAnalysis *p = a.find("p1");
        QCOMPARE(p->status, NodeStatus::Error);
        for (const QString &n : needles)
            QVERIFY2(p->message.find(n.toStdString()) != std::string::npos, p->message.c_str());
    }
};

QTEST_APPLESS_MAIN(TestAdaptivePool)
#include "test_adaptive_pool.moc"
