// Optimizers: the host update rules against hand-computed PyTorch values, the Optimizer class
// on a small host backend (frozen parameters, state round trip, errors) and the JSON spec.

#include "backends/host_updates.h"
#include "optim/optimizer.h"
#include "strata/errors.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace strata;

namespace {

// Every case starts from these three weights and (first) gradients.
const std::vector<float> w0{1.0f, -2.0f, 0.5f};
const std::vector<float> g0{0.5f, 1.0f, -1.0f};

// Runs the optimizer rules on host tensors through the internal host functions, as the CPU
// and reference backends do; kernels and losses are not needed here.
class HostTestBackend final : public Backend
{
public:
    std::string kind() const override { return "host-test"; }
    Device device() const override { return {}; }
    std::string description() const override { return "host arrays (optimizer tests)"; }
    Tensor allocate(const Shape &shape) override { return Tensor(shape); }
    void copyFromHost(const Tensor &host, Tensor &t) override { transfer(host, t); }
    void copyToHost(const Tensor &t, Tensor &host) override { transfer(t, host); }
    std::unique_ptr<LossKernel> createLoss(const LossSetup &) override { unused(); }
    void accumulate(Tensor &, const Tensor &) override { unused(); }
    void copy(const Tensor &, Tensor &) override { unused(); }
    void sgdUpdate(Tensor &w, const Tensor &g, Tensor &velocity, const SgdStep &s) override
    {
        internal::hostSgdUpdate(w.data(), g.data(), velocity.data(), w.numel(), s);
    }
    void adamUpdate(Tensor &w, const Tensor &g, Tensor &m, Tensor &v, const AdamStep &s) override
    {
        internal::hostAdamUpdate(w.data(), g.data(), m.data(), v.data(), w.numel(), s);
    }
    void rmspropUpdate(Tensor &w, const Tensor &g, Tensor &square, Tensor &momentum,
                       const RmspropStep &s) override
    {
        internal::hostRmspropUpdate(w.data(), g.data(), square.data(), momentum.data(), w.numel(),
                                    s);
    }
    bool allFinite(const Tensor &t) override
    {
        return internal::hostAllFinite(t.data(), t.numel());
    }

private:
    [[noreturn]] static void unused() { throw BackendError("not needed by optimizer tests"); }
    static void transfer(const Tensor &from, Tensor &to)
    {
        if (from.shape() != to.shape())
            throw BackendError("copy between shapes " + toString(from.shape()) + " and " +
                               toString(to.shape()));
        std::copy(from.data(), from.data() + from.numel(), to.data());
    }
};

// Empty when every value is within tol of the expected one; otherwise what differs.
QString valueMismatch(const std::vector<float> &actual, const std::vector<double> &expected,
                      double tol = 2e-6)
{
    if (actual.size() != expected.size())
        return QString("%1 values, expected %2").arg(actual.size()).arg(expected.size());
    for (size_t i = 0; i < actual.size(); ++i)
        if (!(std::abs(actual[i] - expected[i]) <= tol))
            return QString("value %1 is %2, expected %3")
                .arg(i)
                .arg(actual[i], 0, 'g', 9)
                .arg(expected[i], 0, 'g', 9);
    return {};
}

#define EXPECT_VALUES(actual, ...)                                                                 \
    do {                                                                                           \
        const QString m_ = valueMismatch(actual, __VA_ARGS__);                                     \
        QVERIFY2(m_.isEmpty(), qPrintable(m_));                                                    \
    } while (false)

std::vector<Parameter> makeParams()
{
    std::vector<Parameter> params(2);
    params[0].name = "fc.weight";
    params[0].value = Tensor::fromVector({3}, w0);
    params[0].grad = Tensor::fromVector({3}, g0);
    params[1].name = "bn.running_mean"; // frozen: never updated, no state
    params[1].value = Tensor::fromVector({2}, {5.0f, 6.0f});
    params[1].trainable = false;
    return params;
}

void setGrad(Parameter &p, const std::vector<float> &g)
{
    p.grad = Tensor::fromVector({3}, g);
}

} // namespace

class TestOptimizers : public QObject
{
    Q_OBJECT

private slots:
    // ---- host update rules (torch.optim arithmetic) ----

    void sgdPlain()
    {
        // w -= 0.1 * g: 1 - 0.05, -2 - 0.1, 0.5 + 0.1
        std::vector<float> w = w0;
        internal::hostSgdUpdate(w.data(), g0.data(), nullptr, 3, {0.1f, 0, 0, false});
        EXPECT_VALUES(w, {0.95, -2.1, 0.6});
    }

