// GELU: gradient check on every backend and rank, oneDNN against the reference, blocked
// layouts, hand-computed values of the exact erf form, and its place in the registry.

#include "layer_harness.h"
#include "strata/shape_inference.h"

#include <QtTest>

#include <cmath>

using namespace strata;
using namespace strata::testing;

namespace {

// rank 1: {N, F}; rank 3: {N, C, H, W}.
Shape batchShape(int rank)
{
    return rank == 1 ? Shape{3, 7} : Shape{2, 3, 4, 5};
}

LayerCase geluCase(const Shape &shape)
{
    LayerCase c;
    c.node = Node{"gelu", "GELU", "gelu", nlohmann::json::object()};
    c.inputShapes = {shape};
    return c;
}

} // namespace

class TestGelu : public QObject
{
    Q_OBJECT

private slots:
    void gradients_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<int>("rank");
        for (const char *backend : {"reference", "cpu"})
            for (int rank : {1, 3})
                QTest::addRow("%s rank %d", backend, rank) << QString(backend) << rank;
    }
    void gradients()
    {
        QFETCH(QString, backend);
        QFETCH(int, rank);
        std::string worst;
        const double err =
            gradientCheckError(geluCase(batchShape(rank)), backend.toStdString(), &worst);
        QVERIFY2(err < 5e-3, worst.c_str());
    }

    void matchesReference_data()
    {
        QTest::addColumn<int>("rank");
        QTest::newRow("rank 1") << 1;
        QTest::newRow("rank 3") << 3;
    }
    void matchesReference()
    {
        QFETCH(int, rank);
        std::string report;
        const double err = referenceComparisonError(geluCase(batchShape(rank)), "cpu", &report);
        QVERIFY2(err < 1e-5, report.c_str());
    }

    // Between convolutions GELU takes a channel-blocked input and keeps its layout.
    void blockedLayouts()
    {
        LayerCase c = geluCase({2, 16, 3, 5});
        c.inputBlock = 16;
        c.blockedOutputAllowed = true;
        QCOMPARE(LayerHarness(c, "cpu").outputBlock(), int64_t(16));
        std::string report;
        QVERIFY2(referenceComparisonError(c, "cpu", &report) < 1e-5, report.c_str());
    }

    // x·Φ(x) and Φ(x) + x·φ(x) at -2, -0.5, 0, 0.5, 3 (computed in double precision): the
    // exact form, not the tanh approximation (which gives 0.345714 at 0.5).
    void knownValues_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("reference") << QString("reference");
        QTest::newRow("cpu") << QString("cpu");
    }
    void knownValues()
    {
        QFETCH(QString, backend);
        const std::vector<float> x{-2, -0.5f, 0, 0.5f, 3};
        const std::vector<float> y{-0.0455002639f, -0.154268769f, 0, 0.345731231f, 2.99595031f};
        const std::vector<float> slope{-0.0852318011f, 0.132504875f, 0.5f, 0.867495125f,
                                       1.01194565f};
        LayerHarness h(geluCase({1, 5}), backend.toStdString());
        std::copy(x.begin(), x.end(), h.inputs[0].data());
        h.forward();
        Tensor ones({1, 5});
        ones.fill(1);
        h.backward(ones);
        for (size_t i = 0; i < x.size(); ++i) {
            const float got = h.output.data()[i], gotSlope = h.inputGrads[0].data()[i];
            QVERIFY2(
                std::fabs(got - y[i]) < 2e-6,
                qPrintable(QString("GELU(%1) = %2, expected %3").arg(x[i]).arg(got).arg(y[i])));
            QVERIFY2(
                std::fabs(gotSlope - slope[i]) < 2e-6,
                qPrintable(
                    QString("GELU'(%1) = %2, expected %3").arg(x[i]).arg(gotSlope).arg(slope[i])));
        }
    }

    // Far from 0 GELU is the identity or 0, with no NaN from the tails.
    void saturates()
    {
        for (const char *backend : {"reference", "cpu"}) {
            LayerHarness h(geluCase({1, 2}), backend);
            std::vector<float> x{-200, 200};
            std::copy(x.begin(), x.end(), h.inputs[0].data());
            h.forward();
            QVERIFY2(h.output.data()[0] == 0.f, backend); // -0 or 0
            QCOMPARE(h.output.data()[1], 200.f);
        }
    }

    // The palette, inspector and summary read the registry: GELU is an Activation with no
    // parameters and no weights, and keeps its input's shape.
    void registered()
    {
        const LayerType &t = LayerRegistry::instance().get("GELU");
        QCOMPARE(QString::fromStdString(t.category), QString("Activation"));
        QVERIFY(t.params.empty());
        QVERIFY(!t.help.empty());
        Graph g;
        g.addNode({"in", "Input", "in", {{"channels", 3}, {"height", 4}, {"width", 5}}});
        g.addNode({"g", "GELU", "g", nlohmann::json::object()});
        g.connect({{"in", 0}, {"g", 0}});
        const GraphAnalysis a = analyze(g);
        QVERIFY(a.ok());
        QCOMPARE(a.find("g")->output, (Shape{3, 4, 5}));
        QCOMPARE(a.find("g")->params, int64_t(0));
    }
};

QTEST_MAIN(TestGelu)
#include "test_gelu.moc"
