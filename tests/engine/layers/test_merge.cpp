// Add and Concat: gradient checks on every backend for flat and image inputs and 2 or 3
// ports, oneDNN against the reference, hand values, null gradients skipped, shape errors
// that name the ports and shapes, and a skip connection through shape inference.

#include "layer_harness.h"
#include "strata/shape_inference.h"

#include <QtTest>

using namespace strata;
using namespace strata::testing;

namespace {

// Input shapes (batch included) for a merge case: Add needs equal shapes, Concat may differ
// along the first sample axis.
std::vector<Shape> mergeInputs(const std::string &type, int rank, int count)
{
    const int64_t sizes[] = {3, 1, 2};
    std::vector<Shape> shapes;
    for (int i = 0; i < count; ++i) {
        const int64_t first = type == "Add" ? 3 : sizes[i];
        shapes.push_back(rank == 1 ? Shape{3, first + 2} : Shape{2, first, 2, 3});
    }
    return shapes;
}

LayerCase mergeCase(const std::string &type, std::vector<Shape> shapes)
{
    LayerCase c;
    c.node = Node{"m", type, "m", {{"inputs", shapes.size()}}};
    c.inputShapes = std::move(shapes);
    return c;
}

void setValues(Tensor &t, const std::vector<float> &values)
{
    QCOMPARE(t.numel(), static_cast<int64_t>(values.size()));
    std::copy(values.begin(), values.end(), t.data());
}

void addCaseRows()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<int>("rank");
    QTest::addColumn<int>("count");
    for (const char *type : {"Add", "Concat"})
        for (int rank : {1, 3})
            for (int count : {2, 3})
                QTest::addRow("%s rank %d, %d inputs", type, rank, count)
                    << QString(type) << rank << count;
}

void addBackendRows()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("reference") << QString("reference");
    QTest::newRow("cpu") << QString("cpu");
}

// Two Input nodes feeding one merge node: enough for its shape rule (the graph-level "two
// inputs" problem does not stop node analysis).
NodeAnalysis analyzeMerge(const std::string &type, const nlohmann::json &a, const nlohmann::json &b)
{
    Graph g;
    g.addNode({"a", "Input", "a", a});
    g.addNode({"b", "Input", "b", b});
    g.addNode({"m", type, "merge1", {}});
    g.connect({{"a", 0}, {"m", 0}});
    g.connect({{"b", 0}, {"m", 1}});
    return *analyze(g).find("m");
}

nlohmann::json image(int c, int h, int w)
{
    return {{"channels", c}, {"height", h}, {"width", w}};
}

