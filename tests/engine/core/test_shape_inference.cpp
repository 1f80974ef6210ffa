// Shape inference: per-node shapes, parameters and FLOPs of the Keras MNIST CNN; errors that
// name the node and say how to fix it; Blocked nodes downstream of an error; graph-level
// problems; parameter validation messages; and a guard that analysis stays fast.

#include "qtest_strings.h"
#include "strata/shape_inference.h"

#include <QtTest>

#include <chrono>
#include <ctime>
#include <string>

using namespace strata;
using json = nlohmann::json;

namespace {

bool contains(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

// Links the nodes in order, each output into the next node's first input.
Graph chain(const std::vector<Node> &nodes)
{
    Graph g;
    for (const Node &n : nodes)
        g.addNode(n);
    for (size_t i = 1; i < nodes.size(); ++i)
        g.connect({{nodes[i - 1].id, 0}, {nodes[i].id, 0}});
    return g;
}

Node image(int64_t c, int64_t h, int64_t w)
{
    return {"input", "Input", "input", {{"channels", c}, {"height", h}, {"width", w}}};
}

Node features(int64_t n)
{
    return {"input", "Input", "input", {{"features", n}}};
}

// The Keras MNIST CNN example, layer for layer.
Graph mnistCnn()
{
    return chain({image(1, 28, 28),
                  {"conv2d", "Conv2D", "conv2d", {{"filters", 32}, {"kernel", 3}}},
                  {"relu", "ReLU", "relu", {}},
                  {"conv2d_1", "Conv2D", "conv2d_1", {{"filters", 64}, {"kernel", 3}}},
                  {"relu_1", "ReLU", "relu_1", {}},
                  {"max_pooling2d", "MaxPool2D", "max_pooling2d", {{"pool", 2}}},
                  {"flatten", "Flatten", "flatten", {}},
                  {"dense", "Dense", "dense", {{"units", 1024}}},
                  {"relu_2", "ReLU", "relu_2", {}},
                  {"dense_1", "Dense", "dense_1", {{"units", 10}}},
                  {"softmax", "Softmax", "softmax", {}}});
}

// The node's analysis, failing the test when it is missing.
const NodeAnalysis &nodeOf(const GraphAnalysis &a, const std::string &id)
{
    const NodeAnalysis *n = a.find(id);
    if (!n)
        qFatal("no analysis for node '%s'", id.c_str());
    return *n;
}

// CPU time of this thread: on a loaded machine it shows the cost that wall time hides.
double threadCpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

std::string joined(const std::vector<std::string> &lines)
{
    std::string s;
    for (const auto &l : lines)
        s += l + "\n";
    return s;
}

} // namespace

class TestShapeInference : public QObject
{
    Q_OBJECT

private slots:
    void mnistCnnPerNode_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("shape");
        QTest::addColumn<qint64>("params");
        QTest::addColumn<qint64>("flops");
        // Conv: 2·C·k²·F per position plus a bias add; Dense: 2·in·units + units;
        // activations one op per value; max-pool reads pool² values per output.
        QTest::newRow("input") << "input"
                               << "1×28×28" << qint64(0) << qint64(0);
        QTest::newRow("conv2d") << "conv2d"
                                << "32×26×26" << qint64(32 * 9 + 32)
                                << qint64(2 * 9 * 32 * 676 + 32 * 676);
        QTest::newRow("relu") << "relu"
                              << "32×26×26" << qint64(0) << qint64(32 * 676);
        QTest::newRow("conv2d_1") << "conv2d_1"
                                  << "64×24×24" << qint64(32 * 9 * 64 + 64)
                                  << qint64(2 * 32 * 9 * 64 * 576 + 64 * 576);
        QTest::newRow("relu_1") << "relu_1"
                                << "64×24×24" << qint64(0) << qint64(64 * 576);
        QTest::newRow("max_pooling2d") << "max_pooling2d"
                                       << "64×12×12" << qint64(0) << qint64(64 * 144 * 4);
        QTest::newRow("flatten") << "flatten"
                                 << "9216" << qint64(0) << qint64(0);
        QTest::newRow("dense") << "dense"
                               << "1024" << qint64(9216 * 1024 + 1024)
                               << qint64(2 * 9216 * 1024 + 1024);
        QTest::newRow("relu_2") << "relu_2"
                                << "1024" << qint64(0) << qint64(1024);
        QTest::newRow("dense_1") << "dense_1"
                                 << "10" << qint64(1024 * 10 + 10) << qint64(2 * 1024 * 10 + 10);
        QTest::newRow("softmax") << "softmax"
                                 << "10" << qint64(0) << qint64(40);
    }
    void mnistCnnPerNode()
    {
        QFETCH(QString, id);
        QFETCH(QString, shape);
        QFETCH(qint64, params);
        QFETCH(qint64, flops);
        const Graph g = mnistCnn();
        const GraphAnalysis a = analyze(g);
        const NodeAnalysis &n = nodeOf(a, id.toStdString());
        QCOMPARE(n.status, NodeStatus::Ok);
        QVERIFY(n.message.empty());
        QCOMPARE(toString(n.output), shape.toStdString());
        QCOMPARE(n.params, int64_t(params));
        QCOMPARE(n.trainableParams, int64_t(params));
        QCOMPARE(n.flops, int64_t(flops));
        QVERIFY(n.resolvedParams.is_object());
    }

