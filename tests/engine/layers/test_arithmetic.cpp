// Multiply and Subtract: gradient checks on every host backend for one shape and for a
// per-channel input on either port ({C,1,1} and {C}), oneDNN against the reference, hand
// values, the malformed-shapes table; and GlobalAvgPool2D's keep_dims (the channel mean of
// squeeze-and-excitation).

#include "layer_harness.h"
#include "strata/shape_inference.h"

#include <QtTest>

using namespace strata;
using namespace strata::testing;

namespace {

LayerCase arithmeticCase(const std::string &type, std::vector<Shape> shapes)
{
    LayerCase c;
    c.node = Node{"m", type, "m", nlohmann::json::object()};
    c.inputShapes = std::move(shapes);
    return c;
}

void setValues(Tensor &t, const std::vector<float> &values)
{
    QCOMPARE(t.numel(), static_cast<int64_t>(values.size()));
    std::copy(values.begin(), values.end(), t.data());
}

struct ShapePair
{
    const char *name;
    Shape a, b; // batch included
};

const std::vector<ShapePair> &shapePairs()
{
    static const std::vector<ShapePair> all{
        {"flat", {3, 5}, {3, 5}},
        {"image", {2, 3, 4, 4}, {2, 3, 4, 4}},
        {"in1 C×1×1", {2, 3, 4, 5}, {2, 3, 1, 1}},
        {"in1 C", {2, 3, 4, 5}, {2, 3}},
        {"in0 C×1×1", {2, 4, 1, 1}, {2, 4, 3, 3}},
        {"in0 C", {2, 4}, {2, 4, 3, 2}},
    };
    return all;
}

void addCaseRows()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<int>("pair");
    for (const char *type : {"Multiply", "Subtract"})
        for (size_t i = 0; i < shapePairs().size(); ++i)
            QTest::addRow("%s %s", type, shapePairs()[i].name) << QString(type) << int(i);
}

LayerCase caseOf(const QString &type, int pair)
{
    const ShapePair &p = shapePairs()[static_cast<size_t>(pair)];
    return arithmeticCase(type.toStdString(), {p.a, p.b});
}

void addBackendRows()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("reference") << QString("reference");
    QTest::newRow("cpu") << QString("cpu");
}

NodeAnalysis analyzePair(const std::string &type, const nlohmann::json &a, const nlohmann::json &b)
{
    Graph g;
    g.addNode({"a", "Input", "a", a});
    g.addNode({"b", "Input", "b", b});
    g.addNode({"m", type, "gate1", {}});
    g.connect({{"a", 0}, {"m", 0}});
    g.connect({{"b", 0}, {"m", 1}});
    return *analyze(g).find("m");
}

nlohmann::json image(int c, int h, int w)
{
    return {{"channels", c}, {"height", h}, {"width", w}};
}

nlohmann::json flat(int n)
{
    return {{"features", n}};
}