    void sgdMomentumTwoSteps()
    {
        // step 1: buf = g = (0.5, 1, -1); w = w - 0.1 buf = (0.95, -2.1, 0.6)
        // step 2: buf = 0.9 g + g = (0.95, 1.9, -1.9); w -= 0.1 buf = (0.855, -2.29, 0.79)
        std::vector<float> w = w0, buf(3, 0.0f);
        const SgdStep s{0.1f, 0.9f, 0, false};
        internal::hostSgdUpdate(w.data(), g0.data(), buf.data(), 3, s);
        EXPECT_VALUES(w, {0.95, -2.1, 0.6});
        internal::hostSgdUpdate(w.data(), g0.data(), buf.data(), 3, s);
        EXPECT_VALUES(buf, {0.95, 1.9, -1.9});
        EXPECT_VALUES(w, {0.855, -2.29, 0.79});
    }

    void sgdNesterovTwoSteps()
    {
        // step 1: buf = g; d = g + 0.9 buf = 1.9 g; w -= 0.19 g = (0.905, -2.19, 0.69)
        // step 2: buf = 1.9 g; d = g + 0.9 * 1.9 g = 2.71 g; w -= 0.271 g
        //         = (0.905 - 0.1355, -2.19 - 0.271, 0.69 + 0.271)
        std::vector<float> w = w0, buf(3, 0.0f);
        const SgdStep s{0.1f, 0.9f, 0, true};
        internal::hostSgdUpdate(w.data(), g0.data(), buf.data(), 3, s);
        EXPECT_VALUES(w, {0.905, -2.19, 0.69});
        internal::hostSgdUpdate(w.data(), g0.data(), buf.data(), 3, s);
        EXPECT_VALUES(w, {0.7695, -2.461, 0.961});
    }

    void sgdWeightDecay()
    {
        // d = g + 0.01 w = (0.51, 0.98, -0.995); w -= 0.1 d = (0.949, -2.098, 0.5995)
        std::vector<float> w = w0;
        internal::hostSgdUpdate(w.data(), g0.data(), nullptr, 3, {0.1f, 0, 0.01f, false});
        EXPECT_VALUES(w, {0.949, -2.098, 0.5995});
    }

    void adamTwoSteps()
    {
        // step 1: m = 0.1 g, v = 0.001 g², m̂ = g, v̂ = g²: w -= 0.1 g / (|g| + 1e-8)
        //         = w - 0.1 sign(g) = (0.9, -2.1, 0.6)
        // step 2 with gradient -g: m = 0.9 (0.1 g) + 0.1 (-g) = -0.01 g,
        //         m̂ = m / (1 - 0.9²) = -g / 19; v = 0.999 (0.001 g²) + 0.001 g² = 0.001999 g²,
        //         v̂ = v / (1 - 0.999²) = g²; w -= 0.1 m̂ / (|g| + 1e-8)
        //         → w + 0.1/19 sign(g) = w + 0.00526316 sign(g)
        std::vector<float> w = w0, m(3, 0.0f), v(3, 0.0f);
        AdamStep s{0.1f, 0.9f, 0.999f, 1e-8f, 0, false, 1};
        internal::hostAdamUpdate(w.data(), g0.data(), m.data(), v.data(), 3, s);
        EXPECT_VALUES(w, {0.9, -2.1, 0.6});
        EXPECT_VALUES(m, {0.05, 0.1, -0.1});
        // 1 - 0.999f is 0.00099998713 in float: v is 1.3e-5 off the decimal value (relative).
        EXPECT_VALUES(v, {0.00025, 0.001, 0.001}, 2e-8);
        const std::vector<float> minusG{-0.5f, -1.0f, 1.0f};
        s.step = 2;
        internal::hostAdamUpdate(w.data(), minusG.data(), m.data(), v.data(), 3, s);
        EXPECT_VALUES(w, {0.9052632, -2.0947368, 0.5947368});
    }