    void mnistCnnTotals()
    {
        const Graph g = mnistCnn();
        const GraphAnalysis a = analyze(g);
        QVERIFY2(a.ok(), joined(a.problems(g)).c_str());
        QVERIFY(a.errors.empty());
        QVERIFY(a.problems(g).empty());
        QCOMPARE(a.totalParams, int64_t(9'467'274));
        QCOMPARE(a.trainableParams, int64_t(9'467'274));
        QCOMPARE(a.totalFlops, int64_t(40'673'842));
        QCOMPARE(a.inputNode, std::string("input"));
        QCOMPARE(a.outputNode, std::string("softmax"));
        QCOMPARE(a.nodes.size(), g.nodes().size());
        // In graph order.
        for (size_t i = 0; i < g.nodes().size(); ++i)
            QCOMPARE(a.nodes[i].id, g.nodes()[i].id);
        // The inputs seen by a node are its producers' outputs.
        QCOMPARE(nodeOf(a, "dense").inputs, (std::vector<Shape>{{9216}}));
        // Defaults are filled in.
        QCOMPARE(nodeOf(a, "conv2d").resolvedParams.at("stride").get<int>(), 1);
        QCOMPARE(nodeOf(a, "conv2d").resolvedParams.at("padding").get<std::string>(),
                 std::string("valid"));
    }

    void skipConnectionAndConcat()
    {
        Graph g = chain({features(8),
                         {"fc", "Dense", "fc", {{"units", 8}}},
                         {"relu", "ReLU", "relu", {}},
                         {"add", "Add", "add", {}}});
        g.connect({{"fc", 0}, {"add", 1}});
        g.addNode({"cat", "Concat", "cat", {}});
        g.connect({{"add", 0}, {"cat", 0}});
        g.connect({{"input", 0}, {"cat", 1}});
        const GraphAnalysis a = analyze(g);
        QVERIFY2(a.ok(), joined(a.problems(g)).c_str());
        QCOMPARE(nodeOf(a, "add").output, Shape{8});
        QCOMPARE(nodeOf(a, "add").flops, int64_t(8));
        QCOMPARE(nodeOf(a, "cat").output, Shape{16});
        QCOMPARE(nodeOf(a, "cat").inputs, (std::vector<Shape>{{8}, {8}}));
        QCOMPARE(a.outputNode, std::string("cat"));
    }

