// Graph: nodes and ids, typed refusals for every kind of bad link, topological order of a DAG
// with a skip connection, outputs, JSON round trip and exact reinsertion for undo.

#include "qtest_strings.h"
#include "strata/graph.h"
#include "strata/layer.h"

#include <QtTest>

#include <algorithm>
#include <string>

using namespace strata;

Q_DECLARE_METATYPE(strata::GraphErrorKind)

namespace {

bool contains(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

std::vector<std::string> ids(const Graph &g)
{
    std::vector<std::string> out;
    for (const Node &n : g.nodes())
        out.push_back(n.id);
    return out;
}

// Input → Dense → ReLU → Add.in0, and Dense → Add.in1 (a skip connection), with the nodes
// listed in the given order.
Graph skipGraph(const std::vector<std::string> &nodeOrder = {"in", "fc", "relu", "add"})
{
    Graph g;
    for (const std::string &id : nodeOrder) {
        if (id == "in")
            g.addNode({"in", "Input", "in", {{"features", 8}}});
        else if (id == "fc")
            g.addNode({"fc", "Dense", "fc", {{"units", 8}}});
        else if (id == "relu")
            g.addNode({"relu", "ReLU", "relu", {}});
        else if (id == "add")
            g.addNode({"add", "Add", "add", {}});
    }
    g.connect({{"in", 0}, {"fc", 0}});
    g.connect({{"fc", 0}, {"relu", 0}});
    g.connect({{"relu", 0}, {"add", 0}});
    g.connect({{"fc", 0}, {"add", 1}});
    return g;
}

// Every edge goes from an earlier to a later position in order.
bool respectsEdges(const Graph &g, const std::vector<std::string> &order)
{
    auto pos = [&](const std::string &id) {
        return std::find(order.begin(), order.end(), id) - order.begin();
    };
    for (const Edge &e : g.edges())
        if (pos(e.from.node) >= pos(e.to.node))
            return false;
    return order.size() == g.nodes().size();
}

} // namespace

class TestGraph : public QObject
{
    Q_OBJECT

private slots:
    void addNodeKeepsGivenIdAndDefaultsName()
    {
        Graph g;
        QCOMPARE(g.addNode({"conv1", "Conv2D", "", {{"filters", 8}}}), std::string("conv1"));
        const Node *n = g.find("conv1");
        QVERIFY(n);
        QCOMPARE(n->name, std::string("conv1"));
        QCOMPARE(n->type, std::string("Conv2D"));
        QCOMPARE(n->params.at("filters").get<int>(), 8);
        QCOMPARE(g.indexOf("conv1"), 0);
        QCOMPARE(g.indexOf("nothing"), -1);
        QVERIFY(!g.find("nothing"));
    }

    void addNodeWithoutIdGetsFreshIds()
    {
        Graph g;
        const std::string a = g.addNode({"", "Dense", "", {}});
        const std::string b = g.addNode({"", "Dense", "first layer", {}});
        const std::string c = g.addNode({"", "Conv2D", "", {}});
        QCOMPARE(a, std::string("dense_1"));
        QCOMPARE(b, std::string("dense_2"));
        QCOMPARE(c, std::string("conv2d_1"));
        QCOMPARE(g.find(b)->name, std::string("first layer"));
        QCOMPARE(g.find(a)->name, a);
        // A freed id may be reused, a taken one never.
        g.addNode({"relu_1", "ReLU", "", {}});
        QCOMPARE(g.uniqueId("relu"), std::string("relu_2"));
        QCOMPARE(g.uniqueId(""), std::string("node_1"));
    }

    void nonObjectParamsBecomeEmpty()
    {
        Graph g;
        g.addNode({"fc", "Dense", "fc", nlohmann::json::array({1, 2})});
        QVERIFY(g.find("fc")->params.is_object());
        QVERIFY(g.find("fc")->params.empty());
    }

    void duplicateIdRefused()
    {
        Graph g;
        g.addNode({"fc", "Dense", "fc", {}});
        try {
            g.addNode({"fc", "ReLU", "other", {}});
            QFAIL("a duplicate id was accepted");
        } catch (const GraphError &e) {
            QCOMPARE(e.kind(), GraphErrorKind::DuplicateId);
            QVERIFY2(contains(e.what(), "'fc'"), e.what());
        }
        QCOMPARE(g.nodes().size(), size_t(1));
        QCOMPARE(g.find("fc")->type, std::string("Dense"));
    }

