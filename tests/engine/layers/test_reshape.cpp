// Reshape, Permute, ChannelShuffle and Slice: gradient checks on every backend for flat,
// matrix and image samples, oneDNN against the reference, hand values (ShuffleNet's channel
// order, a transpose, a slice whose gradient is zero outside it), and the shape errors that
// quote the shapes and parameters and say what would fit.

#include "layer_harness.h"
#include "strata/shape_inference.h"

#include <QtTest>

using namespace strata;
using namespace strata::testing;

namespace {

LayerCase moveCase(const std::string &type, const nlohmann::json &params, const Shape &in)
{
    LayerCase c;
    c.node = Node{"m", type, "m", params};
    c.inputShapes = {in};
    return c;
}

struct Row
{
    const char *name;
    const char *type;
    nlohmann::json params;
    Shape input; // batch included
};

std::vector<Row> rows()
{
    return {
        {"Reshape image to flat", "Reshape", {{"shape", "-1"}}, {2, 3, 4, 5}},
        {"Reshape image to matrix", "Reshape", {{"shape", "12, -1"}}, {2, 3, 4, 5}},
        {"Reshape flat to image", "Reshape", {{"shape", "3, 2, 2"}}, {3, 12}},
        {"Permute image to HWC", "Permute", {{"dims", "2, 3, 1"}}, {2, 3, 4, 5}},
        {"Permute image W and H", "Permute", {{"dims", "1, 3, 2"}}, {2, 3, 4, 5}},
        {"Permute matrix", "Permute", {{"dims", "2, 1"}}, {3, 4, 5}},
        {"ChannelShuffle image", "ChannelShuffle", {{"groups", 3}}, {2, 6, 3, 2}},
        {"ChannelShuffle features", "ChannelShuffle", {{"groups", 2}}, {3, 8}},
        {"ChannelShuffle one group", "ChannelShuffle", {{"groups", 1}}, {2, 4, 2, 2}},
        {"Slice channels", "Slice", {{"start", 1}, {"end", 4}}, {2, 6, 3, 4}},
        {"Slice width to the end", "Slice", {{"axis", 3}, {"start", 2}}, {2, 3, 4, 5}},
        {"Slice all of it", "Slice", {{"start", 0}}, {2, 3, 2, 2}},
        {"Slice features", "Slice", {{"start", 2}, {"end", 7}}, {3, 10}},
    };
}

void addRows(bool withBackend)
{
    QTest::addColumn<QString>("backend");
    QTest::addColumn<int>("row");
    const std::vector<Row> all = rows();
    for (const char *backend : {"reference", "cpu"}) {
        if (!withBackend && std::string(backend) == "reference")
            continue;
        for (size_t i = 0; i < all.size(); ++i)
            QTest::newRow((std::string(backend) + " " + all[i].name).c_str())
                << QString(backend) << int(i);
    }
}

LayerCase caseOf(int row)
{
    const Row r = rows()[static_cast<size_t>(row)];
    return moveCase(r.type, r.params, r.input);
}

void setRamp(Tensor &t)
{
    for (int64_t i = 0; i < t.numel(); ++i)
        t.data()[i] = float(i);
}

Tensor ramp(const Shape &s)
{
    Tensor t(s);
    setRamp(t);
    return t;
}

// The shape rule's message for one node of `type` after an Input of `input` (per sample).
std::string shapeError(const std::string &type, const nlohmann::json &params, const Shape &input)
{
    Graph g;
    nlohmann::json in =
        input.size() == 1
            ? nlohmann::json{{"features", input[0]}}
            : nlohmann::json{{"channels", input[0]}, {"height", input[1]}, {"width", input[2]}};
    g.addNode({"x", "Input", "x", in});
    g.addNode({"m", type, "move", params});
    g.connect({{"x", 0}, {"m", 0}});
    const GraphAnalysis analysis = analyze(g);
    const NodeAnalysis *a = analysis.find("m");
    return a ? a->message : "no analysis";
}

void addBackendRows()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("reference") << QString("reference");
    QTest::newRow("cpu") << QString("cpu");
}

} // namespace