    void batchNormNonTrainable()
    {
        const Graph g = chain({image(3, 8, 8),
                               {"bn", "BatchNorm", "bn", {}},
                               {"flat", "Flatten", "flat", {}},
                               {"fc", "Dense", "fc", {{"units", 2}}}});
        const GraphAnalysis a = analyze(g);
        QVERIFY2(a.ok(), joined(a.problems(g)).c_str());
        // gamma, beta trainable; running mean and variance not.
        QCOMPARE(nodeOf(a, "bn").params, int64_t(12));
        QCOMPARE(nodeOf(a, "bn").trainableParams, int64_t(6));
        QCOMPARE(a.totalParams, int64_t(12 + 192 * 2 + 2));
        QCOMPARE(a.trainableParams, int64_t(6 + 192 * 2 + 2));
    }

    void denseAfterConvNeedsFlatten()
    {
        const Graph g = chain({image(1, 28, 28),
                               {"conv1", "Conv2D", "conv1", {{"filters", 8}, {"kernel", 3}}},
                               {"fc1", "Dense", "fc1", {{"units", 10}}},
                               {"act", "ReLU", "act", {}},
                               {"fc2", "Dense", "fc2", {{"units", 2}}}});
        const GraphAnalysis a = analyze(g);
        QVERIFY(!a.ok());
        QCOMPARE(nodeOf(a, "conv1").status, NodeStatus::Ok);
        const NodeAnalysis &fc = nodeOf(a, "fc1");
        QCOMPARE(fc.status, NodeStatus::Error);
        QVERIFY2(contains(fc.message, "Dense 'fc1'"), fc.message.c_str());
        QVERIFY2(contains(fc.message, "8×26×26"), fc.message.c_str());
        QVERIFY2(contains(fc.message, "insert a Flatten"), fc.message.c_str());
        QCOMPARE(fc.inputs, (std::vector<Shape>{{8, 26, 26}}));
        // Everything after the error waits for it; nothing there to fix.
        for (const char *id : {"act", "fc2"}) {
            const NodeAnalysis &n = nodeOf(a, id);
            QCOMPARE(n.status, NodeStatus::Blocked);
            QVERIFY2(!n.message.empty(), id);
            QCOMPARE(n.params, int64_t(0));
        }
        QVERIFY2(contains(nodeOf(a, "act").message, "'fc1'"), nodeOf(a, "act").message.c_str());
        QVERIFY2(contains(nodeOf(a, "fc2").message, "'act'"), nodeOf(a, "fc2").message.c_str());
        // Only the conv's weights are counted.
        QCOMPARE(a.totalParams, int64_t(8 * 9 + 8));
        // problems(): one line for the one node at fault, naming it once.
        const auto problems = a.problems(g);
        QCOMPARE(problems.size(), size_t(1));
        QVERIFY2(problems[0].rfind("Dense 'fc1' needs a flat input", 0) == 0, problems[0].c_str());
    }

