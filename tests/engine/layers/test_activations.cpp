// ReLU, LeakyReLU, Sigmoid, Tanh: gradient check on every backend and rank, oneDNN against the
// reference, hand-computed values, and parameter validation.

#include "layer_harness.h"
#include "strata/shape_inference.h"

#include <QtTest>

#include <cmath>

using namespace strata;
using namespace strata::testing;

namespace {

const char *const kTypes[] = {"ReLU", "LeakyReLU", "Sigmoid", "Tanh"};

// rank 1: {N, F}; rank 3: {N, C, H, W}.
Shape batchShape(int rank)
{
    return rank == 1 ? Shape{3, 7} : Shape{2, 3, 4, 5};
}

LayerCase activationCase(const std::string &type, const Shape &shape,
                         nlohmann::json params = nlohmann::json::object())
{
    LayerCase c;
    c.node = Node{"act", type, "act", std::move(params)};
    c.inputShapes = {shape};
    // ReLU's kink at 0 would make a finite difference straddling it meaningless.
    c.inputMargin = 0.05f;
    return c;
}

void setValues(Tensor &t, const std::vector<float> &values)
{
    QCOMPARE(t.numel(), static_cast<int64_t>(values.size()));
    std::copy(values.begin(), values.end(), t.data());
}

} // namespace

