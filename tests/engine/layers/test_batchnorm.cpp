// BatchNorm: gradient check on every backend (training and evaluation, images and flat
// features), oneDNN against the reference, the normalisation itself, the running-statistics
// rule, and Keras/PyTorch parameter counts.

#include "layer_harness.h"
#include "strata/shape_inference.h"

#include <QtTest>

#include <cmath>

using namespace strata;
using namespace strata::testing;

namespace {

LayerCase bnCase(const Shape &input, bool training, double momentum = 0.99, double epsilon = 1e-3)
{
    LayerCase c;
    c.node = Node{"bn", "BatchNorm", "bn", {{"momentum", momentum}, {"epsilon", epsilon}}};
    c.inputShapes = {input};
    c.training = training;
    return c;
}

struct BnConfig
{
    const char *name;
    Shape input;
    bool training;
};

const std::vector<BnConfig> &configs()
{
    static const std::vector<BnConfig> all{
        {"image training", {4, 3, 3, 3}, true},
        {"image 5x4 training", {2, 4, 5, 4}, true},
        {"flat training", {6, 5}, true},
        {"flat batch 3 training", {3, 4}, true},
        {"image evaluation", {3, 3, 2, 4}, false},
        {"flat evaluation", {5, 4}, false},
        // One value per channel in multiples of 16: the CPU kernel views them as nChw16c.
        {"flat 32 features training", {6, 32}, true},
        {"1x1 image 32 channels training", {4, 32, 1, 1}, true},
        {"flat 16 features evaluation", {3, 16}, false},
    };
    return all;
}

// Per-channel mean and biased variance of an {N, C, S...} tensor.
std::pair<double, double> channelStats(const Tensor &t, int64_t c)
{
    const int64_t n = t.dim(0), channels = t.dim(1), s = t.numel() / (n * channels);
    double sum = 0, sq = 0;
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < s; ++j)
            sum += t.data()[(i * channels + c) * s + j];
    const double mean = sum / double(n * s);
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < s; ++j) {
            const double d = t.data()[(i * channels + c) * s + j] - mean;
            sq += d * d;
        }
    return {mean, sq / double(n * s)};
}

} // namespace

