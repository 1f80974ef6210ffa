// Probes: node outputs equal a forward pass by hand and the training network's own; weights of
// another model are refused; the decision boundary's grid, points and picture.

#include "strata/backend.h"
#include "strata/boundary_picture.h"
#include "strata/decision_boundary.h"
#include "strata/errors.h"
#include "strata/network.h"
#include "strata/probe.h"
#include "strata/rng.h"
#include "training_projects.h"

#include <QtTest>

#include <cmath>

using namespace strata;

namespace {

// 2 → Dense 3 → Tanh → Dense 1 → Sigmoid, the XOR example's shape.
Graph xorGraph()
{
    Project p;
    test::chain(p, {{"x", "Input", "x", {{"features", 2}}},
                    {"hidden", "Dense", "hidden layer", {{"units", 3}}},
                    {"tanh", "Tanh", "tanh", {}},
                    {"out", "Dense", "out", {{"units", 1}}},
                    {"sigmoid", "Sigmoid", "sigmoid", {}}});
    return p.graph;
}

Tensor randomTensor(Shape shape, uint64_t seed)
{
    Tensor t(std::move(shape));
    Rng rng(seed);
    for (int64_t i = 0; i < t.numel(); ++i)
        t.data()[i] = rng.uniformFloat(-2, 2);
    return t;
}

std::vector<std::pair<std::string, Tensor>> xorWeights(uint64_t seed)
{
    return {{"hidden.weight", randomTensor({3, 2}, seed)},
            {"hidden.bias", randomTensor({3}, seed + 1)},
            {"out.weight", randomTensor({1, 3}, seed + 2)},
            {"out.bias", randomTensor({1}, seed + 3)}};
}

const Tensor &weight(const std::vector<std::pair<std::string, Tensor>> &w, const std::string &name)
{
    for (const auto &[n, t] : w)
        if (n == name)
            return t;
    throw std::logic_error("no weight " + name);
}

// Dense: y_j = Σ_i W[j, i] x_i + b_j (PyTorch's layout).
std::vector<double> dense(const Tensor &w, const Tensor &b, const std::vector<double> &x)
{
    const int64_t units = w.dim(0), inputs = w.dim(1);
    std::vector<double> y(static_cast<size_t>(units));
    for (int64_t j = 0; j < units; ++j) {
        double s = b.data()[j];
        for (int64_t i = 0; i < inputs; ++i)
            s += static_cast<double>(w.data()[j * inputs + i]) * x[static_cast<size_t>(i)];
        y[static_cast<size_t>(j)] = s;
    }
    return y;
}

} // namespace

class TestProbe : public QObject
{
    Q_OBJECT

private slots:
    void everyNodeEqualsAForwardPassByHand()
    {
        Probe probe(xorGraph(), LossKind::BinaryCrossEntropy);
        const auto w = xorWeights(7);
        probe.loadWeights(w);
        const int64_t n = 9;
        const Tensor x = randomTensor({n, 2}, 11);
        // Nodes by id and by name ("hidden layer" is the Dense node "hidden").
        const auto outs = probe.evaluate(x, {"hidden layer", "tanh", "out", "sigmoid"});
        QCOMPARE(outs.size(), size_t(4));
        QCOMPARE(outs.at("hidden layer").shape(), (Shape{n, 3}));
        QCOMPARE(outs.at("sigmoid").shape(), (Shape{n, 1}));
        for (int64_t s = 0; s < n; ++s) {
            const std::vector<double> in{x.data()[2 * s], x.data()[2 * s + 1]};
            const auto h = dense(weight(w, "hidden.weight"), weight(w, "hidden.bias"), in);
            std::vector<double> t(h.size());
            for (size_t j = 0; j < h.size(); ++j)
                t[j] = std::tanh(h[j]);
            const double o = dense(weight(w, "out.weight"), weight(w, "out.bias"), t)[0];
            const double p = 1 / (1 + std::exp(-o));
            for (int j = 0; j < 3; ++j) {
                QVERIFY(std::fabs(outs.at("hidden layer").data()[s * 3 + j] - h[j]) < 1e-5);
                QVERIFY(std::fabs(outs.at("tanh").data()[s * 3 + j] - t[j]) < 1e-5);
            }
            QVERIFY(std::fabs(outs.at("out").data()[s] - o) < 1e-5);
            QVERIFY(std::fabs(outs.at("sigmoid").data()[s] - p) < 1e-5);
        }
    }