class TestActivations : public QObject
{
    Q_OBJECT

private slots:
    void gradients_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("backend");
        QTest::addColumn<int>("rank");
        for (const char *type : kTypes)
            for (const char *backend : {"reference", "cpu"})
                for (int rank : {1, 3})
                    QTest::addRow("%s %s rank %d", type, backend, rank)
                        << QString(type) << QString(backend) << rank;
    }
    void gradients()
    {
        QFETCH(QString, type);
        QFETCH(QString, backend);
        QFETCH(int, rank);
        std::string worst;
        const double err = gradientCheckError(activationCase(type.toStdString(), batchShape(rank)),
                                              backend.toStdString(), &worst);
        QVERIFY2(err < 5e-3, worst.c_str());
    }

    void matchesReference_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<int>("rank");
        for (const char *type : kTypes)
            for (int rank : {1, 3})
                QTest::addRow("%s rank %d", type, rank) << QString(type) << rank;
    }
    void matchesReference()
    {
        QFETCH(QString, type);
        QFETCH(int, rank);
        std::string report;
        const double err = referenceComparisonError(
            activationCase(type.toStdString(), batchShape(rank)), "cpu", &report);
        QVERIFY2(err < 1e-5, report.c_str());
    }

    // Between convolutions activations take a channel-blocked input and keep its layout.
    void blockedLayouts()
    {
        for (const char *type : kTypes) {
            LayerCase c = activationCase(type, {2, 16, 3, 5});
            c.inputBlock = 16;
            c.blockedOutputAllowed = true;
            QCOMPARE(LayerHarness(c, "cpu").outputBlock(), int64_t(16));
            std::string report;
            QVERIFY2(referenceComparisonError(c, "cpu", &report) < 1e-5,
                     (std::string(type) + ": " + report).c_str());
        }
    }

    void knownValues_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("backend");
        QTest::addColumn<std::vector<float>>("expected");
        QTest::addColumn<std::vector<float>>("slope"); // dy/dx at each input
        // Inputs: -2, -0.5, 0, 0.5, 3.
        const float s2 = 0.11920292f, s05 = 0.37754067f; // sigmoid(-2), sigmoid(-0.5)
        const float t2 = 0.96402758f, t05 = 0.46211716f; // tanh(2), tanh(0.5)
        const float t3 = 0.99505475f, s3 = 0.95257413f;
        for (const char *backend : {"reference", "cpu"}) {
            QTest::addRow("ReLU %s", backend)
                << QString("ReLU") << QString(backend) << std::vector<float>{0, 0, 0, 0.5f, 3}
                << std::vector<float>{0, 0, 0, 1, 1};
            QTest::addRow("LeakyReLU %s", backend) << QString("LeakyReLU") << QString(backend)
                                                   << std::vector<float>{-0.2f, -0.05f, 0, 0.5f, 3}
                                                   << std::vector<float>{0.1f, 0.1f, 0.1f, 1, 1};
            QTest::addRow("Sigmoid %s", backend)
                << QString("Sigmoid") << QString(backend)
                << std::vector<float>{s2, s05, 0.5f, 1 - s05, s3}
                << std::vector<float>{s2 * (1 - s2), s05 * (1 - s05), 0.25f, s05 * (1 - s05),
                                      s3 * (1 - s3)};
            QTest::addRow("Tanh %s", backend)
                << QString("Tanh") << QString(backend) << std::vector<float>{-t2, -t05, 0, t05, t3}
                << std::vector<float>{1 - t2 * t2, 1 - t05 * t05, 1, 1 - t05 * t05, 1 - t3 * t3};
        }
    }
    void knownValues()
    {
        QFETCH(QString, type);
        QFETCH(QString, backend);
        QFETCH(std::vector<float>, expected);
        QFETCH(std::vector<float>, slope);
        nlohmann::json params = nlohmann::json::object();
        if (type == "LeakyReLU")
            params["alpha"] = 0.1;
        LayerCase c = activationCase(type.toStdString(), {1, 5}, params);
        LayerHarness h(c, backend.toStdString());
        setValues(h.inputs[0], {-2, -0.5f, 0, 0.5f, 3});
        h.forward();
        Tensor ones({1, 5});
        ones.fill(1);
        h.backward(ones);
        for (int i = 0; i < 5; ++i) {
            QVERIFY2(std::fabs(h.output.data()[i] - expected[size_t(i)]) < 1e-6,
                     qPrintable(QString("output %1: %2, expected %3")
                                    .arg(i)
                                    .arg(h.output.data()[i])
                                    .arg(expected[size_t(i)])));
            QVERIFY2(std::fabs(h.inputGrads[0].data()[i] - slope[size_t(i)]) < 1e-6,
                     qPrintable(QString("slope %1: %2, expected %3")
                                    .arg(i)
                                    .arg(h.inputGrads[0].data()[i])
                                    .arg(slope[size_t(i)])));
        }
    }

    // Saturated inputs must give clean limits, not NaN from exp overflow.
    void saturates_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("reference") << QString("reference");
        QTest::newRow("cpu") << QString("cpu");
    }
    void saturates()
    {
        QFETCH(QString, backend);
        for (const char *type : {"Sigmoid", "Tanh"}) {
            LayerHarness h(activationCase(type, {1, 2}), backend.toStdString());
            setValues(h.inputs[0], {-200, 200});
            h.forward();
            QCOMPARE(h.output.data()[0], std::string(type) == "Sigmoid" ? 0.f : -1.f);
            QCOMPARE(h.output.data()[1], 1.f);
        }
    }

    void leakyAlphaDefaultsToKeras()
    {
        Node n{"a", "LeakyReLU", "a", nlohmann::json::object()};
        QCOMPARE(LayerRegistry::instance().resolveParams(n).at("alpha").get<double>(), 0.3);
        QCOMPARE(QString::fromStdString(LayerRegistry::instance().get("ReLU").category),
                 QString("Activation"));
    }

    void leakyAlphaOutOfRangeRefused()
    {
        Node n{"leaky", "LeakyReLU", "leaky", {{"alpha", 2}}};
        try {
            LayerRegistry::instance().resolveParams(n);
            QFAIL("alpha 2 accepted");
        } catch (const ShapeError &e) {
            const std::string m = e.what();
            QVERIFY2(m.find("'alpha'") != std::string::npos, e.what());
            QVERIFY2(m.find("between 0 and 1") != std::string::npos, e.what());
            QCOMPARE(QString::fromStdString(e.nodeId()), QString("leaky"));
        }
    }

    void keepsShapeOfAnyRank()
    {
        Graph g;
        g.addNode({"in", "Input", "in", {{"channels", 3}, {"height", 4}, {"width", 5}}});
        g.addNode({"act", "Tanh", "act", {}});
        g.connect({{"in", 0}, {"act", 0}});
        GraphAnalysis a = analyze(g);
        QVERIFY(a.ok());
        QCOMPARE(a.find("act")->output, (Shape{3, 4, 5}));
        QCOMPARE(a.find("act")->flops, int64_t(60));
        QCOMPARE(a.find("act")->params, int64_t(0));
    }
};

QTEST_APPLESS_MAIN(TestActivations)
#include "test_activations.moc"