    void shapeErrors_data()
    {
        QTest::addColumn<QByteArray>("inputParams");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QByteArray>("params");
        QTest::addColumn<QStringList>("fragments");
        QTest::newRow("Conv2D on a flat input")
            << QByteArray(R"({"features": 10})") << "Conv2D" << QByteArray("{}")
            << QStringList{"Conv2D 'layer'", "needs an image input", "receives 10",
                           "give the Input node channels, height and width"};
        QTest::newRow("kernel larger than the input")
            << QByteArray(R"({"channels": 1, "height": 5, "width": 5})") << "Conv2D"
            << QByteArray(R"({"kernel": 7})")
            << QStringList{"Conv2D 'layer'", "5×5", "7×7 kernel", "padding to \"same\"",
                           "at most 5"};
        QTest::newRow("kernel larger than one side")
            << QByteArray(R"({"channels": 3, "height": 4, "width": 9})") << "Conv2D"
            << QByteArray(R"({"kernel": 5})") << QStringList{"4×9", "at most 4"};
        QTest::newRow("pool window larger than the input")
            << QByteArray(R"({"channels": 2, "height": 3, "width": 3})") << "MaxPool2D"
            << QByteArray(R"({"pool": 4})")
            << QStringList{"MaxPool2D 'layer'", "4×4 pool window", "at most 3"};
        QTest::newRow("pooling a flat input")
            << QByteArray(R"({"features": 16})") << "AvgPool2D" << QByteArray("{}")
            << QStringList{"AvgPool2D 'layer'", "needs an image input", "receives 16"};
        QTest::newRow("Dense on an image")
            << QByteArray(R"({"channels": 3, "height": 4, "width": 4})") << "Dense"
            << QByteArray("{}") << QStringList{"Dense 'layer'", "3×4×4", "insert a Flatten"};
        QTest::newRow("half an image shape")
            << QByteArray(R"({"channels": 3, "height": 0, "width": 4})") << "ReLU"
            << QByteArray("{}") << QStringList{"Input 'input'", "all above 0"};
    }
    void shapeErrors()
    {
        QFETCH(QByteArray, inputParams);
        QFETCH(QString, type);
        QFETCH(QByteArray, params);
        QFETCH(QStringList, fragments);
        const Graph g =
            chain({{"input", "Input", "input", json::parse(inputParams.toStdString())},
                   {"layer", type.toStdString(), "layer", json::parse(params.toStdString())}});
        const GraphAnalysis a = analyze(g);
        QVERIFY(!a.ok());
        const auto problems = a.problems(g);
        QCOMPARE(problems.size(), size_t(1));
        for (const QString &f : fragments)
            QVERIFY2(contains(problems[0], f.toStdString()), problems[0].c_str());
    }

    void samePaddingFixesLargeKernel()
    {
        const Graph g =
            chain({image(1, 5, 5),
                   {"c", "Conv2D", "c", {{"filters", 8}, {"kernel", 7}, {"padding", "same"}}}});
        const GraphAnalysis a = analyze(g);
        QVERIFY2(a.ok(), joined(a.problems(g)).c_str());
        QCOMPARE(nodeOf(a, "c").output, (Shape{8, 5, 5}));
    }

    void unconnectedInputPort()
    {
        Graph g =
            chain({features(4), {"fc", "Dense", "fc", {{"units", 4}}}, {"add", "Add", "add", {}}});
        const GraphAnalysis a = analyze(g);
        const NodeAnalysis &add = nodeOf(a, "add");
        QCOMPARE(add.status, NodeStatus::Error);
        QVERIFY2(contains(add.message, "'in1' is not connected"), add.message.c_str());
        QVERIFY2(contains(add.message, "link"), add.message.c_str());
        const auto problems = a.problems(g);
        QCOMPARE(problems.size(), size_t(1));
        QVERIFY2(problems[0].rfind("Add 'add': input 'in1'", 0) == 0, problems[0].c_str());

        // A one-input layer names its port "in".
        Graph lone;
        lone.addNode(features(4));
        lone.addNode({"fc", "Dense", "fc", {}});
        const GraphAnalysis b = analyze(lone);
        QCOMPARE(nodeOf(b, "fc").status, NodeStatus::Error);
        QVERIFY2(contains(nodeOf(b, "fc").message, "input 'in' is not connected"),
                 nodeOf(b, "fc").message.c_str());
    }

    void linkIntoRemovedPort()
    {
        // Three links into an Add, then its input count lowered to two: the third link is
        // no longer used, and the user is told instead of the model silently changing.
        Graph g;
        g.addNode(features(4));
        g.addNode({"add", "Add", "add", {{"inputs", 3}}});
        for (int p = 0; p < 3; ++p)
            g.connect({{"input", 0}, {"add", p}});
        QVERIFY(analyze(g).ok());
        g.find("add")->params["inputs"] = 2;
        const GraphAnalysis a = analyze(g);
        const NodeAnalysis &add = nodeOf(a, "add");
        QCOMPARE(add.status, NodeStatus::Error);
        QVERIFY2(contains(add.message, "has 2 inputs"), add.message.c_str());
        QVERIFY2(contains(add.message, "'input' is still linked to in2"), add.message.c_str());
        QVERIFY2(contains(add.message, "remove that link"), add.message.c_str());
    }

