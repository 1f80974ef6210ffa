// MaxPool2D and AvgPool2D with explicit padding, ceil mode, count_include_pad and windows and
// strides per axis: gradient
// checks on every backend, oneDNN against the reference (plain and channel-blocked),
// hand-computed values (PyTorch's numbers), output sizes and the malformed-settings table.

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

LayerCase poolCase(const std::string &type, const Shape &input, nlohmann::json params)
{
    if (type == "MaxPool2D")
        params.erase("count_include_pad");
    LayerCase c;
    c.node = Node{"pool", type, "pool", params};
    c.inputShapes = {input};
    return c;
}

// Each runs as MaxPool2D (without count_include_pad) and as AvgPool2D.
const std::vector<Setting> &settings()
{
    using J = nlohmann::json;
    static const std::vector<Setting> all{
        {"resnet k3 s2 pad 1",
         {2, 2, 8, 8},
         J{{"pool", 3}, {"stride", 2}, {"padding", "explicit"}, {"pad", 1}}},
        {"resnet k3 s2 pad 1 counting padding",
         {2, 2, 8, 7},
         J{{"pool", 3},
           {"stride", 2},
           {"padding", "explicit"},
           {"pad", 1},
           {"count_include_pad", true}}},
        {"asymmetric pads",
         {2, 2, 6, 7},
         J{{"pool", 3},
           {"stride", 2},
           {"padding", "explicit"},
           {"pad_top", 1},
           {"pad_bottom", 0},
           {"pad_left", 0},
           {"pad_right", 2},
           {"count_include_pad", true}}},
        {"ceil valid k2 s2 odd", {2, 2, 5, 7}, J{{"pool", 2}, {"ceil_mode", true}}},
        {"ceil valid k3 s2 counting",
         {2, 2, 6, 6},
         J{{"pool", 3}, {"stride", 2}, {"ceil_mode", true}, {"count_include_pad", true}}},
        {"ceil pad 1 overhang",
         {2, 2, 6, 6},
         J{{"pool", 3}, {"stride", 2}, {"padding", "explicit"}, {"pad", 1}, {"ceil_mode", true}}},
        {"ceil pad 1 overhang counting padding",
         {2, 2, 6, 5},
         J{{"pool", 3},
           {"stride", 2},
           {"padding", "explicit"},
           {"pad", 1},
           {"ceil_mode", true},
           {"count_include_pad", true}}},
        {"ceil drops a window starting in the padding",
         {2, 2, 5, 5},
         J{{"pool", 2},
           {"stride", 3},
           {"padding", "explicit"},
           {"pad", 1},
           {"ceil_mode", true},
           {"count_include_pad", true}}},
        {"same counting padding",
         {2, 2, 5, 6},
         J{{"pool", 3}, {"stride", 2}, {"padding", "same"}, {"count_include_pad", true}}},
        {"3x1 stride (2, 1) pad (1, 0) counting",
         {2, 2, 7, 5},
         J{{"pool_h", 3},
           {"pool_w", 1},
           {"stride_h", 2},
           {"stride_w", 1},
           {"padding", "explicit"},
           {"pad_top", 1},
           {"pad_bottom", 1},
           {"pad", 0},
           {"count_include_pad", true}}},
        {"1x3 same ceil stride 0",
         {2, 2, 5, 7},
         J{{"pool_h", 1}, {"pool_w", 3}, {"padding", "same"}}},
        {"2x3 ceil",
         {2, 2, 5, 7},
         J{{"pool_h", 2}, {"pool_w", 3}, {"stride_w", 2}, {"ceil_mode", true}}},
    };
    return all;
}

