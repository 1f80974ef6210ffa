// PReLU: gradient check (input and slopes) on every backend and rank, oneDNN against the
// reference, known values per channel, its initialisation under both conventions, and its
// place in the registry.

#include "layer_harness.h"
#include "strata/network.h"
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

LayerCase preluCase(const Shape &shape)
{
    LayerCase c;
    c.node = Node{"p", "PReLU", "p", nlohmann::json::object()};
    c.inputShapes = {shape};
    c.inputMargin = 0.05f; // the kink at 0
    return c;
}

} // namespace

class TestPRelu : public QObject
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
            gradientCheckError(preluCase(batchShape(rank)), backend.toStdString(), &worst);
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
        QVERIFY2(referenceComparisonError(preluCase(batchShape(rank)), "cpu", &report) < 1e-5,
                 report.c_str());
    }

    // Two channels of two pixels: slopes 0.25 and -0.5; at 0 the input takes the negative
    // side, and the slope's gradient sums dy·x over the non-positive inputs of its channel.
    void knownValues_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("reference") << QString("reference");
        QTest::newRow("cpu") << QString("cpu");
    }
    void knownValues()
    {
        QFETCH(QString, backend);
        LayerHarness h(preluCase({1, 2, 1, 2}), backend.toStdString());
        h.weights[0].data()[0] = 0.25f;
        h.weights[0].data()[1] = -0.5f;
        const std::vector<float> x{-2, 3, 0, -4};
        std::copy(x.begin(), x.end(), h.inputs[0].data());
        h.forward();
        const std::vector<float> y{-0.5f, 3, 0, 2};
        for (int i = 0; i < 4; ++i)
            QCOMPARE(h.output.data()[i], y[size_t(i)]);
        Tensor g({1, 2, 1, 2});
        const std::vector<float> gv{1, 2, 3, 0.5f};
        std::copy(gv.begin(), gv.end(), g.data());
        h.backward(g);
        const std::vector<float> dx{0.25f, 2, -1.5f, -0.25f};
        for (int i = 0; i < 4; ++i)
            QCOMPARE(h.inputGrads[0].data()[i], dx[size_t(i)]);
        QCOMPARE(h.weightGrads[0].data()[0], -2.f); // 1·(-2); 3 > 0 adds nothing
        QCOMPARE(h.weightGrads[0].data()[1], -2.f); // 3·0 + 0.5·(-4)
    }

    // PyTorch starts the slopes at 0.25, Keras at 0 (a ReLU).
    void initialisation()
    {
        Graph g;
        g.addNode({"in", "Input", "in", {{"channels", 3}, {"height", 2}, {"width", 2}}});
        g.addNode({"p", "PReLU", "p", nlohmann::json::object()});
        g.addNode({"f", "Flatten", "f", nlohmann::json::object()});
        g.addNode({"fc", "Dense", "fc", {{"units", 2}}});
        g.connect({{"in", 0}, {"p", 0}});
        g.connect({{"p", 0}, {"f", 0}});
        g.connect({{"f", 0}, {"fc", 0}});
        auto backend = createBackend("reference");
        for (const auto &[init, value] :
             {std::pair{InitConvention::PyTorch, 0.25f}, std::pair{InitConvention::Keras, 0.f}}) {
            Network net(g, *backend, LossKind::CrossEntropy, init, 1);
            bool found = false;
            for (const Parameter &p : net.parameters())
                if (p.name == "p.slope") {
                    found = true;
                    Tensor host(p.value.shape());
                    backend->copyToHost(p.value, host);
                    QCOMPARE(host.shape(), (Shape{3}));
                    for (int64_t i = 0; i < 3; ++i)
                        QCOMPARE(host.data()[i], value);
                }
            QVERIFY(found);
        }
    }

    void registered()
    {
        const LayerType &t = LayerRegistry::instance().get("PReLU");
        QCOMPARE(QString::fromStdString(t.category), QString("Activation"));
        QVERIFY(!t.help.empty());
        Graph g;
        g.addNode({"in", "Input", "in", {{"channels", 3}, {"height", 4}, {"width", 5}}});
        g.addNode({"p", "PReLU", "p", nlohmann::json::object()});
        g.connect({{"in", 0}, {"p", 0}});
        const GraphAnalysis a = analyze(g);
        QVERIFY(a.ok());
        QCOMPARE(a.find("p")->output, (Shape{3, 4, 5}));
        QCOMPARE(a.find("p")->params, int64_t(3));

        Graph flat;
        flat.addNode({"in", "Input", "in", {{"features", 6}}});
        flat.addNode({"p", "PReLU", "p", nlohmann::json::object()});
        flat.connect({{"in", 0}, {"p", 0}});
        const GraphAnalysis b = analyze(flat);
        QVERIFY(b.ok());
        QCOMPARE(b.find("p")->params, int64_t(6));
    }
};

QTEST_MAIN(TestPRelu)
#include "test_prelu.moc"