class TestReshape : public QObject
{
    Q_OBJECT

private slots:
    void gradients_data() { addRows(true); }
    void gradients()
    {
        QFETCH(QString, backend);
        QFETCH(int, row);
        std::string worst;
        const double err = gradientCheckError(caseOf(row), backend.toStdString(), &worst);
        QVERIFY2(err < 5e-3, worst.c_str());
    }

    void matchesReference_data() { addRows(false); }
    void matchesReference()
    {
        QFETCH(int, row);
        std::string report;
        const double err = referenceComparisonError(caseOf(row), "cpu", &report);
        QVERIFY2(err < 1e-6, report.c_str());
    }

    // ShuffleNet's order: with 2 groups of 3, channels 0 1 2 | 3 4 5 become 0 3 1 4 2 5, as
    // torch.nn.ChannelShuffle(2) gives; the gradient goes back where it came from.
    void channelShuffleOrder_data() { addBackendRows(); }
    void channelShuffleOrder()
    {
        QFETCH(QString, backend);
        LayerHarness h(moveCase("ChannelShuffle", {{"groups", 2}}, {1, 6, 1, 2}),
                       backend.toStdString());
        setRamp(h.inputs[0]);
        h.forward();
        QCOMPARE(h.output.toVector(), (std::vector<float>{0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11}));
        h.backward(ramp({1, 6, 1, 2}));
        QCOMPARE(h.inputGrads[0].toVector(),
                 (std::vector<float>{0, 1, 4, 5, 8, 9, 2, 3, 6, 7, 10, 11}));
    }

    void permuteValues_data() { addBackendRows(); }
    void permuteValues()
    {
        QFETCH(QString, backend);
        LayerHarness h(moveCase("Permute", {{"dims", "2, 1"}}, {2, 2, 3}), backend.toStdString());
        QCOMPARE(h.outputShape, (Shape{2, 3, 2}));
        setRamp(h.inputs[0]);
        h.forward();
        QCOMPARE(h.output.toVector(), (std::vector<float>{0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11}));
        h.backward(h.output);
        QCOMPARE(h.inputGrads[0].toVector(), ramp({2, 2, 3}).toVector());
    }

    // Slice keeps its range; the input gradient is zero where nothing was read.
    void sliceValues_data() { addBackendRows(); }
    void sliceValues()
    {
        QFETCH(QString, backend);
        LayerHarness h(moveCase("Slice", {{"start", 1}, {"end", 3}}, {2, 4, 1, 1}),
                       backend.toStdString());
        QCOMPARE(h.outputShape, (Shape{2, 2, 1, 1}));
        setRamp(h.inputs[0]);
        h.forward();
        QCOMPARE(h.output.toVector(), (std::vector<float>{1, 2, 5, 6}));
        h.inputGrads[0].fill(9);
        h.backward(Tensor::fromVector({2, 2, 1, 1}, {10, 20, 30, 40}));
        QCOMPARE(h.inputGrads[0].toVector(), (std::vector<float>{0, 10, 20, 0, 0, 30, 40, 0}));
    }

    void reshapeKeepsOrder()
    {
        LayerHarness h(moveCase("Reshape", {{"shape", "2, 3 × 2"}}, {2, 12}), "cpu");
        QCOMPARE(h.outputShape, (Shape{2, 2, 3, 2}));
        setRamp(h.inputs[0]);
        h.forward();
        QCOMPARE(h.output.toVector(), ramp({2, 12}).toVector());
    }

    void shapes()
    {
        Graph g;
        g.addNode({"x", "Input", "x", {{"channels", 6}, {"height", 4}, {"width", 5}}});
        const std::vector<std::pair<Node, Shape>> nodes{
            {{"r", "Reshape", "r", {{"shape", "-1, 10"}}}, {12, 10}},
            {{"p", "Permute", "p", {{"dims", "3, 1, 2"}}}, {5, 6, 4}},
            {{"s", "ChannelShuffle", "s", {{"groups", 3}}}, {6, 4, 5}},
            {{"c", "Slice", "c", {{"axis", 2}, {"start", 1}, {"end", 3}}}, {6, 2, 5}},
            {{"d", "Reshape", "d", {}}, {120}}};
        for (const auto &[n, shape] : nodes) {
            g.addNode(n);
            g.connect({{"x", 0}, {n.id, 0}});
        }
        const GraphAnalysis a = analyze(g);
        for (const auto &[n, shape] : nodes) {
            QVERIFY2(a.find(n.id)->message.empty(), a.find(n.id)->message.c_str());
            QCOMPARE(a.find(n.id)->output, shape);
            QCOMPARE(a.find(n.id)->params, int64_t(0));
        }
    }

