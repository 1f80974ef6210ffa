// The engine profiler: per-node times that add up to the measured step, memory figures equal
// to the tensors the engine allocated, kernels named, a Chrome trace with one event per node
// and phase per step, and a profiled step that computes exactly what an unprofiled one does.

#include "core/profiler.h"
#include "optim/optimizer.h"
#include "qtest_strings.h"
#include "source_dir.h"
#include "strata/backend.h"
#include "strata/errors.h"
#include "strata/network.h"
#include "strata/profile.h"
#include "strata/project.h"
#include "training_projects.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <map>
#include <set>
#include <tuple>

using namespace strata;
using strata::test::sourceDir;

namespace {

// The Keras MNIST CNN (two convolutions, 2×2 max pooling with a ReLU inside it, a 9216→1024
// Dense) at a small batch, on random data: big enough that kernels, not the clock, dominate.
Project mnistCnn()
{
    return loadProject(sourceDir() + "/projects/keras_mnist_cnn.strata");
}

ProfileOptions quickOptions(int steps)
{
    ProfileOptions o;
    o.steps = steps;
    o.warmup = 2;
    o.batchSize = 8;
    o.threads = 1; // steadier on a loaded machine
    o.syntheticData = true;
    return o;
}

const NodeProfile &nodeNamed(const ProfileReport &r, const std::string &id)
{
    for (const NodeProfile &n : r.nodes)
        if (n.id == id)
            return n;
    throw Error("no node " + id);
}

} // namespace

class TestProfile : public QObject
{
    Q_OBJECT

private slots:
    void nodeTimesAddUpToTheStep()
    {
        // The nodes' phases cover the step but for the NaN/Inf guard and bookkeeping between
        // kernels: their sum is within 10% of the measured step time, summed over 8 steps.
        // A second try absorbs a moment of preemption on a busy machine.
        const Project project = mnistCnn();
        double nodes = 0, step = 0;
        for (int attempt = 0; attempt < 2; ++attempt) {
            const ProfileReport r = profileTraining(project, "", quickOptions(8));
            QCOMPARE(r.steps.size(), size_t(8));
            nodes = r.nodesMs();
            step = r.stepMs();
            QVERIFY(step > 0);
            QVERIFY2(nodes <= step * 1.0001, qPrintable(QString("%1 > %2").arg(nodes).arg(step)));
            if (std::abs(step - nodes) <= 0.1 * step)
                break;
        }
        QVERIFY2(std::abs(step - nodes) <= 0.1 * step,
                 qPrintable(QString("nodes %1 ms, step %2 ms").arg(nodes).arg(step)));
    }

    void everyPhaseIsTimedWhereItRuns()
    {
        const ProfileReport r = profileTraining(mnistCnn(), "", quickOptions(3));
        QCOMPARE(r.nodes.size(), size_t(11));
        QVERIFY(nodeNamed(r, "input").phaseMs(ProfilePhase::DataCopy) > 0);
        QCOMPARE(nodeNamed(r, "input").phaseMs(ProfilePhase::Forward), 0.0);
        QVERIFY(nodeNamed(r, "softmax").phaseMs(ProfilePhase::Loss) > 0);
        for (const char *id : {"conv2d", "conv2d_1", "dense", "dense_1"}) {
            const NodeProfile &n = nodeNamed(r, id);
            QVERIFY2(n.phaseMs(ProfilePhase::Forward) > 0, id);
            QVERIFY2(n.phaseMs(ProfilePhase::Backward) > 0, id);
            QVERIFY2(n.phaseMs(ProfilePhase::Update) > 0, id);
            QVERIFY2(n.forwardGflops() > 0, id);
            QVERIFY2(n.flops > 0, id);
        }
        // The ReLU before max pooling runs inside the pooling kernel: no time, no buffers.
        const NodeProfile &relu = nodeNamed(r, "relu_1");
        QVERIFY(relu.insideConsumer);
        QCOMPARE(relu.consumer, std::string("max_pooling2d"));
        QCOMPARE(relu.totalMs(), 0.0);
        QCOMPARE(relu.memory.total(), 0.0);
        // Kernels: oneDNN's implementation names for the convolutions, Strata's own 2×2 pooling.
        for (const NodeProfile &n : r.nodes)
            QVERIFY2(n.insideConsumer == n.kernel.empty(), n.id.c_str());
        QVERIFY(nodeNamed(r, "conv2d_1").kernel != "strata");
        QCOMPARE(nodeNamed(r, "max_pooling2d").kernel, std::string("strata"));
        QCOMPARE(nodeNamed(r, "input").kernel, std::string("batch copy"));
        QCOMPARE(r.clock, std::string("steady clock"));
        QCOMPARE(r.threads, 1);
        QCOMPARE(r.batchSize, int64_t(8));
    }