    void probabilitiesEqualTheTrainingNetworksOwn()
    {
        Project p = test::spirals(1);
        auto backend = createBackend("cpu");
        Network net(p.graph, *backend, LossKind::CrossEntropy, InitConvention::PyTorch, 5);
        Probe probe(p);
        probe.loadWeights(net.weightsToHost());
        const Tensor x = randomTensor({50, 2}, 3);
        net.evaluate(x);
        const Tensor expected = net.probabilities();
        std::map<std::string, Tensor> outs;
        const Tensor got = probe.probabilities(x, {"r2"}, outs);
        QCOMPARE(got.shape(), expected.shape());
        for (int64_t i = 0; i < got.numel(); ++i)
            QVERIFY(std::fabs(got.data()[i] - expected.data()[i]) < 1e-6);
        QCOMPARE(outs.at("r2").shape(), (Shape{50, 32}));
        QCOMPARE(probe.hiddenUnitNodes(),
                 (std::vector<std::string>{"h1", "r1", "h2", "r2"}));
        QCOMPARE(probe.outputNode(), std::string("softmax"));
    }

    void outputsRunInsideAnotherKernelAreKept()
    {
        // In a training network the ReLU runs inside max pooling's kernel and convolutions
        // may choose blocked layouts; a probe keeps every output, and answers the same.
        Project p;
        test::chain(p, {{"x", "Input", "x", {{"channels", 1}, {"height", 8}, {"width", 8}}},
                        {"conv", "Conv2D", "conv", {{"filters", 8}, {"kernel", 3}}},
                        {"relu", "ReLU", "relu", {}},
                        {"pool", "MaxPool2D", "pool", {{"pool", 2}}},
                        {"flat", "Flatten", "flat", {}},
                        {"fc", "Dense", "fc", {{"units", 3}}},
                        {"softmax", "Softmax", "softmax", {}}});
        auto backend = createBackend("cpu");
        Network net(p.graph, *backend, LossKind::CrossEntropy, InitConvention::Keras, 2);
        const Tensor x = randomTensor({4, 1, 8, 8}, 8);
        net.evaluate(x);
        const Tensor expected = net.probabilities();
        if (net.runsInsideConsumer("relu", 4))
            QVERIFY_THROWS_EXCEPTION(Error, net.nodeOutput("relu"));
        Probe probe(p);
        probe.loadWeights(net.weightsToHost());
        std::map<std::string, Tensor> outs;
        const Tensor got = probe.probabilities(x, {"conv", "relu", "pool"}, outs);
        for (int64_t i = 0; i < got.numel(); ++i)
            QVERIFY(std::fabs(got.data()[i] - expected.data()[i]) < 1e-5);
        QCOMPARE(outs.at("relu").shape(), (Shape{4, 8, 6, 6}));
        for (int64_t i = 0; i < outs.at("relu").numel(); ++i)
            QCOMPARE(outs.at("relu").data()[i], std::max(outs.at("conv").data()[i], 0.0f));
        QCOMPARE(outs.at("pool").shape(), (Shape{4, 8, 3, 3}));
    }

    void aSnapshotIsEvaluatedAndKept()
    {
        Probe probe(xorGraph(), LossKind::BinaryCrossEntropy);
        auto snap = std::make_shared<WeightsSnapshot>();
        snap->epoch = 2;
        snap->batch = 5;
        snap->weights = xorWeights(1);
        probe.load(snap);
        QCOMPARE(probe.snapshot().get(), snap.get());
        const Tensor x = randomTensor({4, 2}, 2);
        const Tensor a = probe.probabilities(x);
        probe.loadWeights(xorWeights(2));
        QVERIFY(!probe.snapshot());
        QVERIFY(probe.probabilities(x).toVector() != a.toVector());
        probe.load(snap);
        QCOMPARE(probe.probabilities(x).toVector(), a.toVector());
        QVERIFY_THROWS_EXCEPTION(Error, probe.load(nullptr));
    }