    // Every refusal names the node, quotes what it got and says what would fit.
    void shapeErrors_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("params");
        QTest::addColumn<QString>("input");
        QTest::addColumn<QStringList>("needles");
        const auto row = [](const char *name, const char *type, const char *params,
                            const char *input, QStringList needles) {
            QTest::newRow(name) << QString(type) << QString(params) << QString(input) << needles;
        };
        row("reshape count", "Reshape", R"({"shape": "10, 10, 10"})", "64 5 5",
            {"Reshape 'move'", "64×5×5 (1600 values)", "10, 10, 10", "as many values", "-1"});
        row("reshape indivisible", "Reshape", R"({"shape": "7, -1"})", "3 2 2",
            {"cannot lay 3×2×2 (12 values) out as 7, -1", "multiply to 7", "does not divide 12"});
        row("reshape two unknowns", "Reshape", R"({"shape": "-1, -1"})", "12",
            {"more than one -1"});
        row("reshape zero", "Reshape", R"({"shape": "0, 12"})", "12", {"size 0", "positive"});
        row("reshape text", "Reshape", R"({"shape": "four by four"})", "16",
            {"'four by four'", "not a list of whole numbers", "e.g. 16, 4, 4"});
        row("reshape empty", "Reshape", R"({"shape": " "})", "16", {"has no shape"});
        row("reshape long text", "Reshape",
            R"({"shape": "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, oops"})", "16",
            {"'1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1…'", "more than 6 numbers"});
        row("reshape long text cut at a character", "Reshape",
            R"({"shape": "  1 × 2 × 3 × 4 × 5 × 6 × 7 × 8 × 9 × 10 × 11"})", "16",
            {"'  1 × 2 × 3 × 4 × 5 × 6 × 7 × 8 …'"});
        row("permute not a permutation", "Permute", R"({"dims": "2, 2, 1"})", "3 4 5",
            {"Permute 'move'", "dims 2, 2, 1", "3×4×5", "each of its 3 axes once"});
        row("permute rank", "Permute", R"({"dims": "2, 3, 1"})", "12",
            {"dims 2, 3, 1 for a 12 input", "each of its 1 axes"});
        row("shuffle groups", "ChannelShuffle", R"({"groups": 4})", "6 2 2",
            {"ChannelShuffle 'move'", "6 channels in 4 groups", "divides 6"});
        row("slice axis", "Slice", R"({"axis": 2})", "10",
            {"Slice 'move'", "axis 2 of a 10 input", "1 axis"});
        row("slice range", "Slice", R"({"start": 4, "end": 9})", "6 2 2",
            {"keeps 4 to 9 of axis 1, which has 6", "0 ≤ start < end ≤ 6"});
        row("slice empty", "Slice", R"({"start": 6})", "6 2 2", {"keeps 6 to 6"});
    }
    void shapeErrors()
    {
        QFETCH(QString, type);
        QFETCH(QString, params);
        QFETCH(QString, input);
        QFETCH(QStringList, needles);
        Shape in;
        for (const QString &d : input.split(' '))
            in.push_back(d.toLongLong());
        const std::string error =
            shapeError(type.toStdString(), nlohmann::json::parse(params.toStdString()), in);
        for (const QString &needle : needles) {
            const std::string report = error + "\n  lacks: " + needle.toStdString();
            QVERIFY2(error.find(needle.toStdString()) != std::string::npos, report.c_str());
        }
    }
};

QTEST_APPLESS_MAIN(TestReshape)
#include "test_reshape.moc"
