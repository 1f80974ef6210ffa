// Flatten: gradient check on every backend, the two backends agree, row-major order kept,
// and the shape rule through shape inference.

#include "layer_harness.h"
#include "strata/shape_inference.h"

#include <QtTest>

using namespace strata;
using namespace strata::testing;

namespace {

LayerCase flattenCase(const Shape &shape)
{
    LayerCase c;
    c.node = Node{"flat", "Flatten", "flat", nlohmann::json::object()};
    c.inputShapes = {shape};
    return c;
}

Shape batchShape(int rank)
{
    return rank == 1 ? Shape{3, 7} : Shape{2, 3, 4, 5};
}

} // namespace

class TestFlatten : public QObject
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
            gradientCheckError(flattenCase(batchShape(rank)), backend.toStdString(), &worst);
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
        const double err = referenceComparisonError(flattenCase(batchShape(rank)), "cpu", &report);
        QVERIFY2(err < 1e-5, report.c_str());
    }

    void keepsOrder_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("reference") << QString("reference");
        QTest::newRow("cpu") << QString("cpu");
    }
    void keepsOrder()
    {
        QFETCH(QString, backend);
        LayerHarness h(flattenCase({2, 2, 2, 3}), backend.toStdString());
        QCOMPARE(h.outputShape, (Shape{2, 12}));
        for (int i = 0; i < 24; ++i)
            h.inputs[0].data()[i] = float(i);
        h.forward();
        Tensor g({2, 12});
        for (int i = 0; i < 24; ++i)
            g.data()[i] = float(100 + i);
        h.backward(g);
        for (int i = 0; i < 24; ++i) {
            QCOMPARE(h.output.data()[i], float(i));
            QCOMPARE(h.inputGrads[0].data()[i], float(100 + i));
        }
    }

    void shapeRule()
    {
        Graph g;
        g.addNode({"in", "Input", "in", {{"channels", 3}, {"height", 4}, {"width", 5}}});
        g.addNode({"flat", "Flatten", "flat", {}});
        g.addNode({"fc", "Dense", "fc", {{"units", 2}}});
        g.connect({{"in", 0}, {"flat", 0}});
        g.connect({{"flat", 0}, {"fc", 0}});
        GraphAnalysis a = analyze(g);
        QVERIFY(a.ok());
        QCOMPARE(a.find("flat")->output, Shape{60});
        QCOMPARE(a.find("flat")->flops, int64_t(0));
        QCOMPARE(a.find("fc")->params, int64_t(60 * 2 + 2));
        QCOMPARE(QString::fromStdString(LayerRegistry::instance().get("Flatten").category),
                 QString("Core"));
    }
};

QTEST_APPLESS_MAIN(TestFlatten)
#include "test_flatten.moc"
