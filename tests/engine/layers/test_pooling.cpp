// MaxPool2D, AvgPool2D and GlobalAvgPool2D: gradient check on every backend, oneDNN against
// the reference, hand-computed values and shape rules.

#include "layer_harness.h"
#include "strata/shape_inference.h"

#include <QtTest>

using namespace strata;
using namespace strata::testing;

namespace {

struct PoolConfig
{
    int batch, channels, height, width, pool, stride; // stride 0: the pool size
    const char *padding;
};

LayerCase poolCase(const std::string &type, const PoolConfig &k)
{
    LayerCase c;
    c.node =
        Node{"pool", type, "pool",
             type == "GlobalAvgPool2D"
                 ? nlohmann::json::object()
                 : nlohmann::json{{"pool", k.pool}, {"stride", k.stride}, {"padding", k.padding}}};
    c.inputShapes = {{k.batch, k.channels, k.height, k.width}};
    return c;
}

const std::vector<std::pair<const char *, PoolConfig>> &configs()
{
    static const std::vector<std::pair<const char *, PoolConfig>> all{
        {"p2 s2 valid", {2, 3, 6, 6, 2, 2, "valid"}},
        {"p2 default stride valid odd", {2, 2, 7, 5, 2, 0, "valid"}},
        {"p3 s1 valid", {2, 2, 5, 5, 3, 1, "valid"}},
        {"p3 s2 valid", {2, 2, 7, 7, 3, 2, "valid"}},
        {"p2 s1 same", {2, 2, 5, 5, 2, 1, "same"}},
        {"p3 s2 same asymmetric", {2, 2, 6, 6, 3, 2, "same"}},
        {"p3 s1 same", {2, 2, 4, 5, 3, 1, "same"}},
        {"p2 s2 same odd", {2, 3, 5, 5, 2, 2, "same"}},
    };
    return all;
}

void addRows(bool withBackends)
{
    QTest::addColumn<QString>("backend");
    QTest::addColumn<QString>("type");
    QTest::addColumn<int>("config");
    for (const char *b : {"reference", "cpu"}) {
        if (!withBackends && std::string(b) == "reference")
            continue;
        for (const char *t : {"MaxPool2D", "AvgPool2D"})
            for (size_t i = 0; i < configs().size(); ++i)
                QTest::newRow((std::string(b) + " " + t + " " + configs()[i].first).c_str())
                    << QString(b) << QString(t) << static_cast<int>(i);
        QTest::newRow((std::string(b) + " GlobalAvgPool2D").c_str())
            << QString(b) << QString("GlobalAvgPool2D") << 0;
    }
}

LayerCase fetchedCase(const QString &type, int config)
{
    return poolCase(type.toStdString(), configs()[size_t(config)].second);
}

// 1..n in row-major order, for hand-computed examples.
void fillCounting(Tensor &t)
{
    for (int64_t i = 0; i < t.numel(); ++i)
        t.data()[i] = float(i + 1);
}

} // namespace

class TestPooling : public QObject
{
    Q_OBJECT

private slots:
    void gradients_data() { addRows(true); }
    void gradients()
    {
        QFETCH(QString, backend);
        QFETCH(QString, type);
        QFETCH(int, config);
        std::string worst;
        // A maximum is only differentiable while no other value of its window is within
        // the step: with random values in [-1, 1), a step of 1e-2 would meet such near-ties
        // in most max-pooling cases, 1e-3 (still exact here: the outputs are copies of
        // inputs) in none of these.
        const double step = type == "MaxPool2D" ? 1e-3 : 1e-2;
        const double err =
            gradientCheckError(fetchedCase(type, config), backend.toStdString(), &worst, step);
        QVERIFY2(err < 5e-3, worst.c_str());
    }

    void matchesReference_data() { addRows(false); }
    void matchesReference()
    {
        QFETCH(QString, type);
        QFETCH(int, config);
        std::string report;
        const double err = referenceComparisonError(fetchedCase(type, config), "cpu", &report);
        QVERIFY2(err < 1e-4, report.c_str());
    }

