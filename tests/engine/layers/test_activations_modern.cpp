// ReLU6, Clip, ELU, SiLU, Hardswish, Hardsigmoid and Softplus: gradient check on every backend
// and rank, oneDNN against the reference, blocked layouts, hand-computed values (PyTorch's
// definitions), saturation, and parameter validation.

#include "layer_harness.h"
#include "strata/shape_inference.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace strata;
using namespace strata::testing;

namespace {

const char *const kTypes[] = {"ReLU6",     "Clip",        "ELU",     "SiLU",
                              "Hardswish", "Hardsigmoid", "Softplus"};
const float kSkip = std::numeric_limits<float>::quiet_NaN(); // a slope at a kink: not checked

// rank 1: {N, F}; rank 3: {N, C, H, W}.
Shape batchShape(int rank)
{
    return rank == 1 ? Shape{3, 7} : Shape{2, 3, 4, 5};
}

// Inputs are uniform in [-1, 1): Clip's bounds are put at -2 and 0 so that its one kink in
// range is at 0, which the input margin keeps finite differences away from (the others'
// kinks are at 0 or outside: ReLU6 at 6, Hardswish and Hardsigmoid at ±3).
nlohmann::json gradientParams(const std::string &type)
{
    if (type == "Clip")
        return {{"min", -2.0}, {"max", 0.0}};
    if (type == "ELU")
        return {{"alpha", 0.5}}; // a kink at 0 too (alpha ≠ 1)
    return nlohmann::json::object();
}

LayerCase activationCase(const std::string &type, const Shape &shape,
                         nlohmann::json params = nlohmann::json::object())
{
    LayerCase c;
    c.node = Node{"act", type, "act", std::move(params)};
    c.inputShapes = {shape};
    c.inputMargin = 0.05f;
    return c;
}

void setValues(Tensor &t, const std::vector<float> &values)
{
    QCOMPARE(t.numel(), static_cast<int64_t>(values.size()));
    std::copy(values.begin(), values.end(), t.data());
}

} // namespace

