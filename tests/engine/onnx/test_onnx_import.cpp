// ONNX import: models written the way other tools write them (PyTorch's Reshape-by-Shape
// arithmetic, MatMul then Add, GlobalAveragePool then Squeeze, auto_pad, Gemm with transB = 0,
// static batch sizes) become the Strata layers that compute the same. The malformed-input
// table is test_onnx_import_malformed.cpp.

#include "onnx_model_builder.h"
#include "onnx_test_support.h"

#include "strata/errors.h"
#include "strata/export.h"
#include "strata/shape_inference.h"

#include <cmath>
#include <functional>
#include <tuple>

using namespace strata;
using namespace onnx_test;

namespace {

// The same model built directly in Strata: a chain of (id, type, params).
Project chain(const std::vector<std::tuple<std::string, std::string, nlohmann::json>> &nodes,
              const std::string &loss)
{
    Project p;
    p.training.loss = loss;
    std::string previous;
    for (const auto &[id, type, params] : nodes) {
        p.graph.addNode({id, type, id, params});
        if (!previous.empty())
            p.graph.connect({{previous, 0}, {id, 0}});
        previous = id;
    }
    return p;
}

const Tensor &weight(const WeightsFile &w, const std::string &name)
{
    for (const auto &[n, t] : w.weights)
        if (n == name)
            return t;
    qFatal("no weight %s", name.c_str());
}

void expectSamePredictions(const Project &a, const WeightsFile &wa, const Project &b,
                           const WeightsFile &wb)
{
    const std::vector<float> x = samplesFor(a, 3);
    const std::vector<float> pa = predictions(a, wa, x, 3), pb = predictions(b, wb, x, 3);
    QCOMPARE(pa.size(), pb.size());
    for (size_t i = 0; i < pa.size(); ++i)
        QVERIFY2(std::abs(pa[i] - pb[i]) <= 1e-6f,
                 qPrintable(QString("output %1: %2 vs %3").arg(i).arg(pa[i]).arg(pb[i])));
}

bool contains(const std::vector<std::string> &notes, const std::string &needle)
{
    for (const auto &n : notes)
        if (n.find(needle) != std::string::npos)
            return true;
    return false;
}

} // namespace