class TestBatchNorm : public QObject
{
    Q_OBJECT

private slots:
    void gradients_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<int>("config");
        for (const char *b : {"reference", "cpu"})
            for (size_t i = 0; i < configs().size(); ++i)
                QTest::newRow((std::string(b) + " " + configs()[i].name).c_str())
                    << QString(b) << static_cast<int>(i);
    }
    void gradients()
    {
        QFETCH(QString, backend);
        QFETCH(int, config);
        const BnConfig &k = configs()[size_t(config)];
        std::string worst;
        const double err =
            gradientCheckError(bnCase(k.input, k.training), backend.toStdString(), &worst, 1e-2);
        QVERIFY2(err < 5e-3, worst.c_str());
    }

    void matchesReference_data()
    {
        QTest::addColumn<int>("config");
        for (size_t i = 0; i < configs().size(); ++i)
            QTest::newRow(configs()[i].name) << static_cast<int>(i);
        QTest::newRow("large image training") << -1;
        QTest::newRow("large flat training") << -2;
    }
    void matchesReference()
    {
        QFETCH(int, config);
        const LayerCase c = config >= 0    ? bnCase(configs()[size_t(config)].input,
                                                    configs()[size_t(config)].training)
                            : config == -1 ? bnCase({8, 16, 6, 6}, true)
                                           : bnCase({32, 100}, true);
        std::string report;
        const double err = referenceComparisonError(c, "cpu", &report);
        QVERIFY2(err < 1e-4, report.c_str());

        // The running statistics each backend leaves behind agree too.
        LayerHarness fast(c, "cpu"), ref(c, "reference");
        fast.forward();
        ref.forward();
        for (size_t i = 2; i < 4; ++i)
            QVERIFY2(maxRelativeError(fast.weights[i], ref.weights[i]) < 1e-5,
                     fast.weightSpecs[i].name.c_str());
    }

    // Between convolutions BatchNorm normalises channel-blocked images in their layout, in
    // training and in evaluation, and leaves the same running statistics.
    void blockedLayouts_data()
    {
        QTest::addColumn<int>("block");
        QTest::addColumn<bool>("training");
        for (int block : {8, 16})
            for (bool training : {true, false})
                QTest::addRow("block %d, %s", block, training ? "training" : "evaluation")
                    << block << training;
    }
    void blockedLayouts()
    {
        QFETCH(int, block);
        QFETCH(bool, training);
        LayerCase c = bnCase({3, 32, 3, 5}, training, 0.9, 1e-5);
        c.inputBlock = block;
        c.blockedOutputAllowed = true;
        LayerHarness fast(c, "cpu");
        QCOMPARE(fast.outputBlock(), int64_t(block));
        std::string report;
        QVERIFY2(referenceComparisonError(c, "cpu", &report) < 1e-4, report.c_str());
        c.inputBlock = 1;
        c.blockedOutputAllowed = false;
        LayerHarness ref(c, "reference");
        fast.forward();
        ref.forward();
        for (size_t i = 2; i < 4; ++i)
            QVERIFY2(maxRelativeError(fast.weights[i], ref.weights[i]) < 1e-5,
                     fast.weightSpecs[i].name.c_str());
    }

    void normalisesInTraining_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("reference") << QString("reference");
        QTest::newRow("cpu") << QString("cpu");
    }
    void normalisesInTraining()
    {
        QFETCH(QString, backend);
        const double momentum = 0.9, eps = 1e-5;
        LayerHarness h(bnCase({8, 3, 4, 4}, true, momentum, eps), backend.toStdString());
        for (int64_t i = 0; i < h.inputs[0].numel(); ++i)
            h.inputs[0].data()[i] = 3.0f * h.inputs[0].data()[i] + 2.0f; // mean 2, var 3
        h.weights[0].fill(1.0f);                                         // gamma
        h.weights[1].fill(0.0f);                                         // beta
        h.weights[2].fill(0.5f);                                         // running_mean
        h.weights[3].fill(2.0f);                                         // running_var
        h.forward();
        const int64_t count = 8 * 4 * 4;
        for (int64_t c = 0; c < 3; ++c) {
            const auto [outMean, outVar] = channelStats(h.output, c);
            QVERIFY2(std::fabs(outMean) < 1e-5, std::to_string(outMean).c_str());
            QVERIFY2(std::fabs(outVar - 1) < 1e-3, std::to_string(outVar).c_str());

            // running = momentum·running + (1 − momentum)·batch, with the unbiased variance.
            const auto [mean, var] = channelStats(h.inputs[0], c);
            const double unbiased = var * count / (count - 1);
            QVERIFY(std::fabs(h.weights[2].data()[c] - (momentum * 0.5 + 0.1 * mean)) < 1e-5);
            QVERIFY(std::fabs(h.weights[3].data()[c] - (momentum * 2.0 + 0.1 * unbiased)) < 1e-4);
        }
    }

    void evaluationUsesRunningStatistics_data() { normalisesInTraining_data(); }
    void evaluationUsesRunningStatistics()
    {
        QFETCH(QString, backend);
        LayerHarness h(bnCase({2, 2}, false, 0.99, 1e-3), backend.toStdString());
        h.inputs[0] = Tensor::fromVector({2, 2}, {1, 2, 3, 4});
        const std::vector<float> gamma{2, 1}, beta{0.5f, -1}, mean{1, 2}, var{3.999f, 0.999f};
        std::copy(gamma.begin(), gamma.end(), h.weights[0].data());
        std::copy(beta.begin(), beta.end(), h.weights[1].data());
        std::copy(mean.begin(), mean.end(), h.weights[2].data());
        std::copy(var.begin(), var.end(), h.weights[3].data());
        h.forward();
        // y = gamma·(x − mean)/sqrt(var + eps) + beta, with var + eps = 4 and 1.
        const std::vector<float> expected{0.5f, -1, 2 * 2 / 2.0f + 0.5f, 2 - 1.0f};
        for (size_t i = 0; i < 4; ++i)
            QVERIFY2(std::fabs(h.output.toVector()[i] - expected[i]) < 1e-5,
                     std::to_string(h.output.toVector()[i]).c_str());
        // Evaluation leaves the running statistics alone.
        QCOMPARE(h.weights[2].toVector(), mean);
        QCOMPARE(h.weights[3].toVector(), var);
    }

    // A BatchNorm right after the Input gets no input gradient to write; its weight
    // gradients must come out the same.
    void backwardWithoutInputGradient()
    {
        const LayerCase c = bnCase({4, 3, 2, 2}, true);
        LayerHarness h(c, "cpu");
        h.forward();
        Tensor r(h.outputShape);
        for (int64_t i = 0; i < r.numel(); ++i)
            r.data()[i] = float(i % 5) - 2;
        h.backward(r);

        auto backend = createBackend("cpu");
        std::vector<Tensor> grads;
        for (const Tensor &g : h.weightGrads)
            grads.emplace_back(g.shape());
        const nlohmann::json params = LayerRegistry::instance().resolveParams(c.node);
        std::vector<Tensor> weights;
        for (const Tensor &w : h.weights)
            weights.push_back(w.clone()); // the harness's forward moved its running stats
        KernelSetup setup{c.node, params, c.inputShapes, h.outputShape, weights, grads, *backend};
        auto kernel = backend->createKernel(setup);
        RunContext ctx{true, nullptr};
        Tensor out(h.outputShape);
        kernel->forward({&h.inputs[0]}, out, ctx);
        kernel->backward({&h.inputs[0]}, out, r, {nullptr}, ctx);
        for (size_t i = 0; i < 2; ++i)
            QVERIFY(maxRelativeError(grads[i], h.weightGrads[i]) < 1e-6);
    }

    void parameterCountsMatchKerasAndPyTorch()
    {
        Graph g;
        g.addNode({"in", "Input", "in", {{"channels", 1}, {"height", 28}, {"width", 28}}});
        g.addNode({"c1", "Conv2D", "c1", {{"filters", 32}}});
        g.addNode({"bn", "BatchNorm", "bn", {}});
        g.connect({{"in", 0}, {"c1", 0}});
        g.connect({{"c1", 0}, {"bn", 0}});
        GraphAnalysis a = analyze(g);
        QVERIFY(a.ok());
        QCOMPARE(a.find("bn")->output, (Shape{32, 26, 26}));
        QCOMPARE(a.find("bn")->params, int64_t(128));
        QCOMPARE(a.find("bn")->trainableParams, int64_t(64));

        Graph flat;
        flat.addNode({"in", "Input", "in", {{"features", 10}}});
        flat.addNode({"bn", "BatchNorm", "bn", {}});
        flat.connect({{"in", 0}, {"bn", 0}});
        GraphAnalysis f = analyze(flat);
        QVERIFY(f.ok());
        QCOMPARE(f.find("bn")->output, (Shape{10}));
        QCOMPARE(f.find("bn")->params, int64_t(40));
    }

    void defaultsFollowKeras()
    {
        const nlohmann::json p =
            LayerRegistry::instance().resolveParams(Node{"bn", "BatchNorm", "bn", {}});
        QCOMPARE(p.at("momentum").get<double>(), 0.99);
        QCOMPARE(p.at("epsilon").get<double>(), 1e-3);
        try {
            LayerRegistry::instance().resolveParams(
                Node{"bn", "BatchNorm", "bn", {{"epsilon", 0.0}}});
            QFAIL("epsilon 0 accepted");
        } catch (const ShapeError &e) {
            QVERIFY2(std::string(e.what()).find("epsilon") != std::string::npos, e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestBatchNorm)
#include "test_batchnorm.moc"
