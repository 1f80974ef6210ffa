// Conv2D: gradient check on every backend, oneDNN against the reference, hand-computed
// values, shape errors and Keras/PyTorch parameter counts.

#include "layer_harness.h"
#include "strata/shape_inference.h"

#include <QtTest>

using namespace strata;
using namespace strata::testing;

namespace {

struct ConvConfig
{
    int batch, channels, height, width, filters, kernel, stride;
    const char *padding;
    bool bias;
};

LayerCase convCase(const ConvConfig &k)
{
    LayerCase c;
    c.node = Node{"conv",
                  "Conv2D",
                  "conv",
                  {{"filters", k.filters},
                   {"kernel", k.kernel},
                   {"stride", k.stride},
                   {"padding", k.padding},
                   {"bias", k.bias}}};
    c.inputShapes = {{k.batch, k.channels, k.height, k.width}};
    return c;
}

// Kernels 1, 3, 5 (and 2, 4), strides 1..3, both paddings, with and without bias. The
// "asymmetric" rows need more padding at the bottom/right than at the top/left.
const std::vector<std::pair<const char *, ConvConfig>> &configs()
{
    static const std::vector<std::pair<const char *, ConvConfig>> all{
        {"k1 s1 valid", {2, 2, 5, 5, 3, 1, 1, "valid", true}},
        {"k3 s1 valid", {2, 3, 6, 6, 4, 3, 1, "valid", true}},
        {"k3 s1 same no bias", {2, 2, 5, 5, 3, 3, 1, "same", false}},
        {"k3 s2 same asymmetric 6x6", {2, 2, 6, 6, 3, 3, 2, "same", true}},
        {"k3 s2 valid no bias", {3, 2, 7, 7, 2, 3, 2, "valid", false}},
        {"k5 s2 valid", {2, 2, 9, 9, 2, 5, 2, "valid", true}},
        {"k5 s1 same one channel", {3, 1, 7, 7, 2, 5, 1, "same", false}},
        {"k2 s2 same asymmetric 5x7", {2, 2, 5, 7, 2, 2, 2, "same", true}},
        {"k4 s3 same asymmetric", {2, 2, 7, 7, 2, 4, 3, "same", true}},
    };
    return all;
}

GraphAnalysis analyzeChain(const Shape &input, const Node &layer)
{
    Graph g;
    if (input.size() == 3)
        g.addNode({"in",
                   "Input",
                   "in",
                   {{"channels", input[0]}, {"height", input[1]}, {"width", input[2]}}});
    else
        g.addNode({"in", "Input", "in", {{"features", input[0]}}});
    g.addNode(layer);
    g.connect({{"in", 0}, {layer.id, 0}});
    return analyze(g);
}

} // namespace