class TestActivationsModern : public QObject
{
    Q_OBJECT

private slots:
    void gradients_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("backend");
        QTest::addColumn<int>("rank");
        for (const char *type : kTypes)
            for (const char *backend : {"reference", "cpu"})
                for (int rank : {1, 3})
                    QTest::addRow("%s %s rank %d", type, backend, rank)
                        << QString(type) << QString(backend) << rank;
    }
    void gradients()
    {
        QFETCH(QString, type);
        QFETCH(QString, backend);
        QFETCH(int, rank);
        const std::string t = type.toStdString();
        std::string worst;
        const double err = gradientCheckError(
            activationCase(t, batchShape(rank), gradientParams(t)), backend.toStdString(), &worst);
        QVERIFY2(err < 5e-3, worst.c_str());
    }

    void matchesReference_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<int>("rank");
        for (const char *type : kTypes)
            for (int rank : {1, 3})
                QTest::addRow("%s rank %d", type, rank) << QString(type) << rank;
    }
    // Random inputs scaled to [-8, 8) so every branch is taken (Clip's default [-1, 1] and
    // ReLU6's 6, Hardswish's and Hardsigmoid's ±3).
    void matchesReference()
    {
        QFETCH(QString, type);
        QFETCH(int, rank);
        LayerCase c = activationCase(type.toStdString(), batchShape(rank));
        LayerHarness ref(c, "reference"), cpu(c, "cpu");
        for (int64_t i = 0; i < ref.inputs[0].numel(); ++i)
            cpu.inputs[0].data()[i] = ref.inputs[0].data()[i] *= 8;
        Tensor gy(ref.outputShape);
        for (int64_t i = 0; i < gy.numel(); ++i)
            gy.data()[i] = std::sin(static_cast<float>(i));
        ref.forward();
        cpu.forward();
        ref.backward(gy);
        cpu.backward(gy);
        QVERIFY2(maxRelativeError(cpu.output, ref.output) < 1e-5, "outputs differ");
        QVERIFY2(maxRelativeError(cpu.inputGrads[0], ref.inputGrads[0]) < 1e-5,
                 "input gradients differ");
        std::string report;
        QVERIFY2(referenceComparisonError(c, "cpu", &report) < 1e-5, report.c_str());
    }

    // Between convolutions activations take a channel-blocked input and keep its layout.
    void blockedLayouts()
    {
        for (const char *type : kTypes) {
            LayerCase c = activationCase(type, {2, 16, 3, 5});
            c.inputBlock = 16;
            c.blockedOutputAllowed = true;
            QCOMPARE(LayerHarness(c, "cpu").outputBlock(), int64_t(16));
            std::string report;
            QVERIFY2(referenceComparisonError(c, "cpu", &report) < 1e-5,
                     (std::string(type) + ": " + report).c_str());
        }
    }

    // At -4, -3, -0.5, 0, 0.5, 3, 7, by PyTorch's definitions (computed in double precision).
    void knownValues_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("backend");
        QTest::addColumn<std::vector<float>>("expected");
        QTest::addColumn<std::vector<float>>("slope"); // dy/dx at each input
        const float s = kSkip;
        for (const char *backend : {"reference", "cpu"}) {
            auto row = [backend](const char *type, std::vector<float> y, std::vector<float> d) {
                QTest::addRow("%s %s", type, backend)
                    << QString(type) << QString(backend) << y << d;
            };
            row("ReLU6", {0, 0, 0, 0, 0.5f, 3, 6}, {0, 0, 0, 0, 1, 1, 0});
            row("Clip", {-1, -1, -0.5f, 0, 0.5f, 1, 1}, {0, 0, 1, 1, 1, 0, 0});
            row("ELU", {-0.98168436f, -0.95021293f, -0.39346934f, 0, 0.5f, 3, 7},
                {0.01831564f, 0.04978707f, 0.60653066f, 1, 1, 1, 1});
            row("SiLU",
                {-0.07194484f, -0.14227762f, -0.18877033f, 0, 0.31122967f, 2.8577224f, 6.9936226f},
                {-0.052664615f, -0.088104106f, 0.26003881f, 0.5f, 0.73996119f, 1.0881041f,
                 1.0054605f});
            // Hardswish(-3) = 0 and Hardswish(3) = 3; the slope at ±3 is a kink.
            row("Hardswish", {0, 0, -0.5f * 2.5f / 6, 0, 0.5f * 3.5f / 6, 3, 7},
                {0, s, 1.f / 3, 0.5f, 4.f / 6, s, 1});
            row("Hardsigmoid", {0, 0, 2.5f / 6, 0.5f, 3.5f / 6, 1, 1},
                {0, 0, 1.f / 6, 1.f / 6, 1.f / 6, 0, 0});
            row("Softplus",
                {0.018149928f, 0.048587352f, 0.47407698f, 0.69314718f, 0.97407698f, 3.0485874f,
                 7.0009115f},
                {0.01798621f, 0.047425873f, 0.37754067f, 0.5f, 0.62245933f, 0.95257413f,
                 0.99908895f});
        }
    }
    void knownValues()
    {
        QFETCH(QString, type);
        QFETCH(QString, backend);
        QFETCH(std::vector<float>, expected);
        QFETCH(std::vector<float>, slope);
        LayerHarness h(activationCase(type.toStdString(), {1, 7}), backend.toStdString());
        setValues(h.inputs[0], {-4, -3, -0.5f, 0, 0.5f, 3, 7});
        h.forward();
        Tensor ones({1, 7});
        ones.fill(1);
        h.backward(ones);
        for (int i = 0; i < 7; ++i) {
            const float y = h.output.data()[i], d = h.inputGrads[0].data()[i];
            const size_t k = size_t(i);
            QVERIFY2(
                std::fabs(y - expected[k]) < 2e-6,
                qPrintable(QString("output %1: %2, expected %3").arg(i).arg(y).arg(expected[k])));
            QVERIFY2(std::isnan(slope[k]) || std::fabs(d - slope[k]) < 2e-6,
                     qPrintable(QString("slope %1: %2, expected %3").arg(i).arg(d).arg(slope[k])));
        }
    }

    // Far inputs give clean limits, no NaN or infinity from exp; Softplus is x itself above
    // PyTorch's threshold 20, with slope 1.
    void saturates_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("reference") << QString("reference");
        QTest::newRow("cpu") << QString("cpu");
    }
    void saturates()
    {
        QFETCH(QString, backend);
        const std::vector<float> x{-200, -30, 30, 200};
        const std::map<std::string, std::vector<float>> expected = {
            {"SiLU", {0, -2.8072868e-12f, 30, 200}},
            {"Softplus", {0, 9.3576230e-14f, 30, 200}},
            {"ELU", {-1, -1, 30, 200}},
            {"Hardswish", {0, 0, 30, 200}},
            {"Hardsigmoid", {0, 0, 1, 1}},
            {"ReLU6", {0, 0, 6, 6}},
        };
        for (const auto &[type, y] : expected) {
            LayerHarness h(activationCase(type, {1, 4}), backend.toStdString());
            setValues(h.inputs[0], x);
            h.forward();
            Tensor ones({1, 4});
            ones.fill(1);
            h.backward(ones);
            for (int i = 0; i < 4; ++i) {
                const float got = h.output.data()[i], d = h.inputGrads[0].data()[i];
                QVERIFY2(std::isfinite(got) && std::isfinite(d),
                         qPrintable(QString::fromStdString(type) + " at " +
                                    QString::number(x[size_t(i)])));
                QVERIFY2(std::fabs(got - y[size_t(i)]) <= 1e-6f * std::max(1.f, std::fabs(got)),
                         qPrintable(QString("%1(%2) = %3, expected %4")
                                        .arg(QString::fromStdString(type))
                                        .arg(x[size_t(i)])
                                        .arg(got)
                                        .arg(y[size_t(i)])));
            }
        }
        LayerHarness h(activationCase("Softplus", {1, 2}), backend.toStdString());
        setValues(h.inputs[0], {20.5f, 21});
        h.forward();
        Tensor ones({1, 2});
        ones.fill(1);
        h.backward(ones);
        QCOMPARE(h.output.data()[0], 20.5f);
        QCOMPARE(h.output.data()[1], 21.f);
        QCOMPARE(h.inputGrads[0].data()[1], 1.f);
    }

    // Clip's bounds are parameters; ReLU6 is the same function with 0 and 6 and has none.
    void clipBoundsChecked()
    {
        const LayerRegistry &registry = LayerRegistry::instance();
        QVERIFY(registry.get("ReLU6").params.empty());
        Node defaults{"c", "Clip", "c", nlohmann::json::object()};
        const nlohmann::json p = registry.resolveParams(defaults);
        QCOMPARE(p.at("min").get<double>(), -1.0);
        QCOMPARE(p.at("max").get<double>(), 1.0);
        Graph g;
        g.addNode({"in", "Input", "in", {{"features", 4}}});
        g.addNode({"clip", "Clip", "clip", {{"min", 2.0}, {"max", 1.0}}});
        g.connect({{"in", 0}, {"clip", 0}});
        const GraphAnalysis a = analyze(g);
        QVERIFY(!a.ok());
        const std::string m = a.problems(g).at(0);
        QVERIFY2(m.find("Clip 'clip'") != std::string::npos, m.c_str());
        QVERIFY2(m.find("make 'min' smaller than 'max'") != std::string::npos, m.c_str());
    }

    void elu()
    {
        Node n{"e", "ELU", "e", nlohmann::json::object()};
        QCOMPARE(LayerRegistry::instance().resolveParams(n).at("alpha").get<double>(), 1.0);
        LayerHarness h(activationCase("ELU", {1, 2}, {{"alpha", 0.5}}), "cpu");
        setValues(h.inputs[0], {-100, 2});
        h.forward();
        QCOMPARE(h.output.data()[0], -0.5f);
        QCOMPARE(h.output.data()[1], 2.f);
    }

    // The palette lists them under Activation with help; they keep shapes and have no weights.
    void registered()
    {
        for (const char *type : kTypes) {
            const LayerType &t = LayerRegistry::instance().get(type);
            QCOMPARE(QString::fromStdString(t.category), QString("Activation"));
            QVERIFY(!t.help.empty());
            Graph g;
            g.addNode({"in", "Input", "in", {{"channels", 3}, {"height", 4}, {"width", 5}}});
            g.addNode({"a", type, "a", nlohmann::json::object()});
            g.connect({{"in", 0}, {"a", 0}});
            const GraphAnalysis a = analyze(g);
            QVERIFY2(a.ok(), type);
            QCOMPARE(a.find("a")->output, (Shape{3, 4, 5}));
            QCOMPARE(a.find("a")->params, int64_t(0));
            QCOMPARE(a.find("a")->flops, int64_t(60));
        }
    }
};

QTEST_APPLESS_MAIN(TestActivationsModern)
#include "test_activations_modern.moc"