    void nodeIds_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<bool>("valid");
        QTest::newRow("letters digits") << "conv1" << true;
        QTest::newRow("underscore dash") << "a_b-C_9" << true;
        QTest::newRow("64 characters") << QString(64, 'x') << true;
        QTest::newRow("65 characters") << QString(65, 'x') << false;
        QTest::newRow("space") << "my layer" << false;
        QTest::newRow("dot (port separator)") << "fc.out" << false;
        QTest::newRow("slash (JSON path)") << "a/b" << false;
        QTest::newRow("non-ASCII") << QString::fromUtf8("cönv") << false;
        QTest::newRow("quote") << "a'b" << false;
    }
    void nodeIds()
    {
        QFETCH(QString, id);
        QFETCH(bool, valid);
        Graph g;
        const std::string text = id.toStdString();
        try {
            QCOMPARE(g.addNode({text, "ReLU", "", {}}), text);
            QVERIFY2(valid, "an invalid id was accepted");
        } catch (const GraphError &e) {
            QVERIFY2(!valid, e.what());
            QCOMPARE(e.kind(), GraphErrorKind::InvalidId);
            QVERIFY2(contains(e.what(), "letters, digits"), e.what());
            QVERIFY(g.nodes().empty());
        }
    }

    void unknownTypeRefused()
    {
        Graph g;
        try {
            g.addNode({"x", "Dense3D", "x", {}});
            QFAIL("an unknown type was accepted");
        } catch (const GraphError &e) {
            QCOMPARE(e.kind(), GraphErrorKind::UnknownType);
            QVERIFY2(contains(e.what(), "Dense3D"), e.what());
        }
        QVERIFY(g.nodes().empty());
        // Type names are case-sensitive: they are the registry's names.
        QVERIFY_THROWS_EXCEPTION(GraphError, g.addNode({"y", "dense", "y", {}}));
    }

    void removeNodeDropsItsEdges()
    {
        Graph g = skipGraph();
        QCOMPARE(g.edges().size(), size_t(4));
        g.removeNode("fc");
        QCOMPARE(ids(g), (std::vector<std::string>{"in", "relu", "add"}));
        // in→fc, fc→relu and fc→add.in1 touched fc; only relu→add.in0 is left.
        QCOMPARE(g.edges().size(), size_t(1));
        QCOMPARE(g.edges()[0], (Edge{{"relu", 0}, {"add", 0}}));
        try {
            g.removeNode("fc");
            QFAIL("removing a missing node did not throw");
        } catch (const GraphError &e) {
            QCOMPARE(e.kind(), GraphErrorKind::UnknownNode);
        }
    }