    void weightsOfAnotherModelAreRefusedAndChangeNothing()
    {
        Probe probe(xorGraph(), LossKind::BinaryCrossEntropy);
        probe.loadWeights(xorWeights(1));
        const Tensor x = randomTensor({4, 2}, 2);
        const std::vector<float> before = probe.probabilities(x).toVector();
        auto wrongShape = xorWeights(5);
        wrongShape.back().second = randomTensor({2}, 9); // out.bias of another width
        try {
            probe.loadWeights(wrongShape);
            QFAIL("weights of another shape were accepted");
        } catch (const Error &e) {
            QVERIFY2(std::string(e.what()).find("out.bias") != std::string::npos, e.what());
        }
        auto missing = xorWeights(5);
        missing.erase(missing.begin());
        QVERIFY_THROWS_EXCEPTION(Error, probe.loadWeights(missing));
        // The first weights were checked before any was copied: nothing changed.
        QCOMPARE(probe.probabilities(x).toVector(), before);
    }

    void badRequestsSayWhatIsWrong()
    {
        Probe probe(xorGraph(), LossKind::BinaryCrossEntropy);
        try {
            probe.evaluate(randomTensor({4, 2}, 1), {"nope"});
            QFAIL("an unknown node was accepted");
        } catch (const Error &e) {
            QVERIFY2(std::string(e.what()).find("'nope'") != std::string::npos, e.what());
        }
        try {
            probe.probabilities(randomTensor({4, 3}, 1));
            QFAIL("inputs of another shape were accepted");
        } catch (const Error &e) {
            QVERIFY2(std::string(e.what()).find("4×3") != std::string::npos, e.what());
        }
    }

    void theGridHoldsTheProbesAnswerAtEachCellCentre()
    {
        Probe probe(xorGraph(), LossKind::BinaryCrossEntropy);
        probe.loadWeights(xorWeights(3));
        GridSpec spec;
        spec.xMin = -1;
        spec.xMax = 2;
        spec.yMin = 0;
        spec.yMax = 4;
        spec.columns = 100;
        spec.rows = 101; // 10,100 cells: more than one batch
        const BoundaryGrid grid = evaluateGrid(probe, spec, probe.hiddenUnitNodes());
        QCOMPARE(grid.kind, BoundaryKind::Binary);
        QCOMPARE(grid.outputs, int64_t(1));
        QCOMPARE(grid.values.size(), size_t(10100));
        QCOMPARE(grid.units.at("tanh").shape(), (Shape{10100, 3}));
        for (auto [c, r] : {std::pair{0, 0}, {99, 100}, {42, 77}}) {
            const Tensor x = Tensor::fromVector(
                {1, 2}, {static_cast<float>(spec.x(c)), static_cast<float>(spec.y(r))});
            const auto one = probe.evaluate(x, {"sigmoid", "tanh"});
            QCOMPARE(*grid.cell(c, r), one.at("sigmoid").data()[0]);
            const int64_t cell = int64_t(r) * spec.columns + c;
            for (int j = 0; j < 3; ++j)
                QCOMPARE(grid.units.at("tanh").data()[cell * 3 + j], one.at("tanh").data()[j]);
        }
        QCOMPARE(spec.x(0), -1 + 0.015);
    }

    void theGridFollowsTheDataWithAMargin()
    {
        Dataset d;
        d.sampleShape = {2};
        d.features = {0, 0, 1, 0, 0, 1, 1, 3};
        d.labels = {0, 1, 1, 0};
        const GridSpec g = gridAround({&d, nullptr}, 100, 120, 0.1);
        QCOMPARE(g.xMin, -0.1);
        QCOMPARE(g.xMax, 1.1);
        QVERIFY(std::fabs(g.yMin + 0.3) < 1e-12 && std::fabs(g.yMax - 3.3) < 1e-12);
        QCOMPARE(g.rows, 120);
        Dataset three;
        three.sampleShape = {3};
        three.features = {0, 0, 0};
        three.labels = {0};
        QVERIFY_THROWS_EXCEPTION(Error, gridAround({&three}, 10, 10));
        QVERIFY_THROWS_EXCEPTION(Error, gridAround({}, 10, 10));
    }

    void aModelWithoutTwoFeaturesIsRefused()
    {
        Project p;
        test::chain(p, {{"x", "Input", "x", {{"features", 3}}},
                        {"out", "Dense", "out", {{"units", 2}}},
                        {"softmax", "Softmax", "softmax", {}}});
        Probe probe(p);
        try {
            evaluateGrid(probe, GridSpec{});
            QFAIL("a model on 3 features drew a boundary");
        } catch (const Error &e) {
            const std::string m = e.what();
            QVERIFY2(m.find("2 features") != std::string::npos &&
                         m.find("is 3") != std::string::npos,
                     e.what());
        }
    }

