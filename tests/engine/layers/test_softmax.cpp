// Softmax: gradient check on every backend for the classifier case {N, K} and over channels
// of images {N, C, H, W}, oneDNN against the reference, hand values, and stability.

#include "layer_harness.h"
#include "strata/shape_inference.h"

#include <QtTest>

#include <cmath>

using namespace strata;
using namespace strata::testing;

namespace {

Shape batchShape(int rank)
{
    return rank == 1 ? Shape{3, 6} : Shape{2, 4, 3, 3};
}

LayerCase softmaxCase(const Shape &shape)
{
    LayerCase c;
    c.node = Node{"sm", "Softmax", "sm", nlohmann::json::object()};
    c.inputShapes = {shape};
    return c;
}

void setValues(Tensor &t, const std::vector<float> &values)
{
    QCOMPARE(t.numel(), static_cast<int64_t>(values.size()));
    std::copy(values.begin(), values.end(), t.data());
}

void addBackendRows()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("reference") << QString("reference");
    QTest::newRow("cpu") << QString("cpu");
}

} // namespace

class TestSoftmax : public QObject
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
            gradientCheckError(softmaxCase(batchShape(rank)), backend.toStdString(), &worst);
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
        const double err = referenceComparisonError(softmaxCase(batchShape(rank)), "cpu", &report);
        QVERIFY2(err < 1e-5, report.c_str());
        // A classifier-sized case too: many rows, ten classes.
        const double big = referenceComparisonError(softmaxCase({64, 10}), "cpu", &report);
        QVERIFY2(big < 1e-5, report.c_str());
    }

    void knownValues_data() { addBackendRows(); }
    void knownValues()
    {
        QFETCH(QString, backend);
        LayerHarness h(softmaxCase({2, 3}), backend.toStdString());
        setValues(h.inputs[0], {1, 2, 3, 0, 0, 0});
        h.forward();
        const std::vector<float> expected{0.09003057f, 0.24472847f, 0.66524096f,
                                          1 / 3.f,     1 / 3.f,     1 / 3.f};
        for (size_t i = 0; i < expected.size(); ++i)
            QVERIFY2(std::fabs(h.output.data()[i] - expected[i]) < 1e-6,
                     qPrintable(QString("output %1: %2, expected %3")
                                    .arg(i)
                                    .arg(h.output.data()[i])
                                    .arg(expected[i])));
    }

    void rowsSumToOne_data() { addBackendRows(); }
    void rowsSumToOne()
    {
        QFETCH(QString, backend);
        LayerHarness h(softmaxCase({5, 10}), backend.toStdString());
        for (int64_t i = 0; i < h.inputs[0].numel(); ++i)
            h.inputs[0].data()[i] *= 8; // spread the logits
        h.forward();
        for (int row = 0; row < 5; ++row) {
            double sum = 0;
            for (int k = 0; k < 10; ++k) {
                const float p = h.output.data()[row * 10 + k];
                QVERIFY(p > 0 && p < 1);
                sum += p;
            }
            QVERIFY2(std::fabs(sum - 1) < 1e-6, qPrintable(QString::number(sum, 'g', 10)));
        }
    }

    // exp(1000) overflows a float; the maximum must be subtracted first.
    void stableForLargeLogits_data() { addBackendRows(); }
    void stableForLargeLogits()
    {
        QFETCH(QString, backend);
        LayerHarness h(softmaxCase({2, 3}), backend.toStdString());
        setValues(h.inputs[0], {1000, 1000, 999, -1000, 0, 1000});
        h.forward();
        const float big = 1 / (2 + std::exp(-1.f)), small = std::exp(-1.f) / (2 + std::exp(-1.f));
        const std::vector<float> expected{big, big, small, 0, 0, 1};
        for (size_t i = 0; i < expected.size(); ++i) {
            QVERIFY(std::isfinite(h.output.data()[i]));
            QVERIFY2(std::fabs(h.output.data()[i] - expected[i]) < 1e-6,
                     qPrintable(QString("output %1: %2, expected %3")
                                    .arg(i)
                                    .arg(h.output.data()[i])
                                    .arg(expected[i])));
        }
    }

    // For images the softmax runs over channels at each pixel, not over the whole sample.
    void overChannelsAtEachPixel_data() { addBackendRows(); }
    void overChannelsAtEachPixel()
    {
        QFETCH(QString, backend);
        LayerHarness h(softmaxCase({1, 2, 1, 2}), backend.toStdString());
        setValues(h.inputs[0], {0, 1, 0, -1}); // channel 0: pixels 0, 1; channel 1: 0, -1
        h.forward();
        const float hi = 1 / (1 + std::exp(-2.f)), lo = 1 - hi;
        const std::vector<float> expected{0.5f, hi, 0.5f, lo};
        for (size_t i = 0; i < expected.size(); ++i)
            QVERIFY2(std::fabs(h.output.data()[i] - expected[i]) < 1e-6,
                     qPrintable(QString("output %1: %2, expected %3")
                                    .arg(i)
                                    .arg(h.output.data()[i])
                                    .arg(expected[i])));
    }

    // A gradient that is the same for every class changes nothing: dx must be 0.
    void uniformGradientGivesZero_data() { addBackendRows(); }
    void uniformGradientGivesZero()
    {
        QFETCH(QString, backend);
        LayerHarness h(softmaxCase({3, 4}), backend.toStdString());
        h.forward();
        Tensor g({3, 4});
        g.fill(2.5f);
        h.backward(g);
        for (int64_t i = 0; i < g.numel(); ++i)
            QVERIFY2(std::fabs(h.inputGrads[0].data()[i]) < 1e-6,
                     qPrintable(QString::number(h.inputGrads[0].data()[i])));
    }

    void shapeRule()
    {
        Graph g;
        g.addNode({"in", "Input", "in", {{"features", 10}}});
        g.addNode({"sm", "Softmax", "sm", {}});
        g.connect({{"in", 0}, {"sm", 0}});
        GraphAnalysis a = analyze(g);
        QVERIFY(a.ok());
        QCOMPARE(a.find("sm")->output, Shape{10});
        QVERIFY(a.find("sm")->flops > 0);
        QCOMPARE(QString::fromStdString(LayerRegistry::instance().get("Softmax").category),
                 QString("Activation"));
    }
};

QTEST_APPLESS_MAIN(TestSoftmax)
#include "test_softmax.moc"