    void adamL2DecayEntersTheGradient()
    {
        // Adam (not W) adds wd * w to the gradient: with g = 0 and wd = 0.1, g' = 0.1 w =
        // (0.1, -0.2, 0.05); step 1 moves by -0.1 sign(g') = (0.9, -1.9, 0.4).
        std::vector<float> w = w0, m(3, 0.0f), v(3, 0.0f);
        const std::vector<float> zero(3, 0.0f);
        internal::hostAdamUpdate(w.data(), zero.data(), m.data(), v.data(), 3,
                                 {0.1f, 0.9f, 0.999f, 1e-8f, 0.1f, false, 1});
        EXPECT_VALUES(w, {0.9, -1.9, 0.4});
    }

    void adamwDecoupledDecay()
    {
        // AdamW: w *= 1 - 0.1 * 0.1 = 0.99 → (0.99, -1.98, 0.495), then the Adam step on the
        // raw gradient: -0.1 sign(g) → (0.89, -2.08, 0.595).
        std::vector<float> w = w0, m(3, 0.0f), v(3, 0.0f);
        internal::hostAdamUpdate(w.data(), g0.data(), m.data(), v.data(), 3,
                                 {0.1f, 0.9f, 0.999f, 1e-8f, 0.1f, true, 1});
        EXPECT_VALUES(w, {0.89, -2.08, 0.595});
        // With a zero gradient only the decay acts: m = v = 0, 0 / (0 + eps) = 0.
        std::vector<float> w2 = w0, m2(3, 0.0f), v2(3, 0.0f);
        const std::vector<float> zero(3, 0.0f);
        internal::hostAdamUpdate(w2.data(), zero.data(), m2.data(), v2.data(), 3,
                                 {0.1f, 0.9f, 0.999f, 1e-8f, 0.1f, true, 1});
        EXPECT_VALUES(w2, {0.99, -1.98, 0.495});
    }

    void rmspropTwoSteps()
    {
        // step 1: sq = 0.1 g², d = g / (sqrt(0.1) |g|) = 3.16227766 sign(g);
        //         w -= 0.01 d = (0.96837722, -2.03162278, 0.53162278)
        // step 2: sq = 0.09 g² + 0.1 g² = 0.19 g², d = 1/sqrt(0.19) = 2.29415734 sign(g);
        //         w -= 0.01 d = (0.94543565, -2.05456435, 0.55456435)
        std::vector<float> w = w0, sq(3, 0.0f);
        const RmspropStep s{0.01f, 0.9f, 1e-8f, 0, 0};
        internal::hostRmspropUpdate(w.data(), g0.data(), sq.data(), nullptr, 3, s);
        EXPECT_VALUES(w, {0.96837722, -2.03162278, 0.53162278});
        EXPECT_VALUES(sq, {0.025, 0.1, 0.1}, 1e-7);
        internal::hostRmspropUpdate(w.data(), g0.data(), sq.data(), nullptr, 3, s);
        EXPECT_VALUES(w, {0.94543565, -2.05456435, 0.55456435});
    }

    void rmspropMomentum()
    {
        // step 1: buf = d1 = 3.16227766 sign(g); w as without momentum.
        // step 2: buf = 0.5 * 3.16227766 + 2.29415734 = 3.87529617;
        //         w = (0.96837722, ...) - 0.01 buf sign(g) = (0.92962426, -2.07037574, 0.57037574)
        std::vector<float> w = w0, sq(3, 0.0f), buf(3, 0.0f);
        const RmspropStep s{0.01f, 0.9f, 1e-8f, 0.5f, 0};
        internal::hostRmspropUpdate(w.data(), g0.data(), sq.data(), buf.data(), 3, s);
        EXPECT_VALUES(w, {0.96837722, -2.03162278, 0.53162278});
        internal::hostRmspropUpdate(w.data(), g0.data(), sq.data(), buf.data(), 3, s);
        EXPECT_VALUES(buf, {3.87529617, 3.87529617, -3.87529617}, 1e-5);
        EXPECT_VALUES(w, {0.92962426, -2.07037574, 0.57037574});
    }

    void rmspropWeightDecay()
    {
        // g' = g + 0.5 w = (1, 0, -0.75); sq = 0.1 g'²; d = sign(g') sqrt(10) where g' != 0
        // and 0 / (0 + eps) = 0 for the middle one: w = (1 - 0.0316227766, -2, 0.5316227766)
        std::vector<float> w = w0, sq(3, 0.0f);
        internal::hostRmspropUpdate(w.data(), g0.data(), sq.data(), nullptr, 3,
                                    {0.01f, 0.9f, 1e-8f, 0, 0.5f});
        EXPECT_VALUES(w, {0.96837722, -2.0, 0.53162278});
    }