    void memoryEqualsTheTensors()
    {
        Project project = mnistCnn();
        project.training.optimizer.type = "adam"; // two state tensors per weight tensor
        project.training.optimizer.lr = 0.001;
        const int64_t batch = 8;
        const ProfileReport r = profileTraining(project, "", quickOptions(1));
        const GraphAnalysis a = analyze(project.graph);
        NodeMemory sum;
        for (const NodeProfile &n : r.nodes) {
            const NodeAnalysis &node = *a.find(n.id);
            if (n.insideConsumer)
                continue;
            const double output = 4.0 * double(batch * numel(node.output));
            QCOMPARE(n.memory.activations, output);
            QCOMPARE(n.memory.activationGradients, n.id == "input" ? 0.0 : output);
            QCOMPARE(n.memory.weights, 4.0 * double(node.params));
            QCOMPARE(n.memory.weightGradients, 4.0 * double(node.params));
            QCOMPARE(n.memory.optimizer, 2 * 4.0 * double(node.params));
            sum.activations += n.memory.activations;
            sum.workspace += n.memory.workspace;
        }
        QCOMPARE(r.memory.activations, sum.activations);
        QCOMPARE(r.memory.workspace, sum.workspace);
        // Max pooling 2×2 keeps one byte per output: which input of its window won.
        QCOMPARE(nodeNamed(r, "max_pooling2d").memory.workspace, double(batch * 64 * 12 * 12));
        // Shape inference's estimate counts the same weights, gradients and optimizer state,
        // and the activations of the ReLU that runs inside the pooling (and its gradient).
        QCOMPARE(r.memory.weights, r.estimate.weights);
        QCOMPARE(r.memory.weightGradients, r.estimate.gradients);
        QCOMPARE(r.memory.optimizer, r.estimate.optimizer);
        const double relu = 4.0 * double(batch * numel(a.find("relu_1")->output));
        QCOMPARE(r.memory.activations + r.memory.activationGradients + 2 * relu,
                 r.estimate.activations);
        QCOMPARE(r.memory.total(), r.memory.activations + r.memory.activationGradients +
                                       r.memory.weights + r.memory.weightGradients +
                                       r.memory.optimizer + r.memory.workspace);
    }

    void traceHasOneEventPerNodeAndPhasePerStep()
    {
        const int steps = 3;
        const ProfileReport r = profileTraining(mnistCnn(), "", quickOptions(steps));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("trace.json").toStdString();
        writeChromeTrace(r, path);
        std::ifstream in(path);
        const nlohmann::json trace = nlohmann::json::parse(in); // throws when not JSON
        QVERIFY(trace.at("traceEvents").is_array());

        // (node, phase, step) → count, and each step's span.
        std::map<std::tuple<std::string, std::string, int>, int> count;
        std::map<int, std::pair<double, double>> stepSpan;
        std::vector<nlohmann::json> reorders;
        std::vector<nlohmann::json> passes;
        for (const auto &e : trace["traceEvents"]) {
            if (e.at("ph") == "M")
                continue;
            QCOMPARE(e.at("ph").get<std::string>(), std::string("X"));
            QVERIFY(e.at("ts").is_number() && e.at("dur").is_number());
            QVERIFY(e.at("dur").get<double>() >= 0);
            QCOMPARE(e.at("pid").get<int>(), 1);
            QCOMPARE(e.at("tid").get<int>(), 1);
            QVERIFY(!e.at("name").get<std::string>().empty());
            const int step = e.at("args").at("step").get<int>();
            const std::string cat = e.at("cat").get<std::string>();
            if (cat == "step") {
                stepSpan[step] = {e["ts"].get<double>(), e["dur"].get<double>()};
                continue;
            }
            const std::string node = e.at("args").at("node").get<std::string>();
            ++count[{node, cat, step}];
            (cat == "layout reorder" ? reorders : passes).push_back(e);
        }
        QCOMPARE(int(stepSpan.size()), steps);

        // The phases each node has, once in each step.
        std::set<std::pair<std::string, std::string>> expected = {
            {"input", "data copy"}, {"softmax", "forward"}, {"softmax", "loss"}};
        for (const char *id : {"conv2d", "relu", "conv2d_1", "max_pooling2d", "flatten", "dense",
                               "relu_2", "dense_1"}) {
            expected.insert({id, "forward"});
            expected.insert({id, "backward"});
        }
        for (const char *id : {"conv2d", "conv2d_1", "dense", "dense_1"})
            expected.insert({id, "optimizer update"});
        for (int s = 1; s <= steps; ++s)
            for (const auto &[node, phase] : expected) {
                const int n = count[std::make_tuple(node, phase, s)];
                QVERIFY2(n == 1, qPrintable(QString::fromStdString(node + " " + phase + " step " +
                                                                   std::to_string(s))));
            }
        int nonReorder = 0;
        for (const auto &[key, n] : count)
            if (std::get<1>(key) != "layout reorder")
                nonReorder += n;
        QCOMPARE(nonReorder, int(expected.size()) * steps);

        // Every event lies inside its step; a reorder inside its node's forward or backward.
        for (const auto &e : passes) {
            const auto [start, dur] = stepSpan[e["args"]["step"].get<int>()];
            QVERIFY(e["ts"].get<double>() >= start - 0.01);
            QVERIFY(e["ts"].get<double>() + e["dur"].get<double>() <= start + dur + 0.01);
        }
        QVERIFY(!reorders.empty()); // the convolutions reorder their weights every step
        for (const auto &r : reorders) {
            bool inside = false;
            for (const auto &p : passes)
                inside = inside || (p["args"]["node"] == r["args"]["node"] &&
                                    p["args"]["step"] == r["args"]["step"] &&
                                    (p["cat"] == "forward" || p["cat"] == "backward") &&
                                    p["ts"].get<double>() <= r["ts"].get<double>() + 0.01 &&
                                    r["ts"].get<double>() + r["dur"].get<double>() <=
                                        p["ts"].get<double>() + p["dur"].get<double>() + 0.01);
            QVERIFY2(inside, qPrintable(QString::fromStdString(r.dump())));
        }
    }

