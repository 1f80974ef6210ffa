// ONNX import of the activations of MobileNetV2/V3 and EfficientNet, written the way PyTorch's
// exporter writes them: Clip with constant bounds (ReLU6, Clip, ReLU), Mul(x, Sigmoid(x)) as
// SiLU, HardSigmoid with PyTorch's constants, Mul(x, HardSigmoid(x)) and HardSwish as
// Hardswish, Elu, Softplus and PRelu; and what is refused, with the node named.

#include "onnx_model_builder.h"
#include "onnx_test_support.h"

#include "strata/errors.h"
#include "strata/export.h"

#include <cmath>
#include <functional>

using namespace strata;
using namespace onnx_test;

namespace {

// A scalar float Constant node, as PyTorch writes Clip's bounds.
void constantFloat(ModelBuilder &b, const std::string &output, float value)
{
    auto &n = b.node("Constant", {}, output, "/" + output);
    auto *a = n.add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    a->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
    a->mutable_t()->add_float_data(value);
}

void setFloat(onnx::NodeProto &n, const std::string &name, float v)
{
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
}

// x {batch, 4} → Gemm to 3 features ("h"), then `body` writes from "h" to "y".
ModelBuilder gemmThen(const std::function<void(ModelBuilder &)> &body, int64_t opset = 13)
{
    ModelBuilder b(opset);
    b.input("x", {-1, 4});
    b.floats("w", {3, 4}, ramp(12, 2.0f));
    b.floats("bias", {3}, {0.5f, -1.5f, 3.5f});
    setInt(b.node("Gemm", {"x", "w", "bias"}, "h", "/fc/Gemm"), "transB", 1);
    body(b);
    b.output("y", {-1, 3});
    return b;
}

// The imported model computes what the same Strata chain (Input → Dense → `type`) computes.
void expectSameAsChain(const ImportResult &r, const std::string &type, nlohmann::json params)
{
    Project p;
    p.training.loss = r.project.training.loss;
    p.graph.addNode({"x", "Input", "x", {{"features", 4}}});
    p.graph.addNode({"fc", "Dense", "fc", {{"units", 3}}});
    p.graph.addNode({"act", type, "act", std::move(params)});
    p.graph.connect({{"x", 0}, {"fc", 0}});
    p.graph.connect({{"fc", 0}, {"act", 0}});
    WeightsFile w;
    for (const auto &[name, t] : r.weights.weights)
        w.weights.emplace_back(
            name.starts_with("fc.") ? name : "act." + name.substr(name.find('.') + 1), t);
    const std::vector<float> x = samplesFor(p, 5);
    const std::vector<float> a = predictions(p, w, x, 5),
                             b = predictions(r.project, r.weights, x, 5);
    QCOMPARE(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i)
        QVERIFY2(std::abs(a[i] - b[i]) <= 1e-6f,
                 qPrintable(QString("output %1: %2 vs %3").arg(i).arg(a[i]).arg(b[i])));
}

bool contains(const std::vector<std::string> &notes, const std::string &needle)
{
    for (const auto &n : notes)
        if (n.find(needle) != std::string::npos)
            return true;
    return false;
}

} // namespace

class TestOnnxImportActivations : public QObject
{
    Q_OBJECT

private:
    ModelFolder models_;
    std::string save(const ModelBuilder &b, const std::string &name)
    {
        return models_.save(b, name);
    }
    // Imports and expects a refusal that names the node and says `why`.
    void expectRefused(const ModelBuilder &b, const std::string &node, const std::string &why)
    {
        models_.expectRefused(b, {node, why});
    }

private slots:
    void initTestCase() { QVERIFY(models_.isValid()); }

    // PyTorch's ReLU6 and Hardtanh: Clip(x, min, max) with the bounds as Constant nodes (opset
    // 11 and later) or initializers; before opset 11 as attributes. clamp(min=0) is a ReLU.
    void clip_data()
    {
        QTest::addColumn<int>("opset");
        QTest::addColumn<float>("lo");
        QTest::addColumn<float>("hi");
        QTest::addColumn<bool>("constants"); // Constant nodes, else initializers
        QTest::addColumn<QString>("type");
        QTest::newRow("ReLU6 as PyTorch writes it") << 13 << 0.f << 6.f << true << "ReLU6";
        QTest::newRow("ReLU6 from initializers") << 13 << 0.f << 6.f << false << "ReLU6";
        QTest::newRow("Hardtanh") << 13 << -1.f << 1.f << true << "Clip";
        QTest::newRow("opset 9 attributes") << 9 << -0.5f << 2.f << false << "Clip";
        QTest::newRow("opset 9 ReLU6") << 9 << 0.f << 6.f << false << "ReLU6";
    }
    void clip()
    {
        QFETCH(int, opset);
        QFETCH(float, lo);
        QFETCH(float, hi);
        QFETCH(bool, constants);
        QFETCH(QString, type);
        const ModelBuilder b = gemmThen(
            [&](ModelBuilder &m) {
                if (opset < 11) {
                    auto &n = m.node("Clip", {"h"}, "y", "/act/Clip");
                    setFloat(n, "min", lo);
                    setFloat(n, "max", hi);
                    return;
                }
                if (constants) {
                    constantFloat(m, "lo", lo);
                    constantFloat(m, "hi", hi);
                } else {
                    m.floats("lo", {}, {lo});
                    m.floats("hi", {}, {hi});
                }
                m.node("Clip", {"h", "lo", "hi"}, "y", "/act/Clip");
            },
            opset);
        const ImportResult r = importOnnx(save(b, "clip.onnx"));
        QCOMPARE(layers(r.project).back(), "act:" + type.toStdString());
        nlohmann::json params = nlohmann::json::object();
        if (type == "Clip") {
            QCOMPARE(r.project.graph.find("act")->params.at("min").get<double>(), double(lo));
            QCOMPARE(r.project.graph.find("act")->params.at("max").get<double>(), double(hi));
            params = {{"min", lo}, {"max", hi}};
        }
        expectSameAsChain(r, type.toStdString(), params);
    }