    void allFinite_data()
    {
        QTest::addColumn<float>("bad");
        QTest::addColumn<bool>("finite");
        QTest::newRow("finite") << 1e30f << true;
        QTest::newRow("largest float") << std::numeric_limits<float>::max() << true;
        QTest::newRow("NaN") << std::numeric_limits<float>::quiet_NaN() << false;
        QTest::newRow("+inf") << std::numeric_limits<float>::infinity() << false;
        QTest::newRow("-inf") << -std::numeric_limits<float>::infinity() << false;
    }
    void allFinite()
    {
        QFETCH(float, bad);
        QFETCH(bool, finite);
        // The odd value sits at the start, in the vector body and in the scalar tail.
        for (int64_t at : {int64_t(0), int64_t(517), int64_t(1026)}) {
            std::vector<float> x(1027, -3.5f);
            x[static_cast<size_t>(at)] = bad;
            QCOMPARE(internal::hostAllFinite(x.data(), 1027), finite);
        }
        QVERIFY(internal::hostAllFinite(nullptr, 0));
    }

    // The NaN/Inf guard's bound (Kernel::weightGradientsProvenFinite) rests on this: the
    // largest magnitude, or infinity as soon as one value is not finite.
    void maxAbs_data()
    {
        QTest::addColumn<float>("odd");
        QTest::addColumn<float>("expected");
        const float inf = std::numeric_limits<float>::infinity();
        QTest::newRow("smaller than the rest") << 0.25f << 3.5f;
        QTest::newRow("negative and largest") << -1e30f << 1e30f;
        QTest::newRow("largest float")
            << std::numeric_limits<float>::max() << std::numeric_limits<float>::max();
        QTest::newRow("denormal") << 1e-40f << 3.5f;
        QTest::newRow("NaN") << std::numeric_limits<float>::quiet_NaN() << inf;
        QTest::newRow("-NaN") << -std::numeric_limits<float>::quiet_NaN() << inf;
        QTest::newRow("-inf") << -inf << inf;
    }
    void maxAbs()
    {
        QFETCH(float, odd);
        QFETCH(float, expected);
        for (int64_t at : {int64_t(0), int64_t(517), int64_t(1026)}) {
            std::vector<float> x(1027, -3.5f);
            x[static_cast<size_t>(at)] = odd;
            QCOMPARE(internal::hostMaxAbs(x.data(), 1027), expected);
        }
        std::vector<float> big(200000, 0.5f); // threaded from 65,536 values
        big[123456] = -2.0f;
        QCOMPARE(internal::hostMaxAbs(big.data(), int64_t(big.size())), 2.0f);
        QCOMPARE(internal::hostMaxAbs(nullptr, 0), 0.0f);
    }

    // ---- the Optimizer class ----

    void optimizerSgdUpdatesTrainableOnly()
    {
        HostTestBackend backend;
        auto params = makeParams();
        auto opt = makeOptimizer({.type = "sgd", .lr = 0.1, .momentum = 0.9}, backend, params);
        opt->step();
        opt->step();
        EXPECT_VALUES(params[0].value.toVector(), {0.855, -2.29, 0.79});
        EXPECT_VALUES(params[1].value.toVector(), {5.0, 6.0}, 0);
        QCOMPARE(opt->stepCount(), int64_t(2));
    }

    void optimizerAdamCountsSteps()
    {
        // The class passes the 1-based step to the bias correction (see adamTwoSteps).
        HostTestBackend backend;
        auto params = makeParams();
        auto opt = makeOptimizer({.lr = 0.1, .eps = 1e-8}, backend, params);
        opt->step();
        setGrad(params[0], {-0.5f, -1.0f, 1.0f});
        opt->step();
        EXPECT_VALUES(params[0].value.toVector(), {0.9052632, -2.0947368, 0.5947368});
    }

    void optimizerLearningRate()
    {
        HostTestBackend backend;
        auto params = makeParams();
        auto opt = makeOptimizer({.type = "sgd", .lr = 0.5}, backend, params);
        QCOMPARE(opt->learningRate(), 0.5);
        opt->setLearningRate(0.1);
        opt->step();
        EXPECT_VALUES(params[0].value.toVector(), {0.95, -2.1, 0.6});
        QVERIFY_THROWS_EXCEPTION(Error, opt->setLearningRate(-1));
        QVERIFY_THROWS_EXCEPTION(Error, opt->setLearningRate(std::nan("")));
    }

