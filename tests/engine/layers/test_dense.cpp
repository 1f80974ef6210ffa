// Dense: shape rule, gradient check on every backend, oneDNN against the reference.

#include "layer_harness.h"
#include "strata/shape_inference.h"

#include <QtTest>

#include <limits>

using namespace strata;
using namespace strata::testing;

class TestDense : public QObject
{
    Q_OBJECT

private:
    static LayerCase denseCase(int units, bool bias, int batch = 3, int inputs = 5)
    {
        LayerCase c;
        c.node = Node{"fc", "Dense", "fc", {{"units", units}, {"bias", bias}}};
        c.inputShapes = {{batch, inputs}};
        return c;
    }

private slots:
    void gradients_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<bool>("bias");
        for (const char *b : {"reference", "cpu"}) {
            QTest::newRow((std::string(b) + " with bias").c_str()) << QString(b) << true;
            QTest::newRow((std::string(b) + " no bias").c_str()) << QString(b) << false;
        }
    }
    void gradients()
    {
        QFETCH(QString, backend);
        QFETCH(bool, bias);
        std::string worst;
        double err = gradientCheckError(denseCase(4, bias), backend.toStdString(), &worst);
        QVERIFY2(err < 2e-3, worst.c_str());
    }

    void matchesReference()
    {
        std::string report;
        double err = referenceComparisonError(denseCase(37, true, 8, 53), "cpu", &report);
        QVERIFY2(err < 1e-4, report.c_str());
    }

    // A weight matrix of a million elements and a batch far smaller than the units: the
    // forward pass takes the transposed GEMM path (see dense_cpu.cpp).
    void largeLayerMatchesReference_data()
    {
        QTest::addColumn<bool>("bias");
        QTest::newRow("with bias") << true;
        QTest::newRow("no bias") << false;
    }
    void largeLayerMatchesReference()
    {
        QFETCH(bool, bias);
        std::string report;
        double err = referenceComparisonError(denseCase(1030, bias, 5, 1100), "cpu", &report);
        QVERIFY2(err < 1e-4, report.c_str());
    }

    // The large layer proves its weight gradients finite from bounds on its input and output
    // gradient, so the NaN/Inf guard need not read them; a NaN, an infinity or values whose
    // products could come near overflow, in either, withdraw the proof.
    void largeLayerProvesGradientsFinite()
    {
        LayerHarness h(denseCase(1030, true, 5, 1100), "cpu");
        Tensor gy(h.outputShape);
        gy.fill(0.5f);
        h.forward();
        h.backward(gy);
        QVERIFY(h.weightGradientsProvenFinite());
        const float x7 = h.inputs[0].data()[7];
        for (float bad : {std::numeric_limits<float>::quiet_NaN(),
                          std::numeric_limits<float>::infinity(), -1e37f}) {
            h.inputs[0].data()[7] = bad;
            h.forward();
            h.backward(gy);
            QVERIFY2(!h.weightGradientsProvenFinite(), std::to_string(bad).c_str());
            h.inputs[0].data()[7] = x7;
            gy.data()[3] = bad;
            h.forward();
            h.backward(gy);
            QVERIFY2(!h.weightGradientsProvenFinite(), std::to_string(bad).c_str());
            gy.data()[3] = 0.5f;
        }
        h.forward();
        h.backward(gy);
        QVERIFY(h.weightGradientsProvenFinite());
        // A small layer's gradients are cheap to read: it proves nothing.
        LayerHarness small(denseCase(4, true), "cpu");
        small.forward();
        small.backward(Tensor(small.outputShape));
        QVERIFY(!small.weightGradientsProvenFinite());
    }

    void knownValues()
    {
        LayerHarness h(denseCase(2, true, 1, 3), "cpu");
        const std::vector<float> x{1, 2, 3}, w{1, 0, -1, 0.5f, 0.5f, 0.5f}, b{0.25f, -1};
        std::copy(x.begin(), x.end(), h.inputs[0].data());
        std::copy(w.begin(), w.end(), h.weights[0].data());
        std::copy(b.begin(), b.end(), h.weights[1].data());
        h.forward();
        QCOMPARE(h.output.data()[0], 1 - 3 + 0.25f);
        QCOMPARE(h.output.data()[1], 3 - 1.0f);
    }

    void shapeRuleNeedsFlatInput()
    {
        Graph g;
        g.addNode({"in", "Input", "in", {{"channels", 1}, {"height", 4}, {"width", 4}}});
        g.addNode({"fc1", "Dense", "fc1", {{"units", 10}}});
        g.connect({{"in", 0}, {"fc1", 0}});
        GraphAnalysis a = analyze(g);
        const NodeAnalysis *fc = a.find("fc1");
        QCOMPARE(fc->status, NodeStatus::Error);
        QVERIFY2(fc->message.find("Flatten") != std::string::npos, fc->message.c_str());
        QVERIFY(fc->message.find("1×4×4") != std::string::npos);
    }

    void parameterCount()
    {
        Graph g;
        g.addNode({"in", "Input", "in", {{"features", 32}}});
        g.addNode({"fc1", "Dense", "fc1", {{"units", 64}}});
        g.connect({{"in", 0}, {"fc1", 0}});
        GraphAnalysis a = analyze(g);
        QVERIFY(a.ok());
        QCOMPARE(a.find("fc1")->params, int64_t(32 * 64 + 64));
        QCOMPARE(a.find("fc1")->output, Shape{64});
    }

    void invalidUnitsRefused()
    {
        Node n{"fc", "Dense", "fc", {{"units", 0}}};
        try {
            LayerRegistry::instance().resolveParams(n);
            QFAIL("units 0 accepted");
        } catch (const ShapeError &e) {
            QVERIFY2(std::string(e.what()).find("units") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("between 1") != std::string::npos, e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestDense)
#include "test_dense.moc"