void addRows(bool withReference)
{
    QTest::addColumn<QString>("backend");
    QTest::addColumn<QString>("type");
    QTest::addColumn<int>("setting");
    for (const char *b : {"reference", "cpu"}) {
        if (!withReference && std::string(b) == "reference")
            continue;
        for (const char *t : {"MaxPool2D", "AvgPool2D"})
            for (size_t i = 0; i < settings().size(); ++i)
                QTest::newRow((std::string(b) + " " + t + " " + settings()[i].name).c_str())
                    << QString(b) << QString(t) << static_cast<int>(i);
    }
}

LayerCase fetched(const QString &type, int setting)
{
    const Setting &s = settings()[size_t(setting)];
    return poolCase(type.toStdString(), s.input, s.params);
}

GraphAnalysis analyzeChain(const std::string &type, const Shape &image,
                           const nlohmann::json &params)
{
    Graph g;
    g.addNode(
        {"in", "Input", "in", {{"channels", image[0]}, {"height", image[1]}, {"width", image[2]}}});
    g.addNode({"p1", type, "p1", params});
    g.connect({{"in", 0}, {"p1", 0}});
    return analyze(g);
}

std::vector<float> pooled(const std::string &backend, const std::string &type, const Shape &input,
                          const nlohmann::json &params)
{
    LayerHarness h(poolCase(type, input, params), backend);
    for (int64_t i = 0; i < h.inputs[0].numel(); ++i)
        h.inputs[0].data()[i] = float(i + 1);
    h.forward();
    return h.output.toVector();
}

bool near(const std::vector<float> &got, const std::vector<float> &want)
{
    bool same = got.size() == want.size();
    for (size_t i = 0; same && i < got.size(); ++i)
        same = std::fabs(got[i] - want[i]) <= 1e-6f * std::max(1.0f, std::fabs(want[i]));
    if (!same) {
        std::string text;
        for (float v : got)
            text += std::to_string(v) + " ";
        qWarning("got %s", text.c_str());
    }
    return same;
}

} // namespace

class TestPoolingSettings : public QObject
{
    Q_OBJECT

private slots:
    void gradients_data() { addRows(true); }
    void gradients()
    {
        QFETCH(QString, backend);
        QFETCH(QString, type);
        QFETCH(int, setting);
        std::string worst;
        // See test_pooling.cpp: a smaller step keeps maxima away from near-ties.
        const double step = type == "MaxPool2D" ? 1e-3 : 1e-2;
        QVERIFY2(gradientCheckError(fetched(type, setting), backend.toStdString(), &worst, step) <
                     5e-3,
                 worst.c_str());
    }

    void matchesReference_data() { addRows(false); }
    void matchesReference()
    {
        QFETCH(QString, type);
        QFETCH(int, setting);
        std::string report;
        QVERIFY2(referenceComparisonError(fetched(type, setting), "cpu", &report) < 1e-4,
                 report.c_str());
    }

    void blockedLayouts()
    {
        for (const char *t : {"MaxPool2D", "AvgPool2D"})
            for (int s : {1, 6, 9}) { // 9: a 3×1 window, stride (2, 1)
                const Setting &k = settings()[size_t(s)];
                LayerCase c = poolCase(t, {2, 16, 9, 9}, k.params);
                c.inputBlock = 16;
                std::string report;
                QVERIFY2(referenceComparisonError(c, "cpu", &report) < 1e-4,
                         (std::string(t) + " " + k.name + ": " + report).c_str());
            }
    }