    void optimizerStateNames()
    {
        HostTestBackend backend;
        auto params = makeParams();
        const std::vector<std::pair<OptimizerSpec, QStringList>> cases = {
            {{.type = "sgd"}, {"step"}},
            {{.type = "sgd", .momentum = 0.9}, {"fc.weight/momentum", "step"}},
            {{.type = "adam"}, {"fc.weight/exp_avg", "fc.weight/exp_avg_sq", "step"}},
            {{.type = "adamw"}, {"fc.weight/exp_avg", "fc.weight/exp_avg_sq", "step"}},
            {{.type = "rmsprop"}, {"fc.weight/square_avg", "step"}},
            {{.type = "rmsprop", .momentum = 0.5},
             {"fc.weight/square_avg", "fc.weight/momentum", "step"}},
        };
        for (const auto &[spec, names] : cases) {
            auto opt = makeOptimizer(spec, backend, params);
            QStringList got;
            for (const auto &[name, tensor] : opt->state())
                got << QString::fromStdString(name);
            QCOMPARE(got, names);
        }
    }

    void stateRoundTrip_data()
    {
        QTest::addColumn<QString>("json");
        QTest::newRow("sgd momentum") << R"({"type":"sgd","lr":0.1,"momentum":0.9})";
        QTest::newRow("sgd nesterov wd")
            << R"({"type":"sgd","lr":0.1,"momentum":0.8,"nesterov":true,"weight_decay":0.01})";
        QTest::newRow("adam") << R"({"type":"adam","lr":0.01,"weight_decay":0.001})";
        QTest::newRow("adamw") << R"({"type":"adamw","lr":0.01,"weight_decay":0.1})";
        QTest::newRow("rmsprop momentum") << R"({"type":"rmsprop","lr":0.01,"momentum":0.5})";
    }
    void stateRoundTrip()
    {
        // A steps 3 times; B gets A's weights and state; one more step on both must agree
        // exactly (Adam's bias correction depends on the restored step count).
        QFETCH(QString, json);
        const OptimizerSpec spec =
            optimizerSpecFromJson(nlohmann::json::parse(json.toStdString()), "/optimizer");
        HostTestBackend backend;
        auto paramsA = makeParams();
        auto a = makeOptimizer(spec, backend, paramsA);
        const std::vector<std::vector<float>> grads{
            {0.5f, 1.0f, -1.0f}, {-0.2f, 0.3f, 0.7f}, {0.1f, -0.9f, 0.4f}, {0.6f, 0.2f, -0.3f}};
        for (int i = 0; i < 3; ++i) {
            setGrad(paramsA[0], grads[size_t(i)]);
            a->step();
        }
        auto paramsB = makeParams();
        paramsB[0].value = paramsA[0].value.clone();
        auto b = makeOptimizer(spec, backend, paramsB);
        b->loadState(a->state());
        QCOMPARE(b->stepCount(), int64_t(3));
        setGrad(paramsA[0], grads[3]);
        setGrad(paramsB[0], grads[3]);
        a->step();
        b->step();
        QCOMPARE(paramsB[0].value.toVector(), paramsA[0].value.toVector());
    }

    void loadStateErrors()
    {
        HostTestBackend backend;
        auto params = makeParams();
        auto adam = makeOptimizer(OptimizerSpec{}, backend, params);
        const auto good = adam->state();
        auto expectError = [&](std::vector<std::pair<std::string, Tensor>> entries,
                               const char *fragment) {
            try {
                adam->loadState(entries);
            } catch (const Error &e) {
                return QString(e.what()).contains(fragment);
            }
            return false;
        };
        auto without = [&](const std::string &name) {
            auto entries = good;
            std::erase_if(entries, [&](const auto &e) { return e.first == name; });
            return entries;
        };
        QVERIFY(expectError(without("fc.weight/exp_avg_sq"), "'fc.weight/exp_avg_sq' is missing"));
        QVERIFY(expectError(without("step"), "'step' is missing"));
        auto reshaped = good;
        reshaped[0].second = Tensor({4});
        QVERIFY(expectError(reshaped, "'fc.weight/exp_avg' has shape 4"));
        auto extra = good;
        extra.emplace_back("fc.weight/momentum", Tensor({3}));
        QVERIFY(expectError(extra, "unexpected entry 'fc.weight/momentum'"));
        auto badStep = good;
        badStep.back().second = Tensor::fromVector({}, {1.5f});
        QVERIFY(expectError(badStep, "'step' must hold one whole number"));
        // Plain weights stored beside the optimizer state are ignored.
        auto withWeights = good;
        withWeights.emplace_back("fc.weight", Tensor({3}));
        adam->loadState(withWeights);
    }