    void largerMatchesReference()
    {
        for (const char *t : {"MaxPool2D", "AvgPool2D", "GlobalAvgPool2D"}) {
            std::string report;
            const double err = referenceComparisonError(poolCase(t, {4, 16, 13, 13, 3, 2, "same"}),
                                                        "cpu", &report);
            QVERIFY2(err < 1e-4, (std::string(t) + ": " + report).c_str());
        }
        // 2×2 max pooling with stride 2 has its own CPU loop (threaded from 32k inputs):
        // even and odd sizes, forward and backward.
        for (const PoolConfig &k :
             {PoolConfig{4, 16, 30, 30, 2, 2, "valid"}, PoolConfig{3, 8, 31, 29, 2, 0, "valid"}}) {
            std::string report;
            const double err = referenceComparisonError(poolCase("MaxPool2D", k), "cpu", &report);
            QVERIFY2(err < 1e-4, report.c_str());
        }
    }

    // Between convolutions pooling reads and writes channel-blocked layouts (see LayoutUse):
    // the own 2×2 loop (even and odd sizes), oneDNN's pooling and global average pooling,
    // forward and backward.
    void blockedLayouts_data()
    {
        QTest::addColumn<int>("block");
        QTest::newRow("nChw8c") << 8;
        QTest::newRow("nChw16c") << 16;
    }
    void blockedLayouts()
    {
        QFETCH(int, block);
        const std::vector<std::pair<const char *, PoolConfig>> cases{
            {"MaxPool2D", {2, 32, 30, 30, 2, 2, "valid"}},
            {"MaxPool2D", {3, 16, 7, 5, 2, 0, "valid"}},
            {"MaxPool2D", {2, 16, 6, 6, 3, 2, "same"}},
            {"AvgPool2D", {2, 16, 7, 7, 2, 2, "same"}},
            {"AvgPool2D", {2, 32, 5, 6, 3, 1, "valid"}},
        };
        for (const auto &[type, k] : cases) {
            LayerCase c = poolCase(type, k);
            c.inputBlock = block;
            c.blockedOutputAllowed = true;
            QCOMPARE(LayerHarness(c, "cpu").outputBlock(), int64_t(block));
            std::string report;
            QVERIFY2(referenceComparisonError(c, "cpu", &report) < 1e-5,
                     (std::string(type) + ": " + report).c_str());
            const double step = std::string(type) == "MaxPool2D" ? 1e-3 : 1e-2;
            QVERIFY2(gradientCheckError(c, "cpu", &report, step) < 5e-3,
                     (std::string(type) + ": " + report).c_str());
        }
        // Global average pooling reads the block; its output, one pixel per channel, is
        // the same bytes in every block, so it reports the plain layout.
        LayerCase global = poolCase("GlobalAvgPool2D", {3, 32, 5, 6, 0, 0, ""});
        global.inputBlock = block;
        global.blockedOutputAllowed = true;
        QCOMPARE(LayerHarness(global, "cpu").outputBlock(), int64_t(1));
        std::string report;
        QVERIFY2(referenceComparisonError(global, "cpu", &report) < 1e-5, report.c_str());
        // A 1×1 image, plain or blocked (the kernel reads it as nChw16c: the same bytes).
        LayerCase pixel = poolCase("GlobalAvgPool2D", {4, 32, 1, 1, 0, 0, ""});
        pixel.inputBlock = block;
        pixel.blockedOutputAllowed = true;
        QCOMPARE(LayerHarness(pixel, "cpu").outputBlock(), int64_t(1));
        QVERIFY2(referenceComparisonError(pixel, "cpu", &report) < 1e-6, report.c_str());
        pixel.inputBlock = 1;
        QVERIFY2(referenceComparisonError(pixel, "cpu", &report) < 1e-6, report.c_str());
    }