    // The numbers PyTorch gives (torch.nn.functional.avg_pool2d / max_pool2d on 1..n).
    void knownValues_data() { addBackendRows(); }
    void knownValues()
    {
        QFETCH(QString, backend);
        const std::string b = backend.toStdString();
        using J = nlohmann::json;
        // 3×3, 2×2 windows, stride 2, ceil mode: the last row and column are partial windows.
        const J ceil{{"pool", 2}, {"ceil_mode", true}};
        QCOMPARE(pooled(b, "MaxPool2D", {1, 1, 3, 3}, ceil), (std::vector<float>{5, 6, 8, 9}));
        QVERIFY(near(pooled(b, "AvgPool2D", {1, 1, 3, 3}, ceil), {3, 4.5f, 7.5f, 9}));
        // Counting padding never counts the part of a window ceil mode adds past the pads.
        J ceilCounted = ceil;
        ceilCounted["count_include_pad"] = true;
        QVERIFY(near(pooled(b, "AvgPool2D", {1, 1, 3, 3}, ceilCounted), {3, 4.5f, 7.5f, 9}));

        // 2×2 input, 2×2 windows, stride 2, padding 1: every window holds one pixel.
        const J padded{{"pool", 2}, {"padding", "explicit"}, {"pad", 1}};
        QVERIFY(near(pooled(b, "AvgPool2D", {1, 1, 2, 2}, padded), {1, 2, 3, 4}));
        J counted = padded;
        counted["count_include_pad"] = true;
        QVERIFY(near(pooled(b, "AvgPool2D", {1, 1, 2, 2}, counted), {0.25f, 0.5f, 0.75f, 1}));
        QCOMPARE(pooled(b, "MaxPool2D", {1, 1, 2, 2}, padded), (std::vector<float>{1, 2, 3, 4}));

        // 1×4, window 3, stride 2, padding 1 counted, ceil mode: windows [-1, 2) [1, 4) [3, 6),
        // the last one counting the pad at 4 but not the overhang at 5.
        const J wide{{"pool", 3}, {"stride", 2},       {"padding", "explicit"},
                     {"pad", 1},  {"ceil_mode", true}, {"count_include_pad", true}};
        QVERIFY(near(pooled(b, "AvgPool2D", {1, 1, 1, 4}, wide), {3.0f / 9, 9.0f / 9, 4.0f / 6}));

        // 3×4 input 1..12, a 1×2 window with stride 0 (the window: 1 down, 2 along).
        const J flat{{"pool_h", 1}, {"pool_w", 2}};
        QVERIFY(near(pooled(b, "AvgPool2D", {1, 1, 3, 4}, flat),
                     {1.5f, 3.5f, 5.5f, 7.5f, 9.5f, 11.5f}));
        QCOMPARE(pooled(b, "MaxPool2D", {1, 1, 3, 4}, flat),
                 (std::vector<float>{2, 4, 6, 8, 10, 12}));
    }

    void outputSizes()
    {
        using J = nlohmann::json;
        // torchvision ResNet's max pool: 3×3, stride 2, padding 1 on 16×16 → 8×8.
        GraphAnalysis resnet =
            analyzeChain("MaxPool2D", {64, 16, 16},
                         J{{"pool", 3}, {"stride", 2}, {"padding", "explicit"}, {"pad", 1}});
        QCOMPARE(resnet.find("p1")->output, (Shape{64, 8, 8}));
        // Ceil mode rounds up: 7 pixels, window 2, stride 2 → 4 (3 rounding down).
        GraphAnalysis ceil =
            analyzeChain("AvgPool2D", {1, 7, 7}, J{{"pool", 2}, {"ceil_mode", true}});
        QCOMPARE(ceil.find("p1")->output, (Shape{1, 4, 4}));
        // ... but drops a window that would start in the padding after the image.
        GraphAnalysis dropped = analyzeChain("MaxPool2D", {1, 5, 5},
                                             J{{"pool", 2},
                                               {"stride", 3},
                                               {"padding", "explicit"},
                                               {"pad", 1},
                                               {"ceil_mode", true}});
        QCOMPARE(dropped.find("p1")->output, (Shape{1, 2, 2}));
        // A 3×1 window, stride (2, 1): the rows halve, the columns stay.
        GraphAnalysis tall =
            analyzeChain("MaxPool2D", {2, 9, 6}, J{{"pool_h", 3}, {"pool_w", 1}, {"stride_h", 2}});
        QCOMPARE(tall.find("p1")->output, (Shape{2, 4, 6}));
        QCOMPARE(tall.find("p1")->flops, int64_t(2 * 4 * 6 * 3));
    }

