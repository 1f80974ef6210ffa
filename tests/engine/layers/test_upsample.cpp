// Upsample: gradient check on every backend, oneDNN against the reference, hand-computed
// values (PyTorch's nearest and align_corners=False bilinear), shapes and messages.

#include "layer_harness.h"
#include "strata/shape_inference.h"

#include <QtTest>

using namespace strata;
using namespace strata::testing;

namespace {

struct Config
{
    const char *name;
    Shape input; // N, C, H, W
    const char *mode;
    int scaleH, scaleW;
};

LayerCase upsampleCase(const Shape &input, const char *mode, int scaleH, int scaleW)
{
    LayerCase c;
    c.node = Node{"up",
                  "Upsample",
                  "up",
                  {{"mode", mode}, {"scale_height", scaleH}, {"scale_width", scaleW}}};
    c.inputShapes = {input};
    return c;
}

const std::vector<Config> &configs()
{
    static const std::vector<Config> all{
        {"nearest 2", {2, 3, 3, 4}, "nearest", 2, 2},
        {"nearest 3x1", {2, 2, 2, 3}, "nearest", 3, 1},
        {"bilinear 2", {2, 3, 3, 4}, "bilinear", 2, 2},
        {"bilinear 3x2", {2, 2, 4, 3}, "bilinear", 3, 2},
        {"bilinear 1x4", {2, 2, 2, 3}, "bilinear", 1, 4},
        {"bilinear one pixel", {2, 2, 1, 1}, "bilinear", 2, 3},
    };
    return all;
}

LayerCase caseOf(int config)
{
    const Config &k = configs()[size_t(config)];
    return upsampleCase(k.input, k.mode, k.scaleH, k.scaleW);
}

} // namespace

class TestUpsample : public QObject
{
    Q_OBJECT

private slots:
    void gradients_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<int>("config");
        for (const char *b : {"reference", "cpu"})
            for (size_t i = 0; i < configs().size(); ++i)
                QTest::newRow((std::string(b) + " " + configs()[i].name).c_str())
                    << QString(b) << static_cast<int>(i);
    }
    void gradients()
    {
        QFETCH(QString, backend);
        QFETCH(int, config);
        std::string worst;
        const double err = gradientCheckError(caseOf(config), backend.toStdString(), &worst);
        QVERIFY2(err < 5e-3, worst.c_str());
    }

    void matchesReference_data()
    {
        QTest::addColumn<int>("config");
        for (size_t i = 0; i < configs().size(); ++i)
            QTest::newRow(configs()[i].name) << static_cast<int>(i);
    }
    void matchesReference()
    {
        QFETCH(int, config);
        std::string report;
        const double err = referenceComparisonError(caseOf(config), "cpu", &report);
        QVERIFY2(err < 1e-5, report.c_str());
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
        LayerHarness nearest(upsampleCase({1, 1, 2, 2}, "nearest", 2, 2), backend.toStdString());
        for (int i = 0; i < 4; ++i)
            nearest.inputs[0].data()[i] = float(i + 1);
        nearest.forward();
        QCOMPARE(nearest.output.toVector(),
                 (std::vector<float>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}));

        // [0, 4] twice as wide: sources 0 (clamped from −¼), ¼, ¾ and 1¼ (clamped to the
        // last pixel), as torch.nn.functional.interpolate(..., align_corners=False) gives.
        LayerHarness bilinear(upsampleCase({1, 1, 1, 2}, "bilinear", 1, 2), backend.toStdString());
        bilinear.inputs[0].data()[0] = 0;
        bilinear.inputs[0].data()[1] = 4;
        bilinear.forward();
        QCOMPARE(bilinear.output.toVector(), (std::vector<float>{0, 1, 3, 4}));

        // Backward: each input pixel of a nearest 2×2 block receives its four gradients.
        Tensor ones(nearest.outputShape);
        ones.fill(1.0f);
        nearest.backward(ones);
        QCOMPARE(nearest.inputGrads[0].toVector(), (std::vector<float>{4, 4, 4, 4}));
    }

    void shapesAndMessages()
    {
        Graph g;
        g.addNode({"in", "Input", "in", {{"channels", 3}, {"height", 5}, {"width", 7}}});
        g.addNode({"up", "Upsample", "up", {{"scale_height", 2}, {"scale_width", 3}}});
        g.connect({{"in", 0}, {"up", 0}});
        GraphAnalysis a = analyze(g);
        QVERIFY(a.ok());
        QCOMPARE(a.find("up")->output, (Shape{3, 10, 21}));
        QCOMPARE(a.find("up")->params, int64_t(0));

        Graph flat;
        flat.addNode({"in", "Input", "in", {{"features", 10}}});
        flat.addNode({"up", "Upsample", "up", {}});
        flat.connect({{"in", 0}, {"up", 0}});
        GraphAnalysis b = analyze(flat);
        const NodeAnalysis *n = b.find("up");
        QCOMPARE(n->status, NodeStatus::Error);
        QVERIFY2(n->message.find("Upsample 'up'") != std::string::npos, n->message.c_str());
        QVERIFY2(n->message.find("channels×height×width") != std::string::npos, n->message.c_str());

        Graph zero = g;
        zero.find("up")->params["scale_width"] = 0;
        const GraphAnalysis zeroAnalysis = analyze(zero);
        const NodeAnalysis *z = zeroAnalysis.find("up");
        QCOMPARE(z->status, NodeStatus::Error);
        QVERIFY2(z->message.find("scale_width") != std::string::npos, z->message.c_str());
    }
};

QTEST_APPLESS_MAIN(TestUpsample)
#include "test_upsample.moc"
