// The model.summary() equivalent: rows, the formatted table with its totals, and the number
// formatting it uses.

#include "qtest_strings.h"
#include "source_dir.h"
#include "strata/project.h"
#include "strata/summary.h"

#include <QtTest>

#include <filesystem>
#include <limits>
#include <sstream>
#include <string>

using namespace strata;

namespace {

using strata::test::sourceDir;

bool contains(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

std::vector<std::string> lines(const std::string &text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

// Display width of UTF-8 text.
size_t width(const std::string &s)
{
    size_t w = 0;
    for (unsigned char c : s)
        w += (c & 0xC0) != 0x80;
    return w;
}

Graph skipModel()
{
    Graph g;
    g.addNode({"in", "Input", "in", {{"features", 8}}});
    g.addNode({"fc", "Dense", "fc", {{"units", 8}}});
    g.addNode({"relu", "ReLU", "relu", {}});
    g.addNode({"add", "Add", "sum", {}});
    g.connect({{"in", 0}, {"fc", 0}});
    g.connect({{"fc", 0}, {"relu", 0}});
    g.connect({{"relu", 0}, {"add", 0}});
    g.connect({{"fc", 0}, {"add", 1}});
    return g;
}

} // namespace

class TestSummary : public QObject
{
    Q_OBJECT

private slots:
    void mnistCnnSummary()
    {
        const Project p = loadProject(sourceDir() + "/projects/keras_mnist_cnn.strata");
        const GraphAnalysis a = analyze(p.graph);
        QVERIFY(a.ok());
        const std::string text = formatSummary(p.name, p.graph, a);
        QVERIFY2(text.rfind("Model: \"Keras MNIST CNN on Fashion-MNIST\"\n", 0) == 0, text.c_str());
        for (const Node &n : p.graph.nodes())
            QVERIFY2(contains(text, n.name + " (" + n.type + ")"), (n.name + "\n" + text).c_str());
        for (const char *part :
             {"Total params: 9,467,274\n", "Trainable params: 9,467,274\n",
              "Non-trainable params: 0\n", "FLOPs per sample (forward): 40.67 M\n",
              "(None, 1×28×28)", "(None, 32×26×26)", "(None, 64×12×12)", "(None, 9216)",
              "9,438,208", "18,496", "10,250", "320"})
            QVERIFY2(contains(text, part), (std::string(part) + "\n" + text).c_str());
        QVERIFY2(!contains(text, "!"), text.c_str());
    }

    void tableIsAligned()
    {
        const Project p = loadProject(sourceDir() + "/projects/keras_mnist_cnn.strata");
        const std::string text = formatSummary(p.name, p.graph, analyze(p.graph));
        const auto ls = lines(text);
        QVERIFY(ls.size() > 4);
        const size_t total = width(ls[1]); // the first rule
        QVERIFY(total > 40);
        // Title, then every line of the table, rules included, has the rule's width.
        size_t tableLines = 0;
        for (size_t i = 1; i < ls.size(); ++i) {
            if (ls[i].rfind("Total params", 0) == 0)
                break;
            QVERIFY2(width(ls[i]) == total, ls[i].c_str());
            ++tableLines;
        }
        // Rule, header, rule, 11 layers, rule.
        QCOMPARE(tableLines, size_t(3 + p.graph.nodes().size() + 1));
        // Parameter counts are right-aligned in one column (display columns: × is 2 bytes).
        auto columnAfter = [](const std::string &line, const std::string &part) {
            return width(line.substr(0, line.find(part) + part.size()));
        };
        QVERIFY2(contains(ls[5], "conv2d (Conv2D)"), ls[5].c_str());
        QVERIFY2(contains(ls[11], "dense (Dense)"), ls[11].c_str());
        QCOMPARE(columnAfter(ls[5], " 320 "), columnAfter(ls[11], " 9,438,208 "));
    }

    void rows()
    {
        const Graph g = skipModel();
        const auto rows = summaryRows(g, analyze(g));
        QCOMPARE(rows.size(), size_t(4));
        QCOMPARE(rows[0].name, std::string("in"));
        QCOMPARE(rows[0].type, std::string("Input"));
        QCOMPARE(rows[0].outputShape, std::string("(None, 8)"));
        QCOMPARE(rows[0].connectedTo, std::string());
        QCOMPARE(rows[1].params, int64_t(72));
        QCOMPARE(rows[1].flops, int64_t(2 * 64 + 8));
        QCOMPARE(rows[3].name, std::string("sum")); // the name, not the id
        QCOMPARE(rows[3].type, std::string("Add"));
        QCOMPARE(rows[3].connectedTo, std::string("relu, fc"));
        for (const auto &r : rows)
            QVERIFY(r.problem.empty());
    }

    void rowsFollowTopologicalOrder()
    {
        Graph g;
        g.addNode({"relu", "ReLU", "relu", {}});
        g.addNode({"fc", "Dense", "fc", {{"units", 3}}});
        g.addNode({"in", "Input", "in", {{"features", 2}}});
        g.connect({{"in", 0}, {"fc", 0}});
        g.connect({{"fc", 0}, {"relu", 0}});
        const auto rows = summaryRows(g, analyze(g));
        QCOMPARE(rows.size(), size_t(3));
        QCOMPARE(rows[0].name, std::string("in"));
        QCOMPARE(rows[1].name, std::string("fc"));
        QCOMPARE(rows[2].name, std::string("relu"));
    }

    void brokenModelShowsProblems()
    {
        Graph g;
        g.addNode({"in", "Input", "in", {{"channels", 1}, {"height", 8}, {"width", 8}}});
        g.addNode({"fc1", "Dense", "fc1", {{"units", 4}}});
        g.addNode({"act", "ReLU", "act", {}});
        g.addNode({"stray", "Dense", "stray", {}});
        g.connect({{"in", 0}, {"fc1", 0}});
        g.connect({{"fc1", 0}, {"act", 0}});
        const GraphAnalysis a = analyze(g);
        const auto rows = summaryRows(g, a);
        QCOMPARE(rows[1].outputShape, std::string("?"));
        QVERIFY2(contains(rows[1].problem, "insert a Flatten"), rows[1].problem.c_str());
        // Blocked: nothing to fix there, so no problem of its own.
        QCOMPARE(rows[2].outputShape, std::string("?"));
        QVERIFY(rows[2].problem.empty());
        const std::string text = formatSummary("broken", g, a);
        QVERIFY2(contains(text, "    ! Dense 'fc1' needs a flat input"), text.c_str());
        QVERIFY2(contains(text, "input 'in' is not connected"), text.c_str());
        QVERIFY2(contains(text, "! The model has 2 unconnected outputs"), text.c_str());
        QVERIFY2(contains(text, "Total params: 0\n"), text.c_str());
    }

    void nonTrainableCounted()
    {
        Graph g;
        g.addNode({"in", "Input", "in", {{"channels", 3}, {"height", 4}, {"width", 4}}});
        g.addNode({"bn", "BatchNorm", "bn", {}});
        g.connect({{"in", 0}, {"bn", 0}});
        const std::string text = formatSummary("bn", g, analyze(g));
        QVERIFY2(contains(text, "Total params: 12\n"), text.c_str());
        QVERIFY2(contains(text, "Trainable params: 6\n"), text.c_str());
        QVERIFY2(contains(text, "Non-trainable params: 6\n"), text.c_str());
    }

    void groupThousands_data()
    {
        QTest::addColumn<qint64>("value");
        QTest::addColumn<QString>("text");
        QTest::newRow("0") << qint64(0) << "0";
        QTest::newRow("7") << qint64(7) << "7";
        QTest::newRow("999") << qint64(999) << "999";
        QTest::newRow("1000") << qint64(1000) << "1,000";
        QTest::newRow("12345") << qint64(12345) << "12,345";
        QTest::newRow("100000") << qint64(100000) << "100,000";
        QTest::newRow("mnist cnn") << qint64(9467274) << "9,467,274";
        QTest::newRow("negative") << qint64(-1234567) << "-1,234,567";
        QTest::newRow("-999") << qint64(-999) << "-999";
        QTest::newRow("max") << std::numeric_limits<qint64>::max() << "9,223,372,036,854,775,807";
        QTest::newRow("min") << std::numeric_limits<qint64>::min() << "-9,223,372,036,854,775,808";
    }
    void groupThousands()
    {
        QFETCH(qint64, value);
        QFETCH(QString, text);
        QCOMPARE(strata::groupThousands(value), text.toStdString());
    }

    void humanCount_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("text");
        QTest::newRow("0") << 0.0 << "0";
        QTest::newRow("40") << 40.0 << "40";
        QTest::newRow("999") << 999.0 << "999";
        QTest::newRow("999.6 rounds up a unit") << 999.6 << "1.00 K";
        QTest::newRow("1000") << 1000.0 << "1.00 K";
        QTest::newRow("1234") << 1234.0 << "1.23 K";
        QTest::newRow("999994") << 999994.0 << "999.99 K";
        QTest::newRow("999999 rounds up a unit") << 999999.0 << "1.00 M";
        QTest::newRow("mnist cnn flops") << 40673842.0 << "40.67 M";
        QTest::newRow("1.5e9") << 1.5e9 << "1.50 G";
        QTest::newRow("2e12") << 2e12 << "2.00 T";
        QTest::newRow("beyond T stays T") << 5e15 << "5000.00 T";
    }
    void humanCount()
    {
        QFETCH(double, value);
        QFETCH(QString, text);
        QCOMPARE(strata::humanCount(value), text.toStdString());
    }
};

QTEST_APPLESS_MAIN(TestSummary)
#include "test_summary.moc"