bool contains(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

class TestMerge : public QObject
{
    Q_OBJECT

private slots:
    void gradients_data() { addCaseRows(); }
    void gradients()
    {
        QFETCH(QString, type);
        QFETCH(int, rank);
        QFETCH(int, count);
        const LayerCase c =
            mergeCase(type.toStdString(), mergeInputs(type.toStdString(), rank, count));
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
        QFETCH(int, rank);
        QFETCH(int, count);
        std::string report;
        const double err = referenceComparisonError(
            mergeCase(type.toStdString(), mergeInputs(type.toStdString(), rank, count)), "cpu",
            &report);
        QVERIFY2(err < 1e-5, report.c_str());
    }

    // Between convolutions Add sums channel-blocked inputs in their layout; an input in
    // another block than the first is converted on the way in and its gradient on the way
    // out. The output takes the first input's block.
    void addBlockedLayouts_data()
    {
        QTest::addColumn<std::vector<int64_t>>("blocks");
        QTest::newRow("all 16") << std::vector<int64_t>{16, 16};
        QTest::newRow("all 8, three inputs") << std::vector<int64_t>{8, 8, 8};
        QTest::newRow("16 and plain") << std::vector<int64_t>{16, 1};
        QTest::newRow("plain and 16") << std::vector<int64_t>{1, 16};
        QTest::newRow("8, 16 and plain") << std::vector<int64_t>{8, 16, 1};
    }
    void addBlockedLayouts()
    {
        QFETCH(std::vector<int64_t>, blocks);
        LayerCase c = mergeCase("Add", std::vector<Shape>(blocks.size(), Shape{2, 16, 3, 5}));
        c.inputBlocks = blocks;
        c.blockedOutputAllowed = true;
        QCOMPARE(LayerHarness(c, "cpu").outputBlock(), blocks[0]);
        std::string report;
        QVERIFY2(referenceComparisonError(c, "cpu", &report) < 1e-6, report.c_str());
    }

    void addKnownValues_data() { addBackendRows(); }
    void addKnownValues()
    {
        QFETCH(QString, backend);
        LayerHarness h(mergeCase("Add", {{1, 3}, {1, 3}, {1, 3}}), backend.toStdString());
        setValues(h.inputs[0], {1, 2, 3});
        setValues(h.inputs[1], {10, 20, 30});
        setValues(h.inputs[2], {100, 200, 300});
        h.forward();
        QCOMPARE(h.output.toVector(), (std::vector<float>{111, 222, 333}));
        h.backward(Tensor::fromVector({1, 3}, {1, -2, 4}));
        for (const Tensor &g : h.inputGrads)
            QCOMPARE(g.toVector(), (std::vector<float>{1, -2, 4}));
    }

    void concatKnownValues_data() { addBackendRows(); }
    void concatKnownValues()
    {
        QFETCH(QString, backend);
        // Flat: features of each sample side by side.
        LayerHarness flat(mergeCase("Concat", {{2, 2}, {2, 1}}), backend.toStdString());
        QCOMPARE(flat.outputShape, (Shape{2, 3}));
        setValues(flat.inputs[0], {1, 2, 3, 4});
        setValues(flat.inputs[1], {5, 6});
        flat.forward();
        QCOMPARE(flat.output.toVector(), (std::vector<float>{1, 2, 5, 3, 4, 6}));
        flat.backward(Tensor::fromVector({2, 3}, {10, 20, 30, 40, 50, 60}));
        QCOMPARE(flat.inputGrads[0].toVector(), (std::vector<float>{10, 20, 40, 50}));
        QCOMPARE(flat.inputGrads[1].toVector(), (std::vector<float>{30, 60}));

        // Images: channel planes of each sample, in port order.
        LayerHarness img(mergeCase("Concat", {{2, 1, 1, 2}, {2, 2, 1, 2}}), backend.toStdString());
        QCOMPARE(img.outputShape, (Shape{2, 3, 1, 2}));
        setValues(img.inputs[0], {1, 2, 7, 8});
        setValues(img.inputs[1], {3, 4, 5, 6, 9, 10, 11, 12});
        img.forward();
        QCOMPARE(img.output.toVector(),
                 (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
    }

    // The network passes null for inputs that need no gradient; the others still get theirs.
    void nullGradientsSkipped_data() { addBackendRows(); }
    void nullGradientsSkipped()
    {
        QFETCH(QString, backend);
        for (const char *type : {"Add", "Concat"}) {
            const Node node{"m", type, "m", {{"inputs", 2}}};
            const nlohmann::json params = LayerRegistry::instance().resolveParams(node);
            const Shape outShape = std::string(type) == "Add" ? Shape{2, 2} : Shape{2, 4};
            auto b = createBackend(backend.toStdString());
            KernelSetup setup{node, params, {{2, 2}, {2, 2}}, outShape, {}, {}, *b};
            auto kernel = b->createKernel(setup);
            Tensor x0 = Tensor::fromVector({2, 2}, {1, 2, 3, 4});
            Tensor x1 = Tensor::fromVector({2, 2}, {5, 6, 7, 8});
            Tensor out(outShape);
            Tensor g1({2, 2});
            RunContext ctx;
            kernel->forward({&x0, &x1}, out, ctx);
            Tensor gy(outShape);
            for (int64_t i = 0; i < gy.numel(); ++i)
                gy.data()[i] = float(i);
            kernel->backward({&x0, &x1}, out, gy, {nullptr, &g1}, ctx);
            const std::vector<float> expected = std::string(type) == "Add"
                                                    ? std::vector<float>{0, 1, 2, 3}
                                                    : std::vector<float>{2, 3, 6, 7};
            QCOMPARE(g1.toVector(), expected);
        }
    }

    void addMismatchNamesBothShapes()
    {
        const NodeAnalysis m = analyzeMerge("Add", image(16, 8, 8), image(32, 8, 8));
        QCOMPARE(m.status, NodeStatus::Error);
        for (const char *part : {"Add 'merge1'", "16×8×8", "32×8×8", "in0", "in1", "1×1 Conv2D"})
            QVERIFY2(contains(m.message, part),
                     (std::string(part) + " not in: " + m.message).c_str());
    }

    void addMismatchFlat()
    {
        const NodeAnalysis m = analyzeMerge("Add", {{"features", 4}}, {{"features", 5}});
        QCOMPARE(m.status, NodeStatus::Error);
        for (const char *part : {"4", "5", "in0", "in1", "Dense"})
            QVERIFY2(contains(m.message, part), m.message.c_str());
    }

    void concatMismatchedHeightWidth()
    {
        const NodeAnalysis m = analyzeMerge("Concat", image(8, 4, 4), image(8, 5, 5));
        QCOMPARE(m.status, NodeStatus::Error);
        for (const char *part : {"Concat 'merge1'", "height and width", "8×4×4", "8×5×5", "in1"})
            QVERIFY2(contains(m.message, part), m.message.c_str());
    }

    void concatMismatchedRank()
    {
        const NodeAnalysis m = analyzeMerge("Concat", {{"features", 8}}, image(3, 4, 4));
        QCOMPARE(m.status, NodeStatus::Error);
        QVERIFY2(contains(m.message, "rank") && contains(m.message, "Flatten"), m.message.c_str());
    }

    void concatShapes()
    {
        const NodeAnalysis img = analyzeMerge("Concat", image(8, 4, 4), image(3, 4, 4));
        QCOMPARE(img.status, NodeStatus::Ok);
        QCOMPARE(img.output, (Shape{11, 4, 4}));
        QCOMPARE(img.flops, int64_t(0));
        const NodeAnalysis flat = analyzeMerge("Concat", {{"features", 4}}, {{"features", 5}});
        QCOMPARE(flat.status, NodeStatus::Ok);
        QCOMPARE(flat.output, Shape{9});
    }

    void inputsOneRefused()
    {
        for (const char *type : {"Add", "Concat"}) {
            Node n{"m", type, "m", {{"inputs", 1}}};
            try {
                LayerRegistry::instance().resolveParams(n);
                QFAIL("inputs 1 accepted");
            } catch (const ShapeError &e) {
                QVERIFY2(contains(e.what(), "'inputs'"), e.what());
                QVERIFY2(contains(e.what(), "between 2 and 8"), e.what());
            }
        }
    }

    void portsFollowInputs()
    {
        Graph g;
        g.addNode({"in", "Input", "in", {{"features", 4}}});
        g.addNode({"add", "Add", "add", {{"inputs", 3}}});
        QCOMPARE(g.inputPortCount(*g.find("add")), 3);
        QCOMPARE(QString::fromStdString(Graph::portName(*g.find("add"), 2, 3)), QString("in2"));
        g.connect({{"in", 0}, {"add", 0}});
        g.connect({{"in", 0}, {"add", 1}});
        // in2 left unconnected: the node says which port.
        const GraphAnalysis missing = analyze(g);
        const NodeAnalysis *a = missing.find("add");
        QCOMPARE(a->status, NodeStatus::Error);
        QVERIFY2(contains(a->message, "in2"), a->message.c_str());
        g.connect({{"in", 0}, {"add", 2}});
        GraphAnalysis ok = analyze(g);
        QVERIFY(ok.ok());
        QCOMPARE(ok.find("add")->flops, int64_t(2 * 4));
    }

    void skipConnectionAnalyses()
    {
        Graph g;
        g.addNode({"in", "Input", "in", {{"features", 8}}});
        g.addNode({"fc_a", "Dense", "fc_a", {{"units", 4}}});
        g.addNode({"fc_b", "Dense", "fc_b", {{"units", 4}}});
        g.addNode({"add", "Add", "add", {}});
        g.connect({{"in", 0}, {"fc_a", 0}});
        g.connect({{"in", 0}, {"fc_b", 0}});
        g.connect({{"fc_a", 0}, {"add", 0}});
        g.connect({{"fc_b", 0}, {"add", 1}});
        GraphAnalysis a = analyze(g);
        QVERIFY2(a.ok(), a.problems(g).empty() ? "" : a.problems(g).front().c_str());
        QCOMPARE(a.outputNode, std::string("add"));
        QCOMPARE(a.find("add")->output, Shape{4});
        QCOMPARE(QString::fromStdString(LayerRegistry::instance().get("Add").category),
                 QString("Merge"));
    }
};

QTEST_APPLESS_MAIN(TestMerge)
#include "test_merge.moc"
