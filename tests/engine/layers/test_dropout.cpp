// Dropout: gradient check in training mode (the harness reseeds the stream before every
// forward, so the mask is fixed), both backends agree, inference is the identity, the
// dropped fraction and scale, reproducible masks, and the rate's validation.

#include "layer_harness.h"
#include "strata/shape_inference.h"

#include <QtTest>

#include <cmath>

using namespace strata;
using namespace strata::testing;

namespace {

Shape batchShape(int rank)
{
    return rank == 1 ? Shape{3, 7} : Shape{2, 3, 4, 5};
}

LayerCase dropoutCase(const Shape &shape, double rate, bool training = true, uint64_t seed = 7)
{
    LayerCase c;
    c.node = Node{"drop", "Dropout", "drop", {{"rate", rate}}};
    c.inputShapes = {shape};
    c.training = training;
    c.seed = seed;
    return c;
}

void addBackendRows()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("reference") << QString("reference");
    QTest::newRow("cpu") << QString("cpu");
}

// A training forward over all-ones inputs: the output is the mask itself.
std::vector<float> maskOf(const LayerCase &c, const std::string &backend)
{
    LayerHarness h(c, backend);
    h.inputs[0].fill(1);
    h.forward();
    return h.output.toVector();
}

} // namespace

class TestDropout : public QObject
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
            gradientCheckError(dropoutCase(batchShape(rank), 0.4), backend.toStdString(), &worst);
        QVERIFY2(err < 5e-3, worst.c_str());
    }

    void matchesReference_data()
    {
        QTest::addColumn<int>("rank");
        QTest::addColumn<bool>("training");
        for (int rank : {1, 3})
            for (bool training : {true, false})
                QTest::addRow("rank %d %s", rank, training ? "training" : "inference")
                    << rank << training;
    }
    void matchesReference()
    {
        QFETCH(int, rank);
        QFETCH(bool, training);
        std::string report;
        const double err =
            referenceComparisonError(dropoutCase(batchShape(rank), 0.5, training), "cpu", &report);
        QVERIFY2(err < 1e-5, report.c_str());
    }

    void inferenceIsIdentity_data() { addBackendRows(); }
    void inferenceIsIdentity()
    {
        QFETCH(QString, backend);
        LayerHarness h(dropoutCase({4, 3, 5, 5}, 0.7, false), backend.toStdString());
        h.forward();
        Tensor g = h.inputs[0].clone();
        for (int64_t i = 0; i < g.numel(); ++i)
            g.data()[i] *= 3;
        h.backward(g);
        QCOMPARE(h.output.toVector(), h.inputs[0].toVector());
        QCOMPARE(h.inputGrads[0].toVector(), g.toVector());
    }

    void dropsAboutRate_data() { addBackendRows(); }
    void dropsAboutRate()
    {
        QFETCH(QString, backend);
        for (double rate : {0.1, 0.5, 0.8}) {
            const std::vector<float> mask =
                maskOf(dropoutCase({100, 2000}, rate), backend.toStdString());
            const float scale = static_cast<float>(1 / (1 - rate));
            int64_t zeros = 0;
            double sum = 0;
            for (float m : mask) {
                if (m == 0)
                    ++zeros;
                else
                    QVERIFY2(std::fabs(m - scale) < 1e-6 * scale, qPrintable(QString::number(m)));
                sum += m;
            }
            // 200 000 draws: the dropped fraction's standard deviation is below 0.0012, so
            // 0.01 is more than 8 of them.
            const double dropped = double(zeros) / double(mask.size());
            QVERIFY2(std::fabs(dropped - rate) < 0.01,
                     qPrintable(QString("rate %1 dropped %2").arg(rate).arg(dropped)));
            // Inverted dropout keeps the expected value: the mean stays near 1.
            QVERIFY2(std::fabs(sum / double(mask.size()) - 1) < 0.05,
                     qPrintable(QString::number(sum / double(mask.size()))));
        }
    }

    void backwardUsesTheMask_data() { addBackendRows(); }
    void backwardUsesTheMask()
    {
        QFETCH(QString, backend);
        LayerHarness h(dropoutCase({8, 50}, 0.3), backend.toStdString());
        h.inputs[0].fill(1);
        h.forward();
        Tensor g({8, 50});
        g.fill(2);
        h.backward(g);
        for (int64_t i = 0; i < g.numel(); ++i)
            QCOMPARE(h.inputGrads[0].data()[i], 2 * h.output.data()[i]);
    }

    void sameSeedSameMask_data() { addBackendRows(); }
    void sameSeedSameMask()
    {
        QFETCH(QString, backend);
        const std::string b = backend.toStdString();
        const std::vector<float> first = maskOf(dropoutCase({4, 64}, 0.5, true, 11), b);
        QCOMPARE(maskOf(dropoutCase({4, 64}, 0.5, true, 11), b), first);
        QVERIFY(maskOf(dropoutCase({4, 64}, 0.5, true, 12), b) != first);
        // The two backends draw the same mask from the same stream.
        QCOMPARE(maskOf(dropoutCase({4, 64}, 0.5, true, 11), b == "cpu" ? "reference" : "cpu"),
                 first);
    }

    void rateZeroIsIdentity_data() { addBackendRows(); }
    void rateZeroIsIdentity()
    {
        QFETCH(QString, backend);
        LayerHarness h(dropoutCase({3, 10}, 0.0), backend.toStdString());
        h.forward();
        QCOMPARE(h.output.toVector(), h.inputs[0].toVector());
    }

    void rateOneRefused()
    {
        Graph g;
        g.addNode({"in", "Input", "in", {{"features", 4}}});
        g.addNode({"drop", "Dropout", "drop", {{"rate", 1}}});
        g.connect({{"in", 0}, {"drop", 0}});
        GraphAnalysis a = analyze(g);
        const NodeAnalysis *d = a.find("drop");
        QCOMPARE(d->status, NodeStatus::Error);
        QVERIFY2(d->message.find("rate") != std::string::npos, d->message.c_str());
        QVERIFY2(d->message.find("must be below 1") != std::string::npos, d->message.c_str());
    }

    void rateAboveOneRefused()
    {
        Node n{"drop", "Dropout", "drop", {{"rate", 1.5}}};
        try {
            LayerRegistry::instance().resolveParams(n);
            QFAIL("rate 1.5 accepted");
        } catch (const ShapeError &e) {
            QVERIFY2(std::string(e.what()).find("'rate'") != std::string::npos, e.what());
        }
    }

    void shapeRule()
    {
        Graph g;
        g.addNode({"in", "Input", "in", {{"channels", 2}, {"height", 3}, {"width", 3}}});
        g.addNode({"drop", "Dropout", "drop", {}});
        g.connect({{"in", 0}, {"drop", 0}});
        GraphAnalysis a = analyze(g);
        QVERIFY(a.ok());
        QCOMPARE(a.find("drop")->output, (Shape{2, 3, 3}));
        QCOMPARE(a.find("drop")->resolvedParams.at("rate").get<double>(), 0.5);
        QCOMPARE(QString::fromStdString(LayerRegistry::instance().get("Dropout").category),
                 QString("Regularization"));
    }
};

QTEST_APPLESS_MAIN(TestDropout)
#include "test_dropout.moc"
