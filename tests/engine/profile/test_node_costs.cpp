// The canvas's per-node costs: estimated from shape inference before any run (shares adding
// up to 1, bytes adding up to estimateTrainingMemory's total), and measured from a profile.

#include "qtest_strings.h"
#include "source_dir.h"
#include "strata/memory.h"
#include "strata/node_costs.h"
#include "strata/project.h"
#include "strata/shape_inference.h"

#include <QtTest>

#include <map>

using namespace strata;
using strata::test::sourceDir;

namespace {

Project mnistCnn()
{
    return loadProject(sourceDir() + "/projects/keras_mnist_cnn.strata");
}

std::map<std::string, NodeCost> byId(const std::vector<NodeCost> &costs)
{
    std::map<std::string, NodeCost> m;
    for (const NodeCost &c : costs)
        m[c.id] = c;
    return m;
}

} // namespace

class TestNodeCosts : public QObject
{
    Q_OBJECT

private slots:
    void estimatesAddUp()
    {
        for (const char *optimizer : {"sgd", "adam"}) {
            Project p = mnistCnn();
            p.training.optimizer.type = optimizer;
            const GraphAnalysis a = analyze(p.graph);
            QVERIFY(a.ok());
            const std::vector<NodeCost> costs =
                estimateNodeCosts(a, p.training.batchSize, p.training.optimizer);
            QCOMPARE(costs.size(), a.nodes.size());
            double share = 0, bytes = 0;
            for (const NodeCost &c : costs) {
                QVERIFY(!c.measured);
                QVERIFY2(c.share > 0 && c.share < 1, c.id.c_str());
                QVERIFY2(c.bytes > 0, c.id.c_str());
                share += c.share;
                bytes += c.bytes;
            }
            QVERIFY(std::abs(share - 1) < 1e-9);
            const double total =
                estimateTrainingMemory(a, p.training.batchSize, p.training.optimizer).total();
            QVERIFY2(std::abs(bytes - total) <= 1e-9 * total,
                     qPrintable(QString("%1 against %2").arg(bytes).arg(total)));
        }
    }

    void heavyLayersWeighMore()
    {
        const Project p = mnistCnn();
        const auto c =
            byId(estimateNodeCosts(analyze(p.graph), p.training.batchSize, p.training.optimizer));
        // The 9216→128 Dense holds 1.2 M weights: the most memory; the 64-filter convolution
        // does the most FLOPs: more time than the first, 32-filter one or a ReLU.
        for (const auto &[id, cost] : c)
            if (id != "dense")
                QVERIFY2(c.at("dense").bytes > cost.bytes, id.c_str());
        QVERIFY(c.at("conv2d_1").share > c.at("conv2d").share);
        QVERIFY(c.at("conv2d_1").share > c.at("relu").share);
        QVERIFY(c.at("softmax").share < 0.01);
    }

    void nodesShapeInferenceRefusesAreLeftOut()
    {
        Project p = mnistCnn();
        p.graph.find("dense")->params["units"] = -3;
        const GraphAnalysis a = analyze(p.graph);
        QVERIFY(!a.ok());
        const auto c = byId(estimateNodeCosts(a, 32, p.training.optimizer));
        QVERIFY(c.count("dense") == 0);
        QVERIFY(c.count("conv2d") == 1);
    }

    void measuredFromAProfile()
    {
        ProfileOptions o;
        o.steps = 3;
        o.warmup = 1;
        o.batchSize = 8;
        o.threads = 1;
        o.syntheticData = true;
        const ProfileReport r = profileTraining(mnistCnn(), "", o);
        const std::vector<NodeCost> costs = measuredNodeCosts(r);
        QCOMPARE(costs.size(), r.nodes.size());
        double share = 0;
        for (size_t i = 0; i < costs.size(); ++i) {
            QVERIFY(costs[i].measured);
            QCOMPARE(costs[i].id, r.nodes[i].id);
            QCOMPARE(costs[i].bytes, r.nodes[i].memory.total());
            QCOMPARE(costs[i].ms, r.nodes[i].totalMs());
            share += costs[i].share;
        }
        QVERIFY(share > 0.5 && share <= 1.0001);
        const auto c = byId(costs);
        QVERIFY(c.at("relu_1").insideConsumer);
        QCOMPARE(c.at("relu_1").share, 0.0);
    }
};

QTEST_GUILESS_MAIN(TestNodeCosts)
#include "test_node_costs.moc"