bool contains(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

class TestArithmetic : public QObject
{
    Q_OBJECT

private slots:
    void gradients_data() { addCaseRows(); }
    void gradients()
    {
        QFETCH(QString, type);
        QFETCH(int, pair);
        const LayerCase c = caseOf(type, pair);
        for (const char *backend : {"reference", "cpu"}) {
            std::string worst;
            const double err = gradientCheckError(c, backend, &worst);
            QVERIFY2(err < 5e-3, (std::string(backend) + ": " + worst).c_str());
        }
    }

    void matchesReference_data() { addCaseRows(); }
    void matchesReference()
    {
        QFETCH(QString, type);
        QFETCH(int, pair);
        std::string report;
        const double err = referenceComparisonError(caseOf(type, pair), "cpu", &report);
        QVERIFY2(err < 1e-5, report.c_str());
    }

    void multiplyKnownValues_data() { addBackendRows(); }
    void multiplyKnownValues()
    {
        QFETCH(QString, backend);
        // A 2-channel 1×2 image gated per channel.
        LayerHarness h(arithmeticCase("Multiply", {{1, 2, 1, 2}, {1, 2, 1, 1}}),
                       backend.toStdString());
        QCOMPARE(h.outputShape, (Shape{1, 2, 1, 2}));
        setValues(h.inputs[0], {1, 2, 3, 4});
        setValues(h.inputs[1], {10, 100});
        h.forward();
        QCOMPARE(h.output.toVector(), (std::vector<float>{10, 20, 300, 400}));
        h.backward(Tensor::fromVector({1, 2, 1, 2}, {1, 1, 1, 2}));
        QCOMPARE(h.inputGrads[0].toVector(), (std::vector<float>{10, 10, 100, 200}));
        QCOMPARE(h.inputGrads[1].toVector(), (std::vector<float>{1 + 2, 3 + 2 * 4}));
    }

    void subtractKnownValues_data() { addBackendRows(); }
    void subtractKnownValues()
    {
        QFETCH(QString, backend);
        // in0 per channel ({C}), in1 the image: in0 − in1 broadcast over the pixels.
        LayerHarness h(arithmeticCase("Subtract", {{1, 2}, {1, 2, 1, 2}}), backend.toStdString());
        QCOMPARE(h.outputShape, (Shape{1, 2, 1, 2}));
        setValues(h.inputs[0], {10, 100});
        setValues(h.inputs[1], {1, 2, 3, 4});
        h.forward();
        QCOMPARE(h.output.toVector(), (std::vector<float>{9, 8, 97, 96}));
        h.backward(Tensor::fromVector({1, 2, 1, 2}, {1, 2, 3, 4}));
        QCOMPARE(h.inputGrads[0].toVector(), (std::vector<float>{3, 7}));
        QCOMPARE(h.inputGrads[1].toVector(), (std::vector<float>{-1, -2, -3, -4}));
    }

    void shapes()
    {
        const NodeAnalysis same = analyzePair("Multiply", image(8, 4, 4), image(8, 4, 4));
        QCOMPARE(same.status, NodeStatus::Ok);
        QCOMPARE(same.output, (Shape{8, 4, 4}));
        QCOMPARE(same.flops, int64_t(8 * 4 * 4));
        const NodeAnalysis gate = analyzePair("Multiply", image(8, 1, 1), image(8, 4, 4));
        QCOMPARE(gate.status, NodeStatus::Ok);
        QCOMPARE(gate.output, (Shape{8, 4, 4}));
        const NodeAnalysis flatGate = analyzePair("Subtract", image(8, 4, 4), flat(8));
        QCOMPARE(flatGate.status, NodeStatus::Ok);
        QCOMPARE(flatGate.output, (Shape{8, 4, 4}));
        QCOMPARE(QString::fromStdString(LayerRegistry::instance().get("Multiply").category),
                 QString("Merge"));
    }

    // Shapes that cannot broadcast: the message names the node, both ports and shapes, and
    // says what to change.
    void malformedShapes_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QByteArray>("a");
        QTest::addColumn<QByteArray>("b");
        QTest::addColumn<QStringList>("parts");
        const auto row = [](const char *name, const char *type, const nlohmann::json &a,
                            const nlohmann::json &b, QStringList parts) {
            QTest::newRow(name) << QString(type) << QByteArray::fromStdString(a.dump())
                                << QByteArray::fromStdString(b.dump()) << parts;
        };
        row("gate with other channels", "Multiply", image(16, 8, 8), image(32, 1, 1),
            {"Multiply 'gate1'", "in0 is 16×8×8", "in1 is 32×1×1", "16 units or filters"});
        row("flat gate with other channels", "Subtract", flat(4), image(3, 5, 5),
            {"Subtract 'gate1'", "in0 is 4", "in1 is 3×5×5", "give the layer feeding in0 3"});
        row("images of other sizes", "Multiply", image(8, 4, 4), image(8, 2, 2),
            {"8×4×4", "8×2×2", "same strides and pooling"});
        row("flat of other sizes", "Subtract", flat(5), flat(7),
            {"in0 is 5", "in1 is 7", "same shape"});
        row("per-row broadcast", "Multiply", image(3, 4, 4), image(1, 4, 4),
            {"3×4×4", "1×4×4", "one value per channel"});
    }
    void malformedShapes()
    {
        QFETCH(QString, type);
        QFETCH(QByteArray, a);
        QFETCH(QByteArray, b);
        QFETCH(QStringList, parts);
        const NodeAnalysis m =
            analyzePair(type.toStdString(), nlohmann::json::parse(a.toStdString()),
                        nlohmann::json::parse(b.toStdString()));
        QCOMPARE(m.status, NodeStatus::Error);
        for (const QString &part : parts)
            QVERIFY2(contains(m.message, part.toStdString()), m.message.c_str());
    }

    // GlobalAvgPool2D keeping dims: the same averages as C×1×1; gradients on every backend.
    void globalMeanKeepsDims_data() { addBackendRows(); }
    void globalMeanKeepsDims()
    {
        QFETCH(QString, backend);
        LayerCase keep;
        keep.node = Node{"gap", "GlobalAvgPool2D", "gap", {{"keep_dims", true}}};
        keep.inputShapes = {{2, 3, 4, 5}};
        LayerCase flatCase = keep;
        flatCase.node.params = nlohmann::json::object();
        LayerHarness k(keep, backend.toStdString()), f(flatCase, backend.toStdString());
        QCOMPARE(k.outputShape, (Shape{2, 3, 1, 1}));
        QCOMPARE(f.outputShape, (Shape{2, 3}));
        k.forward();
        f.forward();
        QCOMPARE(k.output.toVector(), f.output.toVector());
        std::string worst;
        QVERIFY2(gradientCheckError(keep, backend.toStdString(), &worst) < 5e-3, worst.c_str());
        if (backend == "cpu") {
            std::string report;
            QVERIFY2(referenceComparisonError(keep, "cpu", &report) < 1e-5, report.c_str());
        }
        const NodeAnalysis m = [] {
            Graph g;
            g.addNode({"in", "Input", "in", image(6, 3, 3)});
            g.addNode({"gap", "GlobalAvgPool2D", "gap", {{"keep_dims", true}}});
            g.connect({{"in", 0}, {"gap", 0}});
            return *analyze(g).find("gap");
        }();
        QCOMPARE(m.output, (Shape{6, 1, 1}));
    }
};

QTEST_APPLESS_MAIN(TestArithmetic)
#include "test_arithmetic.moc"