    void clipWithOneBound()
    {
        const ModelBuilder relu = gemmThen([](ModelBuilder &m) {
            constantFloat(m, "zero", 0);
            m.node("Clip", {"h", "zero"}, "y", "/act/Clip");
        });
        const ImportResult r = importOnnx(save(relu, "clamp_min.onnx"));
        QCOMPARE(layers(r.project).back(), std::string("act:ReLU"));

        const ModelBuilder above = gemmThen([](ModelBuilder &m) {
            constantFloat(m, "six", 6);
            m.node("Clip", {"h", "", "six"}, "y", "/act/Clip");
        });
        expectRefused(above, "Clip '/act/Clip'", "needs both bounds");

        const ModelBuilder empty = gemmThen([](ModelBuilder &m) {
            constantFloat(m, "lo", 2);
            constantFloat(m, "hi", 1);
            m.node("Clip", {"h", "lo", "hi"}, "y", "/act/Clip");
        });
        expectRefused(empty, "Clip '/act/Clip'", "make 'min' smaller than 'max'");
    }

    // nn.SiLU at any opset: Sigmoid(x) then Mul with x, in either order.
    void silu_data()
    {
        QTest::addColumn<bool>("gateFirst");
        QTest::newRow("Mul(x, sigmoid)") << false;
        QTest::newRow("Mul(sigmoid, x)") << true;
    }
    void silu()
    {
        QFETCH(bool, gateFirst);
        const ModelBuilder b = gemmThen([&](ModelBuilder &m) {
            m.node("Sigmoid", {"h"}, "s", "/act/Sigmoid");
            m.node("Mul",
                   gateFirst ? std::vector<std::string>{"s", "h"}
                             : std::vector<std::string>{"h", "s"},
                   "y", "/act/Mul");
        });
        const ImportResult r = importOnnx(save(b, "silu.onnx"));
        QCOMPARE(layers(r.project), (std::vector<std::string>{"x:Input", "fc:Dense", "act:SiLU"}));
        QCOMPARE(r.project.graph.edges().size(), size_t(2));
        expectSameAsChain(r, "SiLU", nlohmann::json::object());
    }

    // A Sigmoid that something else reads too stays a Sigmoid, and the Mul of two layers is
    // a Multiply (test_onnx_import_arithmetic has the rest of Multiply).
    void gateReadTwiceStaysApart()
    {
        const ModelBuilder b = gemmThen([](ModelBuilder &m) {
            m.node("Sigmoid", {"h"}, "s", "/act/Sigmoid");
            m.node("Mul", {"h", "s"}, "p", "/act/Mul");
            m.node("Add", {"p", "s"}, "y", "/act/Add");
        });
        const ImportResult r = importOnnx(save(b, "gate_read_twice.onnx"));
        std::vector<std::string> types;
        for (const Node &n : r.project.graph.nodes())
            types.push_back(n.type);
        QCOMPARE(types, (std::vector<std::string>{"Input", "Dense", "Sigmoid", "Multiply", "Add"}));
    }

    // nn.Hardsigmoid: HardSigmoid with alpha 1/6 (ONNX's default alpha 0.2 is refused).
    void hardSigmoid()
    {
        const ModelBuilder b = gemmThen([](ModelBuilder &m) {
            setFloat(m.node("HardSigmoid", {"h"}, "y", "/act/HardSigmoid"), "alpha", 1.f / 6);
        });
        const ImportResult r = importOnnx(save(b, "hardsigmoid.onnx"));
        QCOMPARE(layers(r.project).back(), std::string("act:Hardsigmoid"));
        expectSameAsChain(r, "Hardsigmoid", nlohmann::json::object());

        const ModelBuilder keras2 = gemmThen(
            [](ModelBuilder &m) { m.node("HardSigmoid", {"h"}, "y", "/act/HardSigmoid"); });
        expectRefused(keras2, "HardSigmoid '/act/HardSigmoid'", "relu6(x + 3) / 6");
    }

