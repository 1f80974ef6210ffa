// LayerNorm and GroupNorm: gradient checks on every backend and rank, the CPU loops against
// the reference, known values (a constant input gives beta; mean 0 and variance 1 per row),
// training and evaluation alike, weight shapes and the malformed-settings table.

#include "layer_harness.h"
#include "strata/shape_inference.h"

#include <QtTest>

#include <cmath>
#include <functional>

using namespace strata;
using namespace strata::testing;

namespace {

struct NormConfig
{
    const char *name;
    const char *type;
    nlohmann::json params;
    Shape input; // with batch
};

const std::vector<NormConfig> &configs()
{
    using J = nlohmann::json;
    static const std::vector<NormConfig> all{
        {"LayerNorm sample image", "LayerNorm", J::object(), {3, 2, 3, 4}},
        {"LayerNorm sample flat", "LayerNorm", J::object(), {4, 7}},
        {"LayerNorm channels image", "LayerNorm", J{{"over", "channels"}}, {2, 5, 3, 2}},
        {"LayerNorm channels flat", "LayerNorm", J{{"over", "channels"}}, {3, 6}},
        {"LayerNorm batch 1 epsilon 1e-3", "LayerNorm", J{{"epsilon", 1e-3}}, {1, 3, 2, 2}},
        {"GroupNorm 2 groups image", "GroupNorm", J{{"groups", 2}}, {2, 4, 3, 3}},
        {"GroupNorm 1 group image", "GroupNorm", J{{"groups", 1}}, {3, 3, 2, 3}},
        {"GroupNorm instance image", "GroupNorm", J{{"groups", 3}}, {2, 3, 4, 2}},
        {"GroupNorm 3 groups flat", "GroupNorm", J{{"groups", 3}}, {4, 12}},
    };
    return all;
}

LayerCase normCase(const NormConfig &k, bool training = true)
{
    LayerCase c;
    c.node = Node{"norm", k.type, "norm", k.params};
    c.inputShapes = {k.input};
    c.training = training;
    return c;
}

// Mean and biased variance of the values of one sample that `member` selects.
template <typename F> std::pair<double, double> stats(const float *x, int64_t size, F member)
{
    double sum = 0, sq = 0;
    int64_t count = 0;
    for (int64_t p = 0; p < size; ++p)
        if (member(p)) {
            sum += x[p];
            ++count;
        }
    const double mean = sum / double(count);
    for (int64_t p = 0; p < size; ++p)
        if (member(p))
            sq += (x[p] - mean) * (x[p] - mean);
    return {mean, sq / double(count)};
}

void addBackendRows()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("reference") << QString("reference");
    QTest::newRow("cpu") << QString("cpu");
}

GraphAnalysis analyzeChain(const std::string &type, const nlohmann::json &input,
                           const nlohmann::json &params)
{
    Graph g;
    g.addNode({"in", "Input", "in", input});
    g.addNode({"n1", type, "n1", params});
    g.connect({{"in", 0}, {"n1", 0}});
    return analyze(g);
}

} // namespace