class TestOnnxImport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::string path(const std::string &name) const
    {
        return dir_.filePath(QString::fromStdString(name)).toStdString();
    }
    std::string save(const ModelBuilder &b, const std::string &name)
    {
        writeModel(b.m, path(name));
        return path(name);
    }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    // GELU's erf form as exporters write it before opset 20 becomes one GELU layer: PyTorch's
    // Div(x, √2) → Erf → Add(1) → Mul(x) → Mul(0.5), and the variant with Mul(x, 1/√2) and the
    // 0.5 applied first. A lone Erf, or the chain with another constant, is refused.
    void geluErfChain_data()
    {
        QTest::addColumn<bool>("variant");
        QTest::addColumn<float>("one");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("pytorch") << false << 1.0f << true;
        QTest::newRow("scaled by 1/sqrt2, half first") << true << 1.0f << true;
        QTest::newRow("1 + erf replaced by 2 + erf") << false << 2.0f << false;
    }
    void geluErfChain()
    {
        QFETCH(bool, variant);
        QFETCH(float, one);
        QFETCH(bool, accepted);
        ModelBuilder b;
        b.input("x", {1, 4});
        b.floats("w", {3, 4}, ramp(12, 0.5f));
        b.floats("sqrt2", {}, {variant ? 0.70710678f : 1.41421356f});
        b.floats("one", {}, {one});
        b.floats("half", {}, {0.5f});
        setInt(b.node("Gemm", {"x", "w"}, "h", "fc"), "transB", 1);
        b.node(variant ? "Mul" : "Div", {"h", "sqrt2"}, "s", "/act/Div");
        b.node("Erf", {"s"}, "e", "/act/Erf");
        b.node("Add", {"e", "one"}, "p", "/act/Add");
        if (variant) {
            b.node("Mul", {"half", "p"}, "q", "/act/Mul");
            b.node("Mul", {"q", "h"}, "y", "/act/Mul_1");
        } else {
            b.node("Mul", {"h", "p"}, "q", "/act/Mul");
            b.node("Mul", {"q", "half"}, "y", "/act/Mul_1");
        }
        b.output("y", {1, 3});
        const std::string file = save(b, "gelu.onnx");
        if (!accepted) {
            try {
                importOnnx(file);
                QFAIL("a chain that is not GELU was imported");
            } catch (const ImportError &e) {
                QVERIFY2(std::string(e.what()).find("GELU") != std::string::npos, e.what());
            }
            return;
        }
        const ImportResult r = importOnnx(file);
        const std::vector<std::string> got = layers(r.project);
        QCOMPARE(got.size(), size_t(3));
        QCOMPARE(got[1], std::string("fc:Dense"));
        QVERIFY2(got[2].ends_with(":GELU"), got[2].c_str());
        QCOMPARE(r.project.graph.edges().size(), size_t(2));
    }

    // What PyTorch writes for conv → relu → pool → x.view(x.size(0), -1) → linear (as MatMul
    // and Add) → dropout → softmax.
    void pytorchStyleChain()
    {
        ModelBuilder b;
        b.input("input.1", {-1, 1, 6, 6});
        b.floats("conv.weight", {3, 1, 3, 3}, ramp(27, 0.5f));
        b.floats("conv.bias", {3}, {0.1f, -0.2f, 0.3f});
        b.floats("fc.w", {27, 4}, ramp(108, 0.3f, 1));
        b.floats("fc.b", {4}, {0.5f, -0.5f, 0.25f, 0});
        auto &conv = b.node("Conv", {"input.1", "conv.weight", "conv.bias"}, "c", "/conv/Conv");
        setInts(conv, "kernel_shape", {3, 3});
        setInts(conv, "pads", {1, 1, 1, 1});
        setInts(conv, "strides", {1, 1});
        setInts(conv, "dilations", {1, 1});
        setInt(conv, "group", 1);
        b.node("Relu", {"c"}, "r", "/Relu");
        auto &pool = b.node("MaxPool", {"r"}, "p", "/pool/MaxPool");
        setInts(pool, "kernel_shape", {2, 2});
        setInts(pool, "strides", {2, 2});
        setInt(pool, "ceil_mode", 0);
        b.node("Shape", {"p"}, "s", "/Shape");
        b.constantInts("zero", {}, {0});
        setInt(b.node("Gather", {"s", "zero"}, "g", "/Gather"), "axis", 0);
        b.constantInts("axes", {1}, {0});
        b.node("Unsqueeze", {"g", "axes"}, "u", "/Unsqueeze");
        b.constantInts("minus1", {1}, {-1});
        setInt(b.node("Concat", {"u", "minus1"}, "shape", "/Concat"), "axis", 0);
        b.node("Reshape", {"p", "shape"}, "flat", "/Reshape");
        b.node("MatMul", {"flat", "fc.w"}, "mm", "/fc/MatMul");
        b.node("Add", {"mm", "fc.b"}, "fc_out", "/fc/Add");
        b.node("Dropout", {"fc_out"}, "d", "/drop/Dropout");
        b.node("Softmax", {"d"}, "probs", "/Softmax");
        b.output("probs", {-1, 4});

        const ImportResult r = importOnnx(save(b, "pytorch_style.onnx"));
        QCOMPARE(layers(r.project),
                 (std::vector<std::string>{"input_1:Input", "conv:Conv2D", "relu_1:ReLU",
                                           "pool:MaxPool2D", "flatten_1:Flatten", "fc:Dense",
                                           "softmax_1:Softmax"}));
        QCOMPARE(r.project.graph.find("conv")->params.at("padding"), nlohmann::json("same"));
        QCOMPARE(r.project.graph.find("fc")->params.at("bias"), nlohmann::json(true));
        QCOMPARE(r.project.training.loss, std::string("cross_entropy"));
        QCOMPARE(r.project.name, std::string("pytorch_style"));
        QVERIFY(contains(r.notes, "Dropout '/drop/Dropout' left out"));
        QVERIFY(contains(r.notes, "Add '/fc/Add' became the bias of Dense 'fc'"));
        QVERIFY(contains(r.notes, "became a Flatten"));
        // Dense keeps {units, inputs}: MatMul's matrix transposed.
        const std::vector<float> w = ramp(108, 0.3f, 1);
        const Tensor &fc = weight(r.weights, "fc.weight");
        QCOMPARE(fc.shape(), (Shape{4, 27}));
        for (int64_t o = 0; o < 4; ++o)
            for (int64_t i = 0; i < 27; ++i)
                QCOMPARE(fc.data()[o * 27 + i], w[static_cast<size_t>(i * 4 + o)]);

        const Project same =
            chain({{"x", "Input", {{"channels", 1}, {"height", 6}, {"width", 6}}},
                   {"conv", "Conv2D", {{"filters", 3}, {"kernel", 3}, {"padding", "same"}}},
                   {"relu", "ReLU", {}},
                   {"pool", "MaxPool2D", {{"pool", 2}}},
                   {"flat", "Flatten", {}},
                   {"fc", "Dense", {{"units", 4}}},
                   {"softmax", "Softmax", {}}},
                  "cross_entropy");
        WeightsFile sw;
        sw.weights = {{"conv.weight", weight(r.weights, "conv.weight")},
                      {"conv.bias", weight(r.weights, "conv.bias")},
                      {"fc.weight", fc},
                      {"fc.bias", weight(r.weights, "fc.bias")}};
        expectSamePredictions(same, sw, r.project, r.weights);
    }

    // Static batch 1, auto_pad SAME_UPPER with stride 2, BatchNormalization and LeakyRelu with
    // their default attributes, GlobalAveragePool then Squeeze, Gemm with transB = 0.
    void otherConventions()
    {
        ModelBuilder b;
        b.input("x", {1, 2, 5, 5});
        b.floats("w", {4, 2, 3, 3}, ramp(72, 0.4f));
        b.floats("scale", {4}, {1.2f, 0.8f, 1.0f, 0.5f});
        b.floats("shift", {4}, {0.1f, 0.2f, -0.1f, 0});
        b.floats("mean", {4}, {0.05f, -0.1f, 0.2f, 0});
        b.floats("var", {4}, {1.5f, 0.7f, 1.1f, 2.0f});
        b.floats("fc", {4, 3}, ramp(12, 0.6f, 2));
        b.floats("fc_b", {1, 3}, {0.3f, -0.3f, 0.1f});
        b.ints("squeeze_axes", {2}, {2, 3});
        auto &conv = b.node("Conv", {"x", "w"}, "c", "conv");
        setString(conv, "auto_pad", "SAME_UPPER");
        setInts(conv, "strides", {2, 2});
        b.node("BatchNormalization", {"c", "scale", "shift", "mean", "var"}, "bn", "bn");
        b.node("LeakyRelu", {"bn"}, "lr", "lrelu");
        b.node("GlobalAveragePool", {"lr"}, "gap", "gap");
        b.node("Squeeze", {"gap", "squeeze_axes"}, "sq", "squeeze");
        b.node("Gemm", {"sq", "fc", "fc_b"}, "logit", "dense");
        b.node("Sigmoid", {"logit"}, "y", "sigmoid");
        b.output("y", {1, 3});

        const ImportResult r = importOnnx(save(b, "conventions.onnx"));
        QCOMPARE(layers(r.project), (std::vector<std::string>{
                                        "x:Input", "conv:Conv2D", "bn:BatchNorm", "lrelu:LeakyReLU",
                                        "gap:GlobalAvgPool2D", "dense:Dense", "sigmoid:Sigmoid"}));
        const Node &conv2d = *r.project.graph.find("conv");
        QCOMPARE(conv2d.params.at("stride"), nlohmann::json(2));
        QCOMPARE(conv2d.params.at("padding"), nlohmann::json("same"));
        QCOMPARE(conv2d.params.at("bias"), nlohmann::json(false));
        QCOMPARE(r.project.graph.find("bn")->params.at("epsilon").get<double>(), double(1e-5f));
        QCOMPARE(r.project.graph.find("bn")->params.at("momentum").get<double>(), double(0.9f));
        QCOMPARE(r.project.graph.find("lrelu")->params.at("alpha").get<double>(), double(0.01f));
        QCOMPARE(r.project.training.loss, std::string("binary_cross_entropy"));

        const Project same = chain(
            {{"x", "Input", {{"channels", 2}, {"height", 5}, {"width", 5}}},
             {"conv",
              "Conv2D",
              {{"filters", 4}, {"kernel", 3}, {"stride", 2}, {"padding", "same"}, {"bias", false}}},
             {"bn", "BatchNorm", {{"momentum", 0.9}, {"epsilon", 1e-5}}},
             {"lrelu", "LeakyReLU", {{"alpha", 0.01}}},
             {"gap", "GlobalAvgPool2D", {}},
             {"dense", "Dense", {{"units", 3}}},
             {"sigmoid", "Sigmoid", {}}},
            "binary_cross_entropy");
        WeightsFile sw = r.weights;
        // Gemm's B is {inputs, units} when transB = 0: Dense holds its transpose.
        const std::vector<float> fc = ramp(12, 0.6f, 2);
        const Tensor &dense = weight(r.weights, "dense.weight");
        for (int64_t o = 0; o < 3; ++o)
            for (int64_t i = 0; i < 4; ++i)
                QCOMPARE(dense.data()[o * 4 + i], fc[static_cast<size_t>(i * 3 + o)]);
        expectSamePredictions(same, sw, r.project, r.weights);
    }

    // Branches: Add of two layers, Sum of three, Concat on the last axis, Identity, a constant
    // Reshape to {-1, K} and a Flatten of what is already flat.
    void branches()
    {
        ModelBuilder b;
        b.input("x", {-1, 3});
        b.floats("wa", {4, 3}, ramp(12, 0.5f));
        b.floats("wb", {4, 3}, ramp(12, 0.5f, 1));
        b.floats("wo", {2, 8}, ramp(16, 0.5f, 2));
        b.ints("flat_shape", {2}, {-1, 8});
        setInt(b.node("Gemm", {"x", "wa"}, "a", "a"), "transB", 1);
        setInt(b.node("Gemm", {"x", "wb"}, "b", "b"), "transB", 1);
        b.node("Relu", {"a"}, "ra", "ra");
        b.node("Tanh", {"b"}, "tb", "tb");
        b.node("Add", {"ra", "tb"}, "s", "add");
        b.node("Sum", {"ra", "tb", "s"}, "s3", "sum");
        setInt(b.node("Concat", {"s3", "ra"}, "cat", "cat"), "axis", -1);
        b.node("Identity", {"cat"}, "id", "identity");
        b.node("Reshape", {"id", "flat_shape"}, "re", "reshape");
        setInt(b.node("Flatten", {"re"}, "fl", "flatten"), "axis", 1);
        setInt(b.node("Gemm", {"fl", "wo"}, "out", "out"), "transB", 1);
        b.output("out", {-1, 2});

        const ImportResult r = importOnnx(save(b, "branches.onnx"));
        QCOMPARE(layers(r.project),
                 (std::vector<std::string>{"x:Input", "a:Dense", "b:Dense", "ra:ReLU", "tb:Tanh",
                                           "add:Add", "sum:Add", "cat:Concat", "out:Dense"}));
        QCOMPARE(r.project.graph.find("sum")->params.at("inputs"), nlohmann::json(3));
        QCOMPARE(r.project.graph.find("a")->params.at("bias"), nlohmann::json(false));
        QVERIFY(contains(r.notes, "outputs are taken as class scores"));
        QCOMPARE(r.project.training.loss, std::string("cross_entropy"));
    }

    // DenseNet's joins: torch.cat of one input (the identity) and of more than 8, which
    // becomes a chain of Concats, each reading the one before first so the order is kept.
    void concatOfOneAndOfMany()
    {
        ModelBuilder b;
        b.input("x", {-1, 3});
        b.floats("wa", {4, 3}, ramp(12, 0.5f));
        b.floats("wo", {2, 44}, ramp(88, 0.25f));
        setInt(b.node("Gemm", {"x", "wa"}, "a", "a"), "transB", 1);
        setInt(b.node("Concat", {"a"}, "one", "one"), "axis", 1);
        b.node("Relu", {"one"}, "ra", "ra");
        std::vector<std::string> many;
        for (int i = 0; i < 11; ++i)
            many.push_back(i % 2 ? "ra" : "one");
        setInt(b.node("Concat", many, "cat", "cat"), "axis", 1);
        setInt(b.node("Gemm", {"cat", "wo"}, "out", "out"), "transB", 1);
        b.output("out", {-1, 2});

        const ImportResult r = importOnnx(save(b, "concats.onnx"));
        QCOMPARE(layers(r.project),
                 (std::vector<std::string>{"x:Input", "a:Dense", "ra:ReLU", "cat:Concat",
                                           "cat_1:Concat", "out:Dense"}));
        QCOMPARE(r.project.graph.find("cat")->params.at("inputs"), nlohmann::json(8));
        QCOMPARE(r.project.graph.find("cat_1")->params.at("inputs"), nlohmann::json(4));
        QCOMPARE(r.project.graph.edgeInto({"cat_1", 0})->from.node, std::string("cat"));
        QCOMPARE(r.project.graph.edgeInto({"cat_1", 1})->from.node, std::string("a"));
        QCOMPARE(r.project.graph.edgeInto({"cat_1", 2})->from.node, std::string("ra"));
        QVERIFY(contains(r.notes, "joins one input"));
        QVERIFY(contains(r.notes, "2 Concat layers in a chain"));
        QVERIFY(analyze(r.project.graph).ok());
    }
};

QTEST_APPLESS_MAIN(TestOnnxImport)
#include "test_onnx_import.moc"