    // A ReLU before max pooling runs inside the pooling kernel (LayerImpl::absorbsRelu):
    // the result must equal ReLU then pooling on the reference, forward and backward, for
    // the own 2×2 loop and oneDNN's pooling, plain and channel-blocked. Inputs in [-1, 1)
    // leave many windows with no positive value, whose gradient must be 0 throughout.
    void absorbedRelu_data()
    {
        QTest::addColumn<int>("block");
        QTest::newRow("plain") << 1;
        QTest::newRow("nChw16c") << 16;
    }
    void absorbedRelu()
    {
        QFETCH(int, block);
        for (const PoolConfig &k :
             {PoolConfig{2, 16, 8, 8, 2, 2, "valid"}, PoolConfig{3, 16, 7, 5, 2, 0, "valid"},
              PoolConfig{2, 16, 6, 6, 3, 2, "same"}, PoolConfig{2, 16, 5, 5, 2, 1, "valid"}}) {
            LayerCase c = poolCase("MaxPool2D", k);
            c.inputBlock = block;
            c.blockedOutputAllowed = block > 1;
            c.inputRelu = true;
            c.inputMargin = 1e-2f; // no finite difference straddles the ReLU's kink
            LayerHarness fused(c, "cpu");
            LayerCase plain = poolCase("MaxPool2D", k);
            plain.inputMargin = c.inputMargin;
            LayerHarness ref(plain, "reference");
            QCOMPARE(ref.inputs[0].toVector(), fused.inputs[0].toVector());
            Tensor &x = ref.inputs[0];
            for (int64_t i = 0; i < x.numel(); ++i)
                x.data()[i] = std::max(x.data()[i], 0.0f);
            fused.forward();
            ref.forward();
            QCOMPARE(fused.output.toVector(), ref.output.toVector());
            Tensor r(fused.outputShape);
            for (int64_t i = 0; i < r.numel(); ++i)
                r.data()[i] = 1.0f + static_cast<float>(i % 7);
            fused.backward(r);
            ref.backward(r);
            Tensor want = ref.inputGrads[0].clone(); // the ReLU's backward: 0 where x <= 0
            int64_t zeroed = 0;
            for (int64_t i = 0; i < want.numel(); ++i)
                if (x.data()[i] <= 0.0f && want.data()[i] != 0.0f) {
                    want.data()[i] = 0.0f;
                    ++zeroed;
                }
            QVERIFY(zeroed > 0);
            QCOMPARE(fused.inputGrads[0].toVector(), want.toVector());
            std::string report;
            QVERIFY2(gradientCheckError(c, "cpu", &report, 1e-3) < 5e-3, report.c_str());
        }
        // Only max pooling commutes with a ReLU.
        LayerCase avg = poolCase("AvgPool2D", {2, 16, 8, 8, 2, 2, "valid"});
        avg.inputRelu = true;
        QVERIFY_THROWS_EXCEPTION(std::logic_error, LayerHarness(avg, "cpu"));
    }