    void verdictsFollowTheLossRule()
    {
        const float half[] = {0.5f}, sure[] = {0.9f}, three[] = {0.2f, 0.7f, 0.1f};
        QCOMPARE(verdict(BoundaryKind::Binary, half, 1).predicted, 0);
        QCOMPARE(verdict(BoundaryKind::Binary, half, 1).confidence, 0.0);
        QCOMPARE(verdict(BoundaryKind::Binary, sure, 1).predicted, 1);
        QVERIFY(std::fabs(verdict(BoundaryKind::Binary, sure, 1).confidence - 0.8) < 1e-6);
        QCOMPARE(verdict(BoundaryKind::MultiClass, three, 3).predicted, 1);
        QVERIFY(std::fabs(verdict(BoundaryKind::MultiClass, three, 3).confidence - 0.55) < 1e-6);
        QCOMPARE(boundaryKind(LossKind::MeanSquaredError, 1), BoundaryKind::Regression);
        QCOMPARE(boundaryKind(LossKind::BinaryCrossEntropy, 1), BoundaryKind::Binary);
        QCOMPARE(boundaryKind(LossKind::CrossEntropy, 4), BoundaryKind::MultiClass);
    }

    void thePictureShadesClassesAndMarksMistakes()
    {
        // A hand-made grid: class 1 on the right half, class 0 on the left.
        BoundaryGrid grid;
        grid.grid = GridSpec{0, 1, 0, 1, 100, 100};
        grid.kind = BoundaryKind::MultiClass;
        grid.outputs = 2;
        for (int r = 0; r < 100; ++r)
            for (int c = 0; c < 100; ++c) {
                const float p1 = c < 50 ? 0.0f : 1.0f;
                grid.values.push_back(1 - p1);
                grid.values.push_back(p1);
            }
        BoundaryPoint right{0.75f, 0.25f, 1, 1.0f, 1, false, false};
        BoundaryPoint wrong{0.25f, 0.75f, 1, 1.0f, 0, true, false};
        const Picture pic = drawBoundary(grid, {right, wrong}, 200, 100);
        QCOMPARE(pic.width, 200);
        QCOMPARE(pic.rgb.size(), size_t(200 * 100 * 3));
        QCOMPARE(pic.at(20, 10), shadeColor(0, 1.0));
        QCOMPARE(pic.at(180, 10), shadeColor(1, 1.0));
        // Points: y up, so y = 0.25 is three quarters down the picture.
        QCOMPARE(pic.at(150, 75), classColor(1));
        QCOMPARE(pic.at(50, 25), classColor(1));
        // Radius 3: the misclassified point has a black ring to 5.5, the other a white one to 4.5.
        QCOMPARE(pic.at(54, 25), (Rgb{0, 0, 0}));
        QCOMPARE(pic.at(153, 75), (Rgb{255, 255, 255}));
        QCOMPARE(pic.at(155, 75), shadeColor(1, 1.0));
        QVERIFY_THROWS_EXCEPTION(Error, drawBoundary(grid, {}, 8, 100));
        QVERIFY_THROWS_EXCEPTION(Error, drawBoundary(BoundaryGrid{}, {}, 100, 100));
    }

    void regressionIsColouredByValue()
    {
        BoundaryGrid grid;
        grid.grid = GridSpec{0, 1, 0, 1, 100, 100};
        grid.kind = BoundaryKind::Regression;
        grid.outputs = 1;
        for (int r = 0; r < 100; ++r)
            for (int c = 0; c < 100; ++c)
                grid.values.push_back(c < 50 ? 0.0f : 1.0f);
        const Picture pic = drawBoundary(grid, {}, 100, 100);
        QCOMPARE(pic.at(5, 50), valueColor(0));
        QCOMPARE(pic.at(95, 50), valueColor(1));
        QCOMPARE(valueColor(0), classColor(0));
        QCOMPARE(valueColor(0.5), (Rgb{255, 255, 255}));
    }
};

QTEST_GUILESS_MAIN(TestProbe)
#include "test_probe.moc"