    // A fixture with room for every kind of refusal: a→b→c in a chain with a's input free,
    // an Add with in0 fed, and a lone ReLU.
    void refusals_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<int>("fromPort");
        QTest::addColumn<QString>("to");
        QTest::addColumn<int>("toPort");
        QTest::addColumn<GraphErrorKind>("kind");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("cycle c→a") << "c" << 0 << "a" << 0 << GraphErrorKind::Cycle << "cycle";
        QTest::newRow("cycle b→a") << "b" << 0 << "a" << 0 << GraphErrorKind::Cycle << "cycle";
        QTest::newRow("self loop") << "r" << 0 << "r" << 0 << GraphErrorKind::SelfLoop << "itself";
        QTest::newRow("occupied input")
            << "in" << 0 << "b" << 0 << GraphErrorKind::OccupiedInput << "already fed by 'a'";
        QTest::newRow("occupied Add port")
            << "c" << 0 << "add" << 0 << GraphErrorKind::OccupiedInput << "in0";
        QTest::newRow("duplicate link")
            << "a" << 0 << "b" << 0 << GraphErrorKind::DuplicateLink << "already connected";
        QTest::newRow("port beyond Add's inputs")
            << "c" << 0 << "add" << 2 << GraphErrorKind::UnknownPort << "no input port 2";
        QTest::newRow("negative port")
            << "c" << 0 << "add" << -1 << GraphErrorKind::UnknownPort << "no input port -1";
        QTest::newRow("second port of a one-input layer")
            << "c" << 0 << "r" << 1 << GraphErrorKind::UnknownPort << "(it has 1)";
        QTest::newRow("output port 1")
            << "c" << 1 << "r" << 0 << GraphErrorKind::UnknownPort << "one output port";
        QTest::newRow("into an Input")
            << "c" << 0 << "in" << 0 << GraphErrorKind::UnknownPort << "takes no input";
        QTest::newRow("unknown source")
            << "ghost" << 0 << "r" << 0 << GraphErrorKind::UnknownNode << "'ghost'";
        QTest::newRow("unknown target")
            << "c" << 0 << "ghost" << 0 << GraphErrorKind::UnknownNode << "'ghost'";
    }
    void refusals()
    {
        QFETCH(QString, from);
        QFETCH(int, fromPort);
        QFETCH(QString, to);
        QFETCH(int, toPort);
        QFETCH(GraphErrorKind, kind);
        QFETCH(QString, fragment);

        Graph g;
        g.addNode({"in", "Input", "in", {{"features", 4}}});
        for (const char *id : {"a", "b", "c"})
            g.addNode({id, "Dense", id, {{"units", 4}}});
        g.addNode({"add", "Add", "add", {}});
        g.addNode({"r", "ReLU", "r", {}});
        g.connect({{"a", 0}, {"b", 0}});
        g.connect({{"b", 0}, {"c", 0}});
        g.connect({{"in", 0}, {"add", 0}});
        const std::vector<Edge> before = g.edges();

        const Edge edge{{from.toStdString(), fromPort}, {to.toStdString(), toPort}};
        const std::optional<GraphError> checked = g.checkEdge(edge);
        QVERIFY2(checked.has_value(), "checkEdge accepted the link");
        QCOMPARE(checked->kind(), kind);
        QVERIFY2(contains(checked->what(), fragment.toStdString()), checked->what());
        QCOMPARE(g.edges(), before);

        try {
            g.connect(edge);
            QFAIL("connect accepted the link");
        } catch (const GraphError &e) {
            QCOMPARE(e.kind(), kind);
            QCOMPARE(std::string(e.what()), std::string(checked->what()));
        }
        QCOMPARE(g.edges(), before);
        QVERIFY_THROWS_EXCEPTION(GraphError, g.insertEdge(0, edge));
        QCOMPARE(g.edges(), before);
    }

    void cycleMessageNamesBothEnds()
    {
        Graph g;
        for (const char *id : {"a", "b", "c"})
            g.addNode({id, "Dense", id, {}});
        g.connect({{"a", 0}, {"b", 0}});
        g.connect({{"b", 0}, {"c", 0}});
        auto err = g.checkEdge({{"c", 0}, {"a", 0}});
        QVERIFY(err);
        QVERIFY2(contains(err->what(), "Dense 'c'") && contains(err->what(), "Dense 'a'"),
                 err->what());
    }

    void validLinksAccepted()
    {
        Graph g;
        g.addNode({"in", "Input", "in", {{"features", 4}}});
        g.addNode({"a", "Dense", "a", {}});
        g.addNode({"cat", "Concat", "cat", {{"inputs", 3}}});
        QVERIFY(!g.checkEdge({{"in", 0}, {"a", 0}}));
        QVERIFY(g.edges().empty()); // checkEdge changes nothing
        g.connect({{"in", 0}, {"a", 0}});
        // One output may feed many inputs, even several ports of one node.
        g.connect({{"a", 0}, {"cat", 0}});
        g.connect({{"a", 0}, {"cat", 1}});
        g.connect({{"in", 0}, {"cat", 2}});
        QCOMPARE(g.edges().size(), size_t(4));
        QCOMPARE(g.inputPortCount(*g.find("cat")), 3);
        QCOMPARE(g.edgesFrom("a").size(), size_t(2));
        QCOMPARE(g.edgesFrom("cat").size(), size_t(0));
        const Edge *into = g.edgeInto({"cat", 2});
        QVERIFY(into);
        QCOMPARE(into->from.node, std::string("in"));
        QVERIFY(!g.edgeInto({"a", 1}));
    }

    void inputPortCountFollowsParams()
    {
        Graph g;
        QCOMPARE(g.inputPortCount(Node{"i", "Input", "i", {}}), 0);
        QCOMPARE(g.inputPortCount(Node{"d", "Dense", "d", {}}), 1);
        QCOMPARE(g.inputPortCount(Node{"a", "Add", "a", {}}), 2);
        QCOMPARE(g.inputPortCount(Node{"a", "Add", "a", {{"inputs", 5}}}), 5);
        // Invalid params fall back to the defaults so the graph stays editable.
        QCOMPARE(g.inputPortCount(Node{"a", "Add", "a", {{"inputs", 99}}}), 2);
        QCOMPARE(g.inputPortCount(Node{"u", "NoSuchLayer", "u", {}}), 0);
    }

    void disconnect()
    {
        Graph g = skipGraph();
        g.disconnect({{"fc", 0}, {"add", 1}});
        QCOMPARE(g.edges().size(), size_t(3));
        QVERIFY(!g.edgeInto({"add", 1}));
        QVERIFY_THROWS_EXCEPTION(GraphError, g.disconnect({{"fc", 0}, {"add", 1}}));
        // The freed port takes a new link.
        g.connect({{"in", 0}, {"add", 1}});
        QCOMPARE(g.edgeInto({"add", 1})->from.node, std::string("in"));
    }

    void topologicalOrder_data()
    {
        QTest::addColumn<QStringList>("nodeOrder");
        QTest::newRow("file order") << QStringList{"in", "fc", "relu", "add"};
        QTest::newRow("reversed") << QStringList{"add", "relu", "fc", "in"};
        QTest::newRow("shuffled") << QStringList{"relu", "add", "in", "fc"};
        QTest::newRow("add first") << QStringList{"add", "in", "fc", "relu"};
    }
    void topologicalOrder()
    {
        QFETCH(QStringList, nodeOrder);
        std::vector<std::string> order;
        for (const QString &s : nodeOrder)
            order.push_back(s.toStdString());
        Graph g = skipGraph(order);
        const auto topo = g.topologicalOrder();
        QVERIFY(respectsEdges(g, topo));
        // The skip DAG has exactly one valid order.
        QCOMPARE(topo, (std::vector<std::string>{"in", "fc", "relu", "add"}));
        QCOMPARE(g.topologicalOrder(), topo); // stable
    }

    void topologicalOrderKeepsFileOrderAmongReadyNodes()
    {
        // Two independent branches from one input: ready nodes come in file order.
        Graph g;
        g.addNode({"in", "Input", "in", {{"features", 4}}});
        g.addNode({"b2", "Dense", "b2", {}});
        g.addNode({"a1", "Dense", "a1", {}});
        g.addNode({"b1", "Dense", "b1", {}});
        g.addNode({"cat", "Concat", "cat", {}});
        g.connect({{"in", 0}, {"a1", 0}});
        g.connect({{"in", 0}, {"b1", 0}});
        g.connect({{"b1", 0}, {"b2", 0}});
        g.connect({{"a1", 0}, {"cat", 0}});
        g.connect({{"b2", 0}, {"cat", 1}});
        const auto topo = g.topologicalOrder();
        QVERIFY(respectsEdges(g, topo));
        QCOMPARE(topo, (std::vector<std::string>{"in", "a1", "b1", "b2", "cat"}));
    }

    void outputNodes()
    {
        Graph g = skipGraph();
        QCOMPARE(g.outputNodes(), std::vector<std::string>{"add"});
        g.addNode({"extra", "Dense", "extra", {}});
        g.connect({{"fc", 0}, {"extra", 0}});
        QCOMPARE(g.outputNodes(), (std::vector<std::string>{"add", "extra"}));
        g.removeNode("add");
        QCOMPARE(g.outputNodes(), (std::vector<std::string>{"relu", "extra"}));
        QVERIFY(Graph().outputNodes().empty());
    }

    void jsonRoundTrip()
    {
        Graph g = skipGraph();
        g.find("fc")->name = "first dense (wide)";
        g.find("add")->params = {{"inputs", 3}};
        g.addNode({"bn", "BatchNorm", "bn", {{"momentum", 0.9}, {"epsilon", 1e-5}}});
        g.connect({{"in", 0}, {"add", 2}});
        g.connect({{"add", 0}, {"bn", 0}});

        const nlohmann::json j = g.toJson();
        QCOMPARE(j.at("nodes").size(), size_t(5));
        QCOMPARE(j.at("edges").size(), size_t(6));
        // Ports are written by name: "in" for one input, "inN" for several.
        QCOMPARE(j.at("edges")[0], (nlohmann::json{{"from", "in.out"}, {"to", "fc.in"}}));
        QCOMPARE(j.at("edges")[3], (nlohmann::json{{"from", "fc.out"}, {"to", "add.in1"}}));
        QCOMPARE(j.at("nodes")[1].at("name").get<std::string>(), std::string("first dense (wide)"));

        const Graph back = Graph::fromJson(j, "test.strata", "/model");
        QCOMPARE(back.toJson(), j);
        QCOMPARE(ids(back), ids(g));
        QCOMPARE(back.edges(), g.edges());
        for (size_t i = 0; i < g.nodes().size(); ++i) {
            QCOMPARE(back.nodes()[i].type, g.nodes()[i].type);
            QCOMPARE(back.nodes()[i].name, g.nodes()[i].name);
            QCOMPARE(back.nodes()[i].params, g.nodes()[i].params);
        }
        // An empty graph round-trips too.
        QCOMPARE(Graph::fromJson(Graph().toJson(), "", "/model").toJson(), Graph().toJson());
    }

    void fromJsonAcceptsNumberedSinglePort()
    {
        // "fc.in0" names the only port of a one-input layer as well as "fc.in" does.
        const nlohmann::json j = {
            {"nodes", {{{"id", "in"}, {"type", "Input"}}, {{"id", "fc"}, {"type", "Dense"}}}},
            {"edges", {{{"from", "in.out"}, {"to", "fc.in0"}}}}};
        const Graph g = Graph::fromJson(j, "f.strata", "/model");
        QCOMPARE(g.edges().size(), size_t(1));
        QCOMPARE(g.edges()[0], (Edge{{"in", 0}, {"fc", 0}}));
        QCOMPARE(g.find("fc")->name, std::string("fc"));
    }

    void insertNodeAtIndex()
    {
        Graph g;
        g.addNode({"a", "ReLU", "", {}});
        g.addNode({"b", "ReLU", "", {}});
        g.insertNode(0, {"first", "ReLU", "", {}});
        g.insertNode(2, {"middle", "ReLU", "", {}});
        g.insertNode(99, {"last", "ReLU", "", {}}); // past the end appends
        QCOMPARE(ids(g), (std::vector<std::string>{"first", "a", "middle", "b", "last"}));
        QVERIFY_THROWS_EXCEPTION(GraphError, g.insertNode(0, {"a", "ReLU", "", {}}));
        QCOMPARE(g.nodes().size(), size_t(5));
    }

    void removeAndReinsertRestoresExactly()
    {
        // What undo does: remember the node's index and its edges' indices, put them back.
        Graph g = skipGraph();
        const nlohmann::json before = g.toJson();
        const int index = g.indexOf("relu");
        const Node node = *g.find("relu");
        std::vector<std::pair<size_t, Edge>> removed;
        for (size_t i = 0; i < g.edges().size(); ++i)
            if (g.edges()[i].from.node == "relu" || g.edges()[i].to.node == "relu")
                removed.push_back({i, g.edges()[i]});
        QCOMPARE(removed.size(), size_t(2));
        g.removeNode("relu");
        g.insertNode(static_cast<size_t>(index), node);
        for (const auto &[i, e] : removed)
            g.insertEdge(i, e);
        QCOMPARE(g.toJson(), before);
    }

    void insertEdgeAtIndex()
    {
        Graph g = skipGraph();
        g.disconnect({{"in", 0}, {"fc", 0}});
        g.insertEdge(0, {{"in", 0}, {"fc", 0}});
        QCOMPARE(g.edges()[0], (Edge{{"in", 0}, {"fc", 0}}));
        g.disconnect({{"fc", 0}, {"add", 1}});
        g.insertEdge(1, {{"fc", 0}, {"add", 1}});
        QCOMPARE(g.edges()[1], (Edge{{"fc", 0}, {"add", 1}}));
        QCOMPARE(g.edges().size(), size_t(4));
        g.disconnect({{"relu", 0}, {"add", 0}});
        g.insertEdge(1000, {{"relu", 0}, {"add", 0}}); // past the end appends
        QCOMPARE(g.edges().back(), (Edge{{"relu", 0}, {"add", 0}}));
    }

    void portNames()
    {
        const Node n{"add", "Add", "add", {}};
        QCOMPARE(Graph::portName(n, 0, 1), std::string("in"));
        QCOMPARE(Graph::portName(n, 1, 2), std::string("in1"));
        QCOMPARE(Graph::portLabel({"add", 1}, false, 3), std::string("add.in1"));
        QCOMPARE(Graph::portLabel({"fc", 0}, false, 1), std::string("fc.in"));
        QCOMPARE(Graph::portLabel({"fc", 0}, true, 1), std::string("fc.out"));
    }
};

QTEST_APPLESS_MAIN(TestGraph)
#include "test_graph.moc"