    void tableListsEveryNodeAndTheTotals()
    {
        const ProfileReport r = profileTraining(mnistCnn(), "", quickOptions(2));
        const std::string table = formatProfileTable(r);
        for (const NodeProfile &n : r.nodes)
            QVERIFY2(table.find("\n" + n.name + " (" + n.type + ")") != std::string::npos,
                     n.id.c_str());
        for (const char *text : {"Forward ms", "Backward ms", "GFLOP/s", "Kernel", "\nTotal",
                                 "Step time: ", "Memory: ", "inside max_pooling2d"})
            QVERIFY2(table.find(text) != std::string::npos, text);
    }

    void referenceBackendAndProjectData()
    {
        // The OR gate's own (generated) data, on the reference backend.
        const Project project = strata::test::orGate(1);
        ProfileOptions o;
        o.steps = 2;
        o.warmup = 0;
        o.device = "reference";
        const ProfileReport r = profileTraining(project, "", o);
        QCOMPARE(r.batchSize, int64_t(3));
        QCOMPARE(nodeNamed(r, "hidden").kernel, std::string("reference"));
        QVERIFY(nodeNamed(r, "hidden").phaseMs(ProfilePhase::Update) > 0);
    }

    void profilingChangesNoNumber()
    {
        // The same steps with and without a profiler attached end at the same weights.
        const Project project = strata::test::spirals(1);
        int profiledSteps = 0;
        size_t profiledEvents = 0;
        auto weightsAfter = [&](bool profiled) {
            auto backend = createBackend("cpu");
            Network net(project.graph, *backend, LossKind::CrossEntropy, InitConvention::Keras, 7);
            auto optimizer = makeOptimizer(project.training.optimizer, *backend, net.parameters());
            internal::Profiler profiler(backend->createClock(),
                                        static_cast<int>(project.graph.nodes().size()),
                                        net.parameterNodes());
            if (profiled) {
                net.setProfiler(&profiler);
                optimizer->setProfiler(&profiler);
            }
            Tensor x =
                Tensor::fromVector({4, 2}, {0.1f, 0.2f, -0.3f, 0.4f, 0.5f, -0.6f, 0.7f, 0.8f});
            Tensor y = Tensor::fromVector({4}, {0, 1, 1, 0});
            for (int s = 0; s < 3; ++s) {
                if (profiled)
                    profiler.beginStep();
                net.trainStep(x, y);
                optimizer->step();
                net.evaluate(x, &y); // outside the profiled step: not recorded
                if (profiled)
                    profiler.endStep();
            }
            profiledSteps = profiler.steps();
            profiledEvents = profiler.events().size();
            net.setProfiler(nullptr);
            return net.weightsToHost();
        };
        const auto plain = weightsAfter(false);
        const auto profiled = weightsAfter(true);
        QCOMPARE(profiledSteps, 3);
        // Per step: the batch copy, 6 forward passes, the loss, 5 backward passes (the Softmax's
        // is the loss's), 3 updates; the evaluation between steps is not recorded.
        QCOMPARE(profiledEvents, size_t(3 * (1 + 6 + 1 + 5 + 3)));
        QCOMPARE(plain.size(), profiled.size());
        for (size_t i = 0; i < plain.size(); ++i)
            QCOMPARE(plain[i].second.toVector(), profiled[i].second.toVector());
    }

    void badOptionsAreRefused()
    {
        ProfileOptions o = quickOptions(0);
        QVERIFY_THROWS_EXCEPTION(Error, profileTraining(mnistCnn(), "", o));
        o = quickOptions(1);
        o.warmup = -1;
        QVERIFY_THROWS_EXCEPTION(Error, profileTraining(mnistCnn(), "", o));
        o = quickOptions(1);
        o.device = "tpu";
        QVERIFY_THROWS_EXCEPTION(BackendError, profileTraining(mnistCnn(), "", o));
    }
};

QTEST_GUILESS_MAIN(TestProfile)
#include "test_profile.moc"