    // Ties: the first value of a window in row-major order wins, on every backend, so the
    // gradient goes to one input only.
    void maxPoolTies_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("reference") << QString("reference");
        QTest::newRow("cpu") << QString("cpu");
    }
    void maxPoolTies()
    {
        QFETCH(QString, backend);
        LayerHarness h(poolCase("MaxPool2D", {1, 1, 2, 4, 2, 2, "valid"}), backend.toStdString());
        const std::vector<float> x{1, 1, 0, 2, //
                                   1, 1, 2, 2};
        std::copy(x.begin(), x.end(), h.inputs[0].data());
        h.forward();
        QCOMPARE(h.output.toVector(), (std::vector<float>{1, 2}));
        Tensor gy(h.outputShape);
        std::fill(gy.data(), gy.data() + 2, 1.0f);
        h.backward(gy);
        QCOMPARE(h.inputGrads[0].toVector(), (std::vector<float>{1, 0, 0, 1, //
                                                                 0, 0, 0, 0}));
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
        const std::string b = backend.toStdString();
        // 4×4 input 1..16, 2×2 windows.
        LayerHarness max(poolCase("MaxPool2D", {1, 1, 4, 4, 2, 0, "valid"}), b);
        fillCounting(max.inputs[0]);
        max.forward();
        QCOMPARE(max.output.toVector(), (std::vector<float>{6, 8, 14, 16}));

        LayerHarness avg(poolCase("AvgPool2D", {1, 1, 4, 4, 2, 0, "valid"}), b);
        fillCounting(avg.inputs[0]);
        avg.forward();
        QCOMPARE(avg.output.toVector(), (std::vector<float>{3.5f, 5.5f, 11.5f, 13.5f}));

        // 3×3 input 1..9, pool 2 stride 2 "same": one padding row and column at the bottom
        // and right, left out of the averages (Keras).
        LayerHarness avgSame(poolCase("AvgPool2D", {1, 1, 3, 3, 2, 2, "same"}), b);
        fillCounting(avgSame.inputs[0]);
        avgSame.forward();
        QCOMPARE(avgSame.output.toVector(), (std::vector<float>{3, 4.5f, 7.5f, 9}));

        LayerHarness maxSame(poolCase("MaxPool2D", {1, 1, 3, 3, 2, 2, "same"}), b);
        fillCounting(maxSame.inputs[0]);
        for (int i = 0; i < 9; ++i)
            maxSame.inputs[0].data()[i] -= 20; // all negative: padding must not win
        maxSame.forward();
        QCOMPARE(maxSame.output.toVector(), (std::vector<float>{-15, -14, -12, -11}));
        // The gradient goes to each window's maximum only.
        maxSame.backward(Tensor::fromVector({1, 1, 2, 2}, {1, 2, 3, 4}));
        QCOMPARE(maxSame.inputGrads[0].toVector(), (std::vector<float>{0, 0, 0, 0, 1, 2, 0, 3, 4}));

        LayerHarness global(poolCase("GlobalAvgPool2D", {2, 2, 2, 3, 0, 0, ""}), b);
        fillCounting(global.inputs[0]);
        global.forward();
        QCOMPARE(global.output.shape(), (Shape{2, 2}));
        QCOMPARE(global.output.toVector(), (std::vector<float>{3.5f, 9.5f, 15.5f, 21.5f}));
    }

    void shapes()
    {
        Graph g;
        g.addNode({"in", "Input", "in", {{"channels", 1}, {"height", 28}, {"width", 28}}});
        g.addNode({"c1", "Conv2D", "c1", {{"filters", 32}}});
        g.addNode({"p1", "MaxPool2D", "p1", {{"pool", 2}}});
        g.addNode({"p2", "AvgPool2D", "p2", {{"pool", 3}, {"stride", 2}, {"padding", "same"}}});
        g.addNode({"gap", "GlobalAvgPool2D", "gap", {}});
        g.addNode({"fc", "Dense", "fc", {{"units", 10}}});
        g.connect({{"in", 0}, {"c1", 0}});
        g.connect({{"c1", 0}, {"p1", 0}});
        g.connect({{"p1", 0}, {"p2", 0}});
        g.connect({{"p2", 0}, {"gap", 0}});
        g.connect({{"gap", 0}, {"fc", 0}});
        GraphAnalysis a = analyze(g);
        QVERIFY(a.ok());
        QCOMPARE(a.find("p1")->output, (Shape{32, 13, 13}));
        QCOMPARE(a.find("p1")->params, int64_t(0));
        QCOMPARE(a.find("p2")->output, (Shape{32, 7, 7}));
        QCOMPARE(a.find("gap")->output, (Shape{32})); // flat: Dense follows directly
        QCOMPARE(a.find("fc")->params, int64_t(32 * 10 + 10));
    }

    void windowLargerThanInputRefused()
    {
        Graph g;
        g.addNode({"in", "Input", "in", {{"channels", 2}, {"height", 2}, {"width", 5}}});
        g.addNode({"p1", "MaxPool2D", "p1", {{"pool", 3}}});
        g.connect({{"in", 0}, {"p1", 0}});
        const GraphAnalysis a = analyze(g);
        const NodeAnalysis *p = a.find("p1");
        QCOMPARE(p->status, NodeStatus::Error);
        QVERIFY2(p->message.find("MaxPool2D 'p1'") != std::string::npos, p->message.c_str());
        QVERIFY2(p->message.find("2×5") != std::string::npos, p->message.c_str());
        QVERIFY2(p->message.find("\"same\"") != std::string::npos, p->message.c_str());
    }

    void flatInputRefused()
    {
        Graph g;
        g.addNode({"in", "Input", "in", {{"features", 64}}});
        g.addNode({"gap", "GlobalAvgPool2D", "gap", {}});
        g.connect({{"in", 0}, {"gap", 0}});
        const GraphAnalysis a = analyze(g);
        const NodeAnalysis *p = a.find("gap");
        QCOMPARE(p->status, NodeStatus::Error);
        QVERIFY2(p->message.find("GlobalAvgPool2D 'gap'") != std::string::npos, p->message.c_str());
        QVERIFY2(p->message.find("channels, height and width") != std::string::npos,
                 p->message.c_str());
    }
};

QTEST_APPLESS_MAIN(TestPooling)
#include "test_pooling.moc"