class TestNorm : public QObject
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
        std::string worst;
        const double err = gradientCheckError(normCase(configs()[size_t(config)]),
                                              backend.toStdString(), &worst, 1e-2);
        QVERIFY2(err < 5e-3, worst.c_str());
    }

    void matchesReference_data()
    {
        QTest::addColumn<int>("config");
        for (size_t i = 0; i < configs().size(); ++i)
            QTest::newRow(configs()[i].name) << static_cast<int>(i);
        QTest::newRow("large LayerNorm image") << -1;
        QTest::newRow("large LayerNorm channels") << -2;
        QTest::newRow("large GroupNorm") << -3;
    }
    void matchesReference()
    {
        QFETCH(int, config);
        static const std::vector<NormConfig> large{
            {"", "LayerNorm", nlohmann::json::object(), {8, 16, 7, 7}},
            {"", "LayerNorm", {{"over", "channels"}}, {4, 32, 6, 5}},
            {"", "GroupNorm", {{"groups", 8}}, {6, 32, 5, 7}},
        };
        const NormConfig &k = config >= 0 ? configs()[size_t(config)] : large[size_t(-config - 1)];
        std::string report;
        const double err = referenceComparisonError(normCase(k), "cpu", &report);
        QVERIFY2(err < 1e-4, report.c_str());
    }

    // No running statistics: evaluation computes what training computes.
    void trainingAndEvaluationAgree_data() { matchesReference_data(); }
    void trainingAndEvaluationAgree()
    {
        QFETCH(int, config);
        if (config < 0)
            return;
        const NormConfig &k = configs()[size_t(config)];
        LayerHarness train(normCase(k, true), "cpu"), eval(normCase(k, false), "cpu");
        train.forward();
        eval.forward();
        QCOMPARE(maxRelativeError(train.output, eval.output), 0.0);
    }

    // A constant sample has variance 0, so x̂ = 0 and the output is beta.
    void constantInputGivesBeta()
    {
        for (const char *backend : {"reference", "cpu"})
            for (const NormConfig &k : configs()) {
                LayerHarness h(normCase(k), backend);
                h.inputs[0].fill(2.5f);
                h.forward();
                const int64_t size = h.output.numel() / k.input[0];
                const int64_t affine = h.weights[1].numel(), per = size / affine;
                for (int64_t i = 0; i < h.output.numel(); ++i) {
                    const float beta = h.weights[1].data()[(i % size) / per];
                    QVERIFY2(std::fabs(h.output.data()[i] - beta) < 1e-5f,
                             (std::string(backend) + " " + k.name).c_str());
                }
            }
    }

    // With gamma 1 and beta 0 each row comes out with mean 0 and variance 1 (less ε's share).
    void normalisesEachRow_data() { addBackendRows(); }
    void normalisesEachRow()
    {
        QFETCH(QString, backend);
        struct Row
        {
            const char *type;
            nlohmann::json params;
            std::function<bool(int64_t p, int64_t row)> member; // p of {4, 6, 5} in row
            int rows;
        };
        const std::vector<Row> cases{
            {"LayerNorm", nlohmann::json::object(), [](int64_t, int64_t) { return true; }, 1},
            {"LayerNorm",
             {{"over", "channels"}},
             [](int64_t p, int64_t r) { return p % 30 == r; },
             30},
            {"GroupNorm", {{"groups", 2}}, [](int64_t p, int64_t r) { return p / 60 == r; }, 2},
        };
        for (const Row &row : cases) {
            LayerCase c;
            c.node = Node{"norm", row.type, "norm", row.params};
            c.inputShapes = {{2, 4, 6, 5}};
            LayerHarness h(c, backend.toStdString());
            for (int64_t i = 0; i < h.inputs[0].numel(); ++i)
                h.inputs[0].data()[i] = 3.0f * h.inputs[0].data()[i] + 2.0f;
            h.weights[0].fill(1.0f);
            h.weights[1].fill(0.0f);
            h.forward();
            for (int64_t n = 0; n < 2; ++n)
                for (int64_t r = 0; r < row.rows; ++r) {
                    const auto [mean, var] = stats(h.output.data() + n * 120, 120,
                                                   [&](int64_t p) { return row.member(p, r); });
                    QVERIFY2(std::fabs(mean) < 1e-5, row.type);
                    QVERIFY2(std::fabs(var - 1) < 1e-3, row.type);
                }
        }
    }

    // y = γ·(x − mean)/sqrt(var + ε) + β on a hand-sized GroupNorm: two groups of one channel
    // of two values each, {1, 3} and {0, 4}; γ = {2, 1}, β = {0.5, -1}, ε = 1e-5 (PyTorch's
    // nn.GroupNorm(2, 2) gives the same numbers).
    void handComputedGroupNorm_data() { addBackendRows(); }
    void handComputedGroupNorm()
    {
        QFETCH(QString, backend);
        LayerCase c;
        c.node = Node{"gn", "GroupNorm", "gn", {{"groups", 2}}};
        c.inputShapes = {{1, 2, 1, 2}};
        LayerHarness h(c, backend.toStdString());
        h.inputs[0] = Tensor::fromVector({1, 2, 1, 2}, {1, 3, 0, 4});
        h.weights[0].data()[0] = 2;
        h.weights[0].data()[1] = 1;
        h.weights[1].data()[0] = 0.5f;
        h.weights[1].data()[1] = -1;
        h.forward();
        const double a = 1 / std::sqrt(1 + 1e-5), b = 2 / std::sqrt(4 + 1e-5);
        const std::vector<double> want{0.5 - 2 * a, 0.5 + 2 * a, -1 - b, -1 + b};
        for (size_t i = 0; i < want.size(); ++i)
            QVERIFY(std::fabs(h.output.data()[i] - want[i]) < 1e-5);
    }

    void weightShapes()
    {
        const LayerType &ln = LayerRegistry::instance().get("LayerNorm");
        const LayerType &gn = LayerRegistry::instance().get("GroupNorm");
        const Node node{"n", "LayerNorm", "n", nlohmann::json::object()};
        const auto sample = ln.weights(node, {{"over", "sample"}}, {{4, 3, 2}});
        QCOMPARE(sample[0].shape, (Shape{4, 3, 2}));
        QCOMPARE(sample[1].name, std::string("beta"));
        QCOMPARE(ln.weights(node, {{"over", "channels"}}, {{4, 3, 2}})[0].shape, (Shape{4}));
        QCOMPARE(gn.weights(node, {{"groups", 2}}, {{4, 3, 2}})[1].shape, (Shape{4}));
        QCOMPARE(ln.category, std::string("Normalization"));
    }

    void malformed_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("params");
        QTest::addColumn<QStringList>("needles");
        const QString image = R"({"channels": 6, "height": 4, "width": 4})";
        QTest::newRow("groups not dividing the channels")
            << "GroupNorm" << image << R"({"groups": 4})"
            << QStringList{"GroupNorm 'n1'", "6 channels into 4 groups", "does not divide",
                           "one of 1, 2, 3, 6"};
        QTest::newRow("groups not dividing the features")
            << "GroupNorm"
            << R"({"features": 10})"
            << R"({"groups": 3})"
            << QStringList{"GroupNorm 'n1'", "10 channels into 3 groups", "1, 2, 5, 10"};
        QTest::newRow("groups not dividing many channels, the choices cut short")
            << "GroupNorm"
            << R"({"features": 720})"
            << R"({"groups": 7})"
            << QStringList{"720 channels into 7 groups",
                           "1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16 … 720"};
        QTest::newRow("more groups than channels")
            << "GroupNorm" << image << R"({"groups": 12})"
            << QStringList{"6 channels into 12 groups", "one of 1, 2, 3, 6"};
        QTest::newRow("zero groups") << "GroupNorm" << image << R"({"groups": 0})"
                                     << QStringList{"GroupNorm 'n1'", "'groups'", "between 1"};
        QTest::newRow("GroupNorm epsilon 0") << "GroupNorm" << image << R"({"epsilon": 0})"
                                             << QStringList{"GroupNorm 'n1'", "'epsilon'"};
        QTest::newRow("LayerNorm epsilon 0") << "LayerNorm" << image << R"({"epsilon": 0})"
                                             << QStringList{"LayerNorm 'n1'", "'epsilon'"};
        QTest::newRow("LayerNorm negative epsilon")
            << "LayerNorm" << image << R"({"epsilon": -1e-5})"
            << QStringList{"LayerNorm 'n1'", "'epsilon'"};
        QTest::newRow("LayerNorm over something else")
            << "LayerNorm" << image << R"({"over": "rows"})"
            << QStringList{"LayerNorm 'n1'", "'over'", "sample", "channels"};
    }
    void malformed()
    {
        QFETCH(QString, type);
        QFETCH(QString, input);
        QFETCH(QString, params);
        QFETCH(QStringList, needles);
        GraphAnalysis a =
            analyzeChain(type.toStdString(), nlohmann::json::parse(input.toStdString()),
                         nlohmann::json::parse(params.toStdString()));
        const NodeAnalysis *p = a.find("n1");
        QCOMPARE(p->status, NodeStatus::Error);
        for (const QString &n : needles)
            QVERIFY2(p->message.find(n.toStdString()) != std::string::npos, p->message.c_str());
    }
};

QTEST_APPLESS_MAIN(TestNorm)
#include "test_norm.moc"