    // A project written before windows per axis resolves to what it always computed.
    void oldParamsResolveUnchanged()
    {
        const nlohmann::json p = LayerRegistry::instance().resolveParams(
            Node{"p", "MaxPool2D", "p", {{"pool", 3}, {"stride", 2}}});
        QCOMPARE(p.at("pool_h").get<int>(), 0);
        QCOMPARE(p.at("stride_w").get<int>(), 0);
        GraphAnalysis a = analyzeChain("MaxPool2D", {1, 9, 9}, {{"pool", 3}, {"stride", 2}});
        QCOMPARE(a.find("p1")->output, (Shape{1, 4, 4}));
    }

    void unusedParams()
    {
        const LayerType &avg = LayerRegistry::instance().get("AvgPool2D");
        auto has = [](const std::vector<std::string> &v, const char *name) {
            return std::find(v.begin(), v.end(), name) != v.end();
        };
        const auto valid = avg.unusedParams({{"padding", "valid"}, {"ceil_mode", false}});
        QVERIFY(has(valid, "pad") && has(valid, "count_include_pad") && !has(valid, "ceil_mode"));
        const auto same = avg.unusedParams({{"padding", "same"}, {"ceil_mode", false}});
        QVERIFY(has(same, "ceil_mode") && !has(same, "count_include_pad"));
        QVERIFY(avg.unusedParams({{"padding", "explicit"}, {"ceil_mode", false}}).empty());
        // count_include_pad is an average's setting only.
        const LayerType &max = LayerRegistry::instance().get("MaxPool2D");
        for (const ParamSpec &p : max.params)
            QVERIFY(p.name != "count_include_pad");
    }

    void malformed_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("params");
        QTest::addColumn<QStringList>("needles");
        QTest::newRow("padding as wide as the window")
            << "MaxPool2D"
            << R"({"pool": 2, "padding": "explicit", "pad": 2})"
            << QStringList{"MaxPool2D 'p1'", "padding 2 pixels on the top",
                           "not smaller than the 2×2 pool window", "at most 1"};
        QTest::newRow("window larger than the padded input")
            << "AvgPool2D"
            << R"({"pool": 9, "padding": "explicit", "pad": 0, "pad_left": 1})"
            << QStringList{"AvgPool2D 'p1'", "padded to 6×7", "9×9 pool window", "pad more"};
        QTest::newRow("count_include_pad on a max pool")
            << "MaxPool2D"
            << R"({"count_include_pad": true})"
            << QStringList{"MaxPool2D 'p1'", "no parameter 'count_include_pad'"};
        QTest::newRow("padding as wide as a 1×3 window's height")
            << "AvgPool2D"
            << R"({"pool_h": 1, "pool_w": 3, "padding": "explicit", "pad": 1})"
            << QStringList{"AvgPool2D 'p1'", "padding 1 pixels on the top",
                           "not smaller than the 1×3 pool window",
                           "pad at most 0 on the top and bottom"};
        QTest::newRow("negative side pad") << "MaxPool2D"
                                           << R"({"padding": "explicit", "pad_top": -2})"
                                           << QStringList{"'pad_top'", "between -1 and 255"};
    }
    void malformed()
    {
        QFETCH(QString, type);
        QFETCH(QString, params);
        QFETCH(QStringList, needles);
        GraphAnalysis a = analyzeChain(type.toStdString(), {2, 6, 6},
                                       nlohmann::json::parse(params.toStdString()));
        const NodeAnalysis *p = a.find("p1");
        QCOMPARE(p->status, NodeStatus::Error);
        for (const QString &n : needles)
            QVERIFY2(p->message.find(n.toStdString()) != std::string::npos, p->message.c_str());
    }
};

QTEST_APPLESS_MAIN(TestPoolingSettings)
#include "test_pooling_settings.moc"