    void graphErrors_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("empty model") << 0 << "The model is empty";
        QTest::newRow("no Input") << 1 << "no Input layer";
        QTest::newRow("two Inputs") << 2 << "2 Input layers";
        QTest::newRow("two unconnected outputs") << 3 << "2 unconnected outputs ('a', 'b')";
        QTest::newRow("Input with a bad parameter") << 4 << "";
    }
    void graphErrors()
    {
        QFETCH(int, which);
        QFETCH(QString, fragment);
        Graph g;
        switch (which) {
        case 0:
            break;
        case 1:
            g.addNode({"fc", "Dense", "fc", {}});
            break;
        case 2:
            g = chain({features(2), {"cat", "Concat", "cat", {}}});
            g.addNode({"input2", "Input", "input2", {}});
            g.connect({{"input2", 0}, {"cat", 1}});
            break;
        case 3:
            g = chain({features(2), {"a", "Dense", "a", {}}});
            g.addNode({"b", "Dense", "b", {}});
            g.connect({{"input", 0}, {"b", 0}});
            break;
        case 4:
            // The Input is there, only wrong: no graph-level "no Input" on top.
            g = chain({{"input", "Input", "input", {{"features", -3}}}, {"fc", "Dense", "fc", {}}});
            break;
        }
        const GraphAnalysis a = analyze(g);
        QVERIFY(!a.ok());
        if (fragment.isEmpty()) {
            QVERIFY2(a.errors.empty(), joined(a.errors).c_str());
            QCOMPARE(a.inputNode, std::string("input"));
            return;
        }
        QCOMPARE(a.errors.size(), size_t(1));
        QVERIFY2(contains(a.errors[0], fragment.toStdString()), a.errors[0].c_str());
        // Graph-level problems come after the node problems.
        QCOMPARE(a.problems(g).back(), a.errors[0]);
    }

    void paramValidation_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QByteArray>("params");
        QTest::addColumn<QStringList>("fragments");
        QTest::newRow("Float above range")
            << "Dropout" << QByteArray(R"({"rate": 1.5})")
            << QStringList{"Dropout 'n'", "parameter 'rate'", "between 0 and 1", "not 1.5"};
        QTest::newRow("Float below range")
            << "LeakyReLU" << QByteArray(R"({"alpha": -0.5})")
            << QStringList{"parameter 'alpha'", "between 0 and 1", "not -0.5"};
        QTest::newRow("Float tiny, printed readably")
            << "BatchNorm" << QByteArray(R"({"epsilon": 1e-9})")
            << QStringList{"parameter 'epsilon'", "between 1e-06 and 1", "not 1e-09"};
        QTest::newRow("Float as text") << "Dropout" << QByteArray(R"({"rate": "half"})")
                                       << QStringList{"'rate'", "must be a number, not string"};
        QTest::newRow("Choice wrong value") << "Conv2D" << QByteArray(R"({"padding": "full"})")
                                            << QStringList{"Conv2D 'n'", "parameter 'padding'",
                                                           "one of valid, same", "not \"full\""};
        QTest::newRow("Choice not text") << "MaxPool2D" << QByteArray(R"({"padding": 1})")
                                         << QStringList{"one of valid, same", "not 1"};
        QTest::newRow("unknown param name")
            << "Dense" << QByteArray(R"({"unit": 10})")
            << QStringList{"Dense 'n'", "no parameter 'unit'", "(it has: units, bias)"};
        QTest::newRow("param on a layer without any")
            << "ReLU" << QByteArray(R"({"alpha": 0.1})")
            << QStringList{"ReLU 'n' has no parameter 'alpha'"};
        QTest::newRow("Int below range")
            << "Dense" << QByteArray(R"({"units": 0})")
            << QStringList{"parameter 'units'", "between 1 and 1048576", "not 0"};
        QTest::newRow("Int fractional") << "Dense" << QByteArray(R"({"units": 2.5})")
                                        << QStringList{"'units'", "whole number, not 2.5"};
        QTest::newRow("Int as text") << "Dense" << QByteArray(R"({"units": "64"})")
                                     << QStringList{"'units'", "whole number, not string"};
        QTest::newRow("Int huge float") << "Dense" << QByteArray(R"({"units": 1e30})")
                                        << QStringList{"between 1 and 1048576", "not 1e+30"};
        QTest::newRow("Int beyond int64")
            << "Dense" << QByteArray(R"({"units": 18446744073709551615})")
            << QStringList{"between 1 and 1048576", "not 18446744073709551615"};
        QTest::newRow("Int below Add's range")
            << "Add" << QByteArray(R"({"inputs": 1})")
            << QStringList{"parameter 'inputs'", "between 2 and 8", "not 1"};
        QTest::newRow("Bool as text") << "Dense" << QByteArray(R"({"bias": "yes"})")
                                      << QStringList{"'bias'", "true or false, not string"};
    }
    void paramValidation()
    {
        QFETCH(QString, type);
        QFETCH(QByteArray, params);
        QFETCH(QStringList, fragments);
        const Node node{"n", type.toStdString(), "n", json::parse(params.toStdString())};
        try {
            LayerRegistry::instance().resolveParams(node);
            QFAIL("the parameters were accepted");
        } catch (const ShapeError &e) {
            QCOMPARE(e.nodeId(), std::string("n"));
            for (const QString &f : fragments)
                QVERIFY2(contains(e.what(), f.toStdString()), e.what());
        }
        // Shape inference reports the same message on the node, and blocks what follows.
        Graph g;
        g.addNode(node);
        g.addNode({"after", "ReLU", "after", {}});
        g.connect({{"n", 0}, {"after", 0}});
        const GraphAnalysis a = analyze(g);
        QCOMPARE(nodeOf(a, "n").status, NodeStatus::Error);
        QVERIFY2(contains(nodeOf(a, "n").message, fragments.front().toStdString()),
                 nodeOf(a, "n").message.c_str());
        QCOMPARE(nodeOf(a, "after").status, NodeStatus::Blocked);
    }

    void wholeFloatAcceptedForInt()
    {
        const Node node{"n", "Dense", "n", {{"units", 64.0}}};
        const json p = LayerRegistry::instance().resolveParams(node);
        QVERIFY(p.at("units").is_number_integer());
        QCOMPARE(p.at("units").get<int>(), 64);
        QCOMPARE(p.at("bias").get<bool>(), true);
    }

    void fiftyNodeModelIsFast()
    {
        // Input, 25 Dense+ReLU pairs: 51 nodes, 50 links.
        std::vector<Node> nodes{features(32)};
        for (int i = 0; i < 25; ++i) {
            nodes.push_back({"fc" + std::to_string(i), "Dense", "", {{"units", 32}}});
            nodes.push_back({"relu" + std::to_string(i), "ReLU", "", {}});
        }
        const Graph g = chain(nodes);
        GraphAnalysis a = analyze(g); // warm up
        QVERIFY2(a.ok(), joined(a.problems(g)).c_str());
        QCOMPARE(a.totalParams, int64_t(25 * (32 * 32 + 32)));
        const int runs = 100;
        const double cpuStart = threadCpuMs();
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < runs; ++i)
            a = analyze(g);
        const double meanMs =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count() /
            runs;
        const double cpuMeanMs = (threadCpuMs() - cpuStart) / runs;
        qInfo("analyze() of a %zu-node model: %.3f ms wall, %.3f ms CPU on average over %d runs",
              g.nodes().size(), meanMs, cpuMeanMs, runs);
        QVERIFY(a.ok());
        // Generous on purpose: a guard against accidental blow-ups, not a benchmark.
        QVERIFY2(meanMs < 5.0, qPrintable(QString::number(meanMs) + " ms"));
    }
};

QTEST_APPLESS_MAIN(TestShapeInference)
#include "test_shape_inference.moc"
