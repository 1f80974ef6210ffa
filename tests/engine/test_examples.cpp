// The example projects in projects/: each loads, analyses cleanly, and reports the parameter
// counts Keras and PyTorch report for the same model, in total and layer by layer. The
// per-layer counts are computed here from the layer formulas, not copied from the engine.

#include "qtest_strings.h"
#include "source_dir.h"
#include "strata/project.h"
#include "strata/shape_inference.h"
#include "strata/summary.h"

#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>

using namespace strata;

namespace {

using strata::test::sourceDir;

// Keras Dense / PyTorch Linear: a weight per input and unit, a bias per unit.
constexpr int64_t dense(int64_t inputs, int64_t units)
{
    return inputs * units + units;
}
// Conv2D: a k×k filter per input and output channel, a bias per output channel.
constexpr int64_t conv(int64_t inChannels, int64_t filters, int64_t k)
{
    return inChannels * k * k * filters + filters;
}

struct Expected
{
    int64_t total;                             // what Keras / PyTorch report
    std::map<std::string, int64_t> layers;     // nodes with weights
    std::map<std::string, std::string> shapes; // output shapes worth checking
};

const std::map<std::string, Expected> &expectations()
{
    static const std::map<std::string, Expected> e = {
        {"or_gate", {9, {{"hidden", dense(2, 2)}, {"out", dense(2, 1)}}, {{"out", "1"}}}},
        {"xor", {17, {{"hidden", dense(2, 4)}, {"out", dense(4, 1)}}, {{"sigmoid", "1"}}}},
        {"spirals",
         {1'218,
          {{"fc1", dense(2, 32)}, {"fc2", dense(32, 32)}, {"fc3", dense(32, 2)}},
          {{"softmax", "2"}}}},
        {"keras_mlp_dummy",
         {2'762, {{"dense", dense(32, 64)}, {"dense_1", dense(64, 10)}}, {{"softmax", "10"}}}},
        {"keras_mnist_cnn",
         {9'467'274,
          {{"conv2d", conv(1, 32, 3)},
           {"conv2d_1", conv(32, 64, 3)},
           {"dense", dense(12 * 12 * 64, 1024)},
           {"dense_1", dense(1024, 10)}},
          {{"conv2d", "32×26×26"},
           {"conv2d_1", "64×24×24"},
           {"max_pooling2d", "64×12×12"},
           {"flatten", "9216"},
           {"softmax", "10"}}}},
        {"keras_cifar10_cnn",
         {122'570,
          {{"conv2d", conv(3, 32, 3)},
           {"conv2d_1", conv(32, 64, 3)},
           {"conv2d_2", conv(64, 64, 3)},
           {"dense", dense(4 * 4 * 64, 64)},
           {"dense_1", dense(64, 10)}},
          {{"conv2d", "32×30×30"},
           {"max_pooling2d", "32×15×15"},
           {"conv2d_1", "64×13×13"},
           {"max_pooling2d_1", "64×6×6"},
           {"conv2d_2", "64×4×4"},
           {"flatten", "1024"},
           {"dense_1", "10"}}}},
        {"shapes_folder",
         {78'787,
          {{"conv1", conv(1, 16, 3)},
           {"conv2", conv(16, 32, 3)},
           {"fc1", dense(32 * 6 * 6, 64)},
           {"fc2", dense(64, 3)}},
          {{"conv1", "16×30×30"},
           {"pool1", "16×15×15"},
           {"conv2", "32×13×13"},
           {"pool2", "32×6×6"},
           {"flatten", "1152"},
           {"softmax", "3"}}}},
        {"pytorch_cifar10_lenet",
         {62'006,
          {{"conv1", conv(3, 6, 5)},
           {"conv2", conv(6, 16, 5)},
           {"fc1", dense(16 * 5 * 5, 120)},
           {"fc2", dense(120, 84)},
           {"fc3", dense(84, 10)}},
          {{"conv1", "6×28×28"},
           {"pool1", "6×14×14"},
           {"conv2", "16×10×10"},
           {"pool2", "16×5×5"},
           {"flatten", "400"},
           {"fc3", "10"}}}},
    };
    return e;
}

// The figures the brief quotes, spelled out so that a wrong formula above shows up too.
static_assert(conv(1, 32, 3) == 320 && conv(32, 64, 3) == 18'496);
static_assert(dense(9216, 1024) == 9'438'208 && dense(1024, 10) == 10'250);
static_assert(320 + 18'496 + 9'438'208 + 10'250 == 9'467'274);
static_assert(16 * 2 + 16 + 16 * 16 + 16 + 16 * 2 + 2 == 354);
static_assert(dense(32, 64) + dense(64, 10) == 2'762);
static_assert(conv(3, 6, 5) + conv(6, 16, 5) + dense(400, 120) + dense(120, 84) + dense(84, 10) ==
              62'006);
static_assert(conv(1, 16, 3) + conv(16, 32, 3) + dense(1152, 64) + dense(64, 3) == 78'787);
static_assert(conv(3, 32, 3) + conv(32, 64, 3) + conv(64, 64, 3) + dense(1024, 64) +
                  dense(64, 10) ==
              122'570);

} // namespace

class TestExamples : public QObject
{
    Q_OBJECT

private slots:
    void everyExampleHasExpectations()
    {
        std::vector<std::string> found;
        for (const auto &entry : std::filesystem::directory_iterator(sourceDir() + "/projects"))
            if (entry.path().extension() == ".strata")
                found.push_back(entry.path().stem().string());
        QVERIFY2(!found.empty(), (sourceDir() + "/projects holds no .strata file").c_str());
        for (const std::string &name : found)
            QVERIFY2(expectations().count(name),
                     (name + ".strata has no expected parameter counts here").c_str());
        for (const auto &[name, expected] : expectations())
            QVERIFY2(std::find(found.begin(), found.end(), name) != found.end(),
                     (name + ".strata is missing from projects/").c_str());
    }

    void example_data()
    {
        QTest::addColumn<QString>("name");
        for (const auto &[name, expected] : expectations())
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }
    void example()
    {
        QFETCH(QString, name);
        const Expected &expected = expectations().at(name.toStdString());
        const Project p = loadProject(sourceDir() + "/projects/" + name.toStdString() + ".strata");
        const GraphAnalysis a = analyze(p.graph);
        std::string problems;
        for (const auto &line : a.problems(p.graph))
            problems += line + "\n";
        QVERIFY2(a.ok(), problems.c_str());

        // The layer counts add up to the framework's total...
        int64_t sum = 0;
        for (const auto &[id, params] : expected.layers)
            sum += params;
        QCOMPARE(sum, expected.total);
        // ...and the engine agrees, layer by layer and in total.
        for (const auto &[id, params] : expected.layers) {
            const NodeAnalysis *n = a.find(id);
            QVERIFY2(n, id.c_str());
            QVERIFY2(n->params == params, (id + ": " + std::to_string(n->params) +
                                           " parameters, expected " + std::to_string(params))
                                              .c_str());
        }
        for (const NodeAnalysis &n : a.nodes)
            if (!expected.layers.count(n.id))
                QVERIFY2(n.params == 0, (n.id + " has unexpected parameters").c_str());
        QCOMPARE(a.totalParams, expected.total);
        QCOMPARE(a.trainableParams, expected.total);
        for (const auto &[id, shape] : expected.shapes) {
            QVERIFY2(a.find(id), id.c_str());
            QCOMPARE(toString(a.find(id)->output), shape);
        }
        // One input, one output: the first and last node of the chain.
        QCOMPARE(a.inputNode, p.graph.nodes().front().id);
        QCOMPARE(a.outputNode, p.graph.nodes().back().id);
        QVERIFY(a.totalFlops > 0);

        const std::string text = formatSummary(p.name, p.graph, a);
        QVERIFY2(text.find("Total params: " + groupThousands(expected.total) + "\n") !=
                     std::string::npos,
                 text.c_str());
        // A project the gallery opens is complete enough to train.
        QVERIFY(!p.name.empty() && !p.description.empty());
        QVERIFY(p.training.epochs >= 1);
        QVERIFY(p.ui.contains("positions"));
    }
};

QTEST_APPLESS_MAIN(TestExamples)
#include "test_examples.moc"