class TestConv2D : public QObject
{
    Q_OBJECT

private slots:
    void gradients_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<int>("config");
        for (const char *b : {"reference", "cpu"})
            for (size_t i = 0; i < configs().size(); ++i)
                QTest::newRow((std::string(b) + " " + configs()[i].first).c_str())
                    << QString(b) << static_cast<int>(i);
    }
    void gradients()
    {
        QFETCH(QString, backend);
        QFETCH(int, config);
        std::string worst;
        const double err = gradientCheckError(convCase(configs()[size_t(config)].second),
                                              backend.toStdString(), &worst, 1e-2);
        QVERIFY2(err < 5e-3, worst.c_str());
    }

    void matchesReference_data()
    {
        QTest::addColumn<int>("config");
        for (size_t i = 0; i < configs().size(); ++i)
            QTest::newRow(configs()[i].first) << static_cast<int>(i);
        QTest::newRow("large 4x3x12x12 to 8, k3 same") << -1;
        QTest::newRow("large 4x3x12x12 to 8, k5 s2 valid") << -2;
    }
    void matchesReference()
    {
        QFETCH(int, config);
        ConvConfig k = config >= 0    ? configs()[size_t(config)].second
                       : config == -1 ? ConvConfig{4, 3, 12, 12, 8, 3, 1, "same", true}
                                      : ConvConfig{4, 3, 12, 12, 8, 5, 2, "valid", true};
        std::string report;
        const double err = referenceComparisonError(convCase(k), "cpu", &report);
        QVERIFY2(err < 1e-4, report.c_str());
    }

    // Between convolutions the CPU kernel reads its input in the producer's channel block
    // and, when allowed, writes its output in the layout its primitive chose (see
    // LayoutUse); the harness converts on both sides, so results must not change.
    void blockedLayouts_data()
    {
        QTest::addColumn<int>("inputBlock");
        QTest::addColumn<bool>("allowed");
        for (int block : {1, 8, 16})
            for (bool allowed : {false, true})
                QTest::addRow("input block %d, blocked output %s", block,
                              allowed ? "allowed" : "refused")
                    << block << allowed;
    }
    void blockedLayouts()
    {
        QFETCH(int, inputBlock);
        QFETCH(bool, allowed);
        for (const ConvConfig &k : {ConvConfig{2, 16, 7, 7, 32, 3, 1, "valid", true},
                                    ConvConfig{3, 32, 6, 5, 16, 3, 2, "same", false}}) {
            LayerCase c = convCase(k);
            c.inputBlock = inputBlock;
            c.blockedOutputAllowed = allowed;
            const int64_t chosen = LayerHarness(c, "cpu").outputBlock();
            if (allowed) // every x86 oneDNN convolution blocks 16 or 32 channels
                QVERIFY2(chosen == 8 || chosen == 16, std::to_string(chosen).c_str());
            else
                QCOMPARE(chosen, int64_t(1));
            std::string report;
            QVERIFY2(referenceComparisonError(c, "cpu", &report) < 1e-4, report.c_str());
            QVERIFY2(gradientCheckError(c, "cpu", &report, 1e-2) < 5e-3, report.c_str());
        }
    }

    // A layer right after the Input gets no input gradient to write; the weight gradients
    // must not change because of it.
    void backwardWithoutInputGradient()
    {
        const LayerCase c = convCase({2, 3, 8, 8, 4, 3, 2, "same", true});
        LayerHarness h(c, "cpu");
        h.forward();
        Tensor r(h.outputShape);
        r.fill(0.5f);
        h.backward(r);

        auto backend = createBackend("cpu");
        std::vector<Tensor> grads;
        for (const Tensor &g : h.weightGrads)
            grads.emplace_back(g.shape());
        const nlohmann::json params = LayerRegistry::instance().resolveParams(c.node);
        KernelSetup setup{c.node, params, c.inputShapes, h.outputShape, h.weights, grads, *backend};
        auto kernel = backend->createKernel(setup);
        RunContext ctx{true, nullptr};
        Tensor out(h.outputShape);
        kernel->forward({&h.inputs[0]}, out, ctx);
        kernel->backward({&h.inputs[0]}, out, r, {nullptr}, ctx);
        for (size_t i = 0; i < grads.size(); ++i)
            QVERIFY(maxRelativeError(grads[i], h.weightGrads[i]) < 1e-6);
    }

    void knownValues_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("reference") << QString("reference");
        QTest::newRow("cpu") << QString("cpu");
    }
    void knownValues()
    {
        QFETCH(QString, backend);
        // 1 channel 3×3 input 1..9, one 2×2 kernel of ones: each output sums a 2×2 block.
        LayerHarness valid(convCase({1, 1, 3, 3, 1, 2, 1, "valid", false}), backend.toStdString());
        for (int i = 0; i < 9; ++i)
            valid.inputs[0].data()[i] = float(i + 1);
        valid.weights[0].fill(1.0f);
        valid.forward();
        QCOMPARE(valid.output.toVector(), (std::vector<float>{12, 16, 24, 28}));

        // "same" pads like Keras: the single padding row and column go at the bottom and
        // right, so the last row and column only see the image's edge.
        LayerHarness same(convCase({1, 1, 3, 3, 1, 2, 1, "same", true}), backend.toStdString());
        for (int i = 0; i < 9; ++i)
            same.inputs[0].data()[i] = float(i + 1);
        same.weights[0].fill(1.0f);
        same.weights[1].fill(0.5f);
        same.forward();
        QCOMPARE(same.output.toVector(),
                 (std::vector<float>{12.5f, 16.5f, 9.5f, 24.5f, 28.5f, 15.5f, 15.5f, 17.5f, 9.5f}));
    }

    void flatInputRefused()
    {
        GraphAnalysis a = analyzeChain({784}, {"c1", "Conv2D", "c1", {{"filters", 8}}});
        const NodeAnalysis *c = a.find("c1");
        QCOMPARE(c->status, NodeStatus::Error);
        QVERIFY2(c->message.find("Conv2D 'c1'") != std::string::npos, c->message.c_str());
        QVERIFY2(c->message.find("784") != std::string::npos, c->message.c_str());
        QVERIFY2(c->message.find("channels, height and width") != std::string::npos,
                 c->message.c_str());
    }

    void kernelLargerThanInputRefused()
    {
        GraphAnalysis a = analyzeChain({1, 3, 4}, {"c1", "Conv2D", "c1", {{"kernel", 5}}});
        const NodeAnalysis *c = a.find("c1");
        QCOMPARE(c->status, NodeStatus::Error);
        QVERIFY2(c->message.find("Conv2D 'c1'") != std::string::npos, c->message.c_str());
        QVERIFY2(c->message.find("3×4") != std::string::npos, c->message.c_str());
        QVERIFY2(c->message.find("smaller than the 5×5 kernel") != std::string::npos,
                 c->message.c_str());
        QVERIFY2(c->message.find("\"same\"") != std::string::npos, c->message.c_str());

        // The fix it suggests works.
        GraphAnalysis fixed =
            analyzeChain({1, 3, 4}, {"c1", "Conv2D", "c1", {{"kernel", 5}, {"padding", "same"}}});
        QVERIFY(fixed.ok());
        QCOMPARE(fixed.find("c1")->output, (Shape{32, 3, 4}));
    }

    void parameterCountsMatchKerasAndPyTorch()
    {
        GraphAnalysis a = analyzeChain({1, 28, 28}, {"c1", "Conv2D", "c1", {{"filters", 32}}});
        QVERIFY(a.ok());
        QCOMPARE(a.find("c1")->params, int64_t(320));
        QCOMPARE(a.find("c1")->trainableParams, int64_t(320));
        QCOMPARE(a.find("c1")->output, (Shape{32, 26, 26}));
        QCOMPARE(a.find("c1")->flops, int64_t(2 * 9 * 32 * 26 * 26 + 32 * 26 * 26));

        GraphAnalysis same = analyzeChain(
            {1, 28, 28}, {"c1", "Conv2D", "c1", {{"filters", 32}, {"padding", "same"}}});
        QCOMPARE(same.find("c1")->output, (Shape{32, 28, 28}));

        GraphAnalysis strided = analyzeChain(
            {3, 32, 32}, {"c1",
                          "Conv2D",
                          "c1",
                          {{"filters", 64}, {"kernel", 5}, {"stride", 2}, {"bias", false}}});
        QCOMPARE(strided.find("c1")->params, int64_t(64 * 3 * 5 * 5));
        QCOMPARE(strided.find("c1")->output, (Shape{64, 14, 14}));
    }
};

QTEST_APPLESS_MAIN(TestConv2D)
#include "test_conv2d.moc"