    // nn.Hardswish: Mul(x, HardSigmoid(x)) before opset 14, HardSwish from opset 14 on.
    void hardswish_data()
    {
        QTest::addColumn<bool>("op14");
        QTest::newRow("opset 13: x * HardSigmoid(x)") << false;
        QTest::newRow("opset 14: HardSwish") << true;
    }
    void hardswish()
    {
        QFETCH(bool, op14);
        const ModelBuilder b = gemmThen(
            [&](ModelBuilder &m) {
                if (op14) {
                    m.node("HardSwish", {"h"}, "y", "/act/HardSwish");
                    return;
                }
                auto &g = m.node("HardSigmoid", {"h"}, "g", "/act/HardSigmoid");
                setFloat(g, "alpha", 1.f / 6);
                setFloat(g, "beta", 0.5f);
                m.node("Mul", {"h", "g"}, "y", "/act/Mul");
            },
            op14 ? 14 : 13);
        const ImportResult r = importOnnx(save(b, "hardswish.onnx"));
        QCOMPARE(layers(r.project),
                 (std::vector<std::string>{"x:Input", "fc:Dense", "act:Hardswish"}));
        expectSameAsChain(r, "Hardswish", nlohmann::json::object());
    }

    void eluAndSoftplus()
    {
        const ModelBuilder elu = gemmThen([](ModelBuilder &m) {
            setFloat(m.node("Elu", {"h"}, "y", "/act/Elu"), "alpha", 0.5f);
        });
        const ImportResult r = importOnnx(save(elu, "elu.onnx"));
        QCOMPARE(layers(r.project).back(), std::string("act:ELU"));
        QCOMPARE(r.project.graph.find("act")->params.at("alpha").get<double>(), 0.5);
        expectSameAsChain(r, "ELU", {{"alpha", 0.5}});

        const ModelBuilder byDefault =
            gemmThen([](ModelBuilder &m) { m.node("Elu", {"h"}, "y", "/act/Elu"); });
        QCOMPARE(importOnnx(save(byDefault, "elu1.onnx"))
                     .project.graph.find("act")
                     ->params.at("alpha")
                     .get<double>(),
                 1.0);

        const ModelBuilder softplus =
            gemmThen([](ModelBuilder &m) { m.node("Softplus", {"h"}, "y", "/act/Softplus"); });
        const ImportResult s = importOnnx(save(softplus, "softplus.onnx"));
        QCOMPARE(layers(s.project).back(), std::string("act:Softplus"));
        expectSameAsChain(s, "Softplus", nlohmann::json::object());
    }

    // nn.PReLU(C) writes its slope {C} for features and {C, 1, 1} for images; nn.PReLU() one
    // slope for all, which every channel starts from.
    void prelu()
    {
        const ModelBuilder flat = gemmThen([](ModelBuilder &m) {
            m.floats("slope", {3}, {0.1f, 0.2f, 0.3f});
            m.node("PRelu", {"h", "slope"}, "y", "/act/PRelu");
        });
        const ImportResult r = importOnnx(save(flat, "prelu.onnx"));
        QCOMPARE(layers(r.project).back(), std::string("act:PReLU"));
        expectSameAsChain(r, "PReLU", nlohmann::json::object());

        const ModelBuilder shared = gemmThen([](ModelBuilder &m) {
            m.floats("slope", {1}, {0.25f});
            m.node("PRelu", {"h", "slope"}, "y", "/act/PRelu");
        });
        const ImportResult s = importOnnx(save(shared, "prelu_shared.onnx"));
        QVERIFY(contains(s.notes, "shares one slope over all channels"));
        for (const auto &[name, t] : s.weights.weights)
            if (name == "act.slope") {
                QCOMPARE(t.shape(), (Shape{3}));
                QCOMPARE(t.data()[2], 0.25f);
            }

        ModelBuilder image;
        image.input("x", {-1, 2, 3, 3});
        image.floats("slope", {2, 1, 1}, {0.1f, -0.2f});
        image.node("PRelu", {"x", "slope"}, "y", "/act/PRelu");
        image.output("y", {-1, 2, 3, 3});
        const ImportResult i = importOnnx(save(image, "prelu_image.onnx"));
        QCOMPARE(layers(i.project).back(), std::string("act:PReLU"));

        const ModelBuilder wrong = gemmThen([](ModelBuilder &m) {
            m.floats("slope", {2}, {0.1f, 0.2f});
            m.node("PRelu", {"h", "slope"}, "y", "/act/PRelu");
        });
        expectRefused(wrong, "PRelu '/act/PRelu'", "one slope per channel");
    }
};

QTEST_MAIN(TestOnnxImportActivations)
#include "test_onnx_import_activations.moc"