    void missingGradient()
    {
        HostTestBackend backend;
        auto params = makeParams();
        params[0].grad = Tensor();
        auto opt = makeOptimizer(OptimizerSpec{}, backend, params);
        try {
            opt->step();
            QFAIL("expected an Error");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("'fc.weight' has no gradient"), e.what());
        }
    }

    // ---- the JSON spec ----

    void specJsonRoundTrip()
    {
        const OptimizerSpec spec{.type = "sgd",
                                 .lr = 0.05,
                                 .momentum = 0.9,
                                 .weightDecay = 5e-4,
                                 .beta2 = 0.99,
                                 .nesterov = true};
        const nlohmann::json j = toJson(spec);
        QCOMPARE(j.at("weight_decay").get<double>(), 5e-4);
        const OptimizerSpec back = optimizerSpecFromJson(j, "/training/optimizer");
        QCOMPARE(back.type, spec.type);
        QCOMPARE(back.lr, spec.lr);
        QCOMPARE(back.momentum, spec.momentum);
        QCOMPARE(back.weightDecay, spec.weightDecay);
        QCOMPARE(back.nesterov, spec.nesterov);
        QCOMPARE(back.beta2, spec.beta2);
        QCOMPARE(back.eps, spec.eps);
        // Missing keys keep the defaults.
        const OptimizerSpec defaults = optimizerSpecFromJson(nlohmann::json::object(), "");
        QCOMPARE(defaults.type, std::string("adam"));
        QCOMPARE(defaults.eps, 1e-7);
    }

    void specJsonErrors_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("fragment");
        const QString p = "/training/optimizer";
        QTest::newRow("not an object") << "[1]" << p << "expected an object";
        QTest::newRow("unknown type") << R"({"type":"adagrad"})" << p + "/type"
                                      << "expected one of sgd, adam, adamw, rmsprop";
        QTest::newRow("type not a string") << R"({"type":3})" << p + "/type"
                                           << "expected a string but found number 3";
        QTest::newRow("lr zero") << R"({"lr":0})" << p + "/lr"
                                 << "expected a number > 0";
        QTest::newRow("lr text") << R"({"lr":"fast"})" << p + "/lr"
                                 << "expected a number but found string \"fast\"";
        QTest::newRow("momentum 1") << R"({"momentum":1})" << p + "/momentum"
                                    << "in [0, 1) but found 1";
        QTest::newRow("weight decay < 0") << R"({"weight_decay":-1})" << p + "/weight_decay"
                                          << ">= 0 but found -1";
        QTest::newRow("beta2 < 0") << R"({"beta2":-0.1})" << p + "/beta2"
                                   << "in [0, 1)";
        QTest::newRow("eps 0") << R"({"eps":0})" << p + "/eps"
                               << "> 0 but found 0";
        QTest::newRow("rho 1.5") << R"({"rho":1.5})" << p + "/rho"
                                 << "in [0, 1)";
        QTest::newRow("nesterov no momentum")
            << R"({"type":"sgd","nesterov":true})" << p + "/nesterov"
            << "expected momentum > 0";
        QTest::newRow("nesterov text") << R"({"nesterov":"yes"})" << p + "/nesterov"
                                       << "expected true or false";
        QTest::newRow("misspelt key") << R"({"learning_rate":0.1})" << p + "/learning_rate"
                                      << "unknown setting";
    }
    void specJsonErrors()
    {
        QFETCH(QString, json);
        QFETCH(QString, path);
        QFETCH(QString, fragment);
        try {
            optimizerSpecFromJson(nlohmann::json::parse(json.toStdString()), "/training/optimizer");
            QFAIL("expected a ProjectError");
        } catch (const ProjectError &e) {
            QCOMPARE(QString::fromStdString(e.jsonPath()), path);
            QVERIFY2(QString(e.what()).contains(fragment), e.what());
        }
    }

    void factoryValidates()
    {
        HostTestBackend backend;
        auto params = makeParams();
        QVERIFY_THROWS_EXCEPTION(ProjectError, makeOptimizer({.type = "lbfgs"}, backend, params));
    }
};

QTEST_APPLESS_MAIN(TestOptimizers)
#include "test_optimizers.moc"
