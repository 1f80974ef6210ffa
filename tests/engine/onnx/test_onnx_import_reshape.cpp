// ONNX import of the moves within a sample, as torchvision's ShuffleNetV2 writes them at opset
// 13: the channel shuffle (Reshape → Transpose → Reshape, its shapes computed from Shape,
// Gather, Div and Concat) as one ChannelShuffle, x.chunk(2, dim=1) (Slice with its split
// point computed as (C + 1) / 2) as two Slices, torch.split and torch.chunk (Split, its sizes
// an input, an attribute before opset 13, or equal parts) as a Slice per output read, other
// reshapes and transposes that keep the
// batch first as Reshape and Permute; Strata's own export of the four layers read back to the
// same layers and predictions; and what moves the batch or steps refused, naming the node.

#include "onnx_model_builder.h"
#include "onnx_test_support.h"

#include "strata/errors.h"
#include "strata/export.h"
#include "strata/shape_inference.h"

#include <functional>

using namespace strata;
using namespace onnx_test;

namespace {

// x {batch, 6, 2, 2}; `body` writes from "x" to "y", declared {batch, outDims...}.
ModelBuilder imageThen(const std::function<void(ModelBuilder &)> &body,
                       const std::vector<int64_t> &outDims)
{
    ModelBuilder b(13);
    b.input("x", {-1, 6, 2, 2});
    body(b);
    std::vector<int64_t> dims{-1};
    dims.insert(dims.end(), outDims.begin(), outDims.end());
    b.output("y", dims);
    return b;
}

// Size `axis` of `value` as a scalar (Shape → Gather), as PyTorch's exporter computes x.size(i).
std::string sizeOf(ModelBuilder &b, const std::string &value, int64_t axis, const std::string &tag)
{
    b.node("Shape", {value}, tag + "_shape", "/" + tag + "/Shape");
    b.constantInts(tag + "_axis", {}, {axis});
    setInt(b.node("Gather", {tag + "_shape", tag + "_axis"}, tag, "/" + tag + "/Gather"), "axis",
           0);
    return tag;
}

// A scalar as a 1-element list (Unsqueeze), for Concat.
std::string listOf(ModelBuilder &b, const std::string &scalar)
{
    b.constantInts(scalar + "_zero", {1}, {0});
    b.node("Unsqueeze", {scalar, scalar + "_zero"}, scalar + "_list", "/" + scalar + "/Unsqueeze");
    return scalar + "_list";
}

// torchvision's channel_shuffle(x, 2) as the exporter writes it.
void channelShuffle(ModelBuilder &b, const std::string &x, const std::string &y)
{
    const std::string n = listOf(b, sizeOf(b, x, 0, "n")), c = sizeOf(b, x, 1, "c");
    const std::string h = listOf(b, sizeOf(b, x, 2, "h")), w = listOf(b, sizeOf(b, x, 3, "w"));
    b.constantInts("two", {}, {2});
    b.node("Div", {c, "two"}, "per_group", "/Div");
    setInt(b.node("Cast", {"per_group"}, "per_group_int", "/Cast"), "to", 7);
    b.constantInts("groups", {1}, {2});
    setInt(b.node("Concat", {n, "groups", listOf(b, "per_group_int"), h, w}, "grouped_shape",
                  "/Concat"),
           "axis", 0);
    setInt(b.node("Concat", {n, listOf(b, c), h, w}, "shape", "/Concat_1"), "axis", 0);
    b.node("Reshape", {x, "grouped_shape"}, "grouped", "/Reshape");
    setInts(b.node("Transpose", {"grouped"}, "transposed", "/Transpose"), "perm", {0, 2, 1, 3, 4});
    b.node("Reshape", {"transposed", "shape"}, y, "/Reshape_1");
}

std::vector<std::string> types(const Project &p)
{
    std::vector<std::string> out;
    for (const Node &n : p.graph.nodes())
        out.push_back(n.type);
    return out;
}

const Node &nth(const Project &p, const std::string &type, int index = 0)
{
    for (const Node &n : p.graph.nodes())
        if (n.type == type && index-- == 0)
            return n;
    qFatal("no %s node", type.c_str());
}

} // namespace

class TestOnnxImportReshape : public QObject
{
    Q_OBJECT

private:
    ModelFolder models_;
    QTemporaryDir exports_;

private slots:
    void initTestCase() { QVERIFY(models_.isValid() && exports_.isValid()); }

    void channelShuffleChain()
    {
        const ImportResult r = importOnnx(
            models_.save(imageThen([](ModelBuilder &b) { channelShuffle(b, "x", "y"); }, {6, 2, 2}),
                         "shuffle.onnx"));
        QCOMPARE(types(r.project), (std::vector<std::string>{"Input", "ChannelShuffle"}));
        QCOMPARE(nth(r.project, "ChannelShuffle").params.at("groups"), nlohmann::json(2));
        QVERIFY(analyze(r.project.graph).ok());
    }

    // x.chunk(2, dim=1): the split point is (C + 1) / 2, the ends 1 and 2 times it.
    void chunkAsSlices()
    {
        const ImportResult r = importOnnx(models_.save(
            imageThen(
                [](ModelBuilder &b) {
                    b.node("Shape", {"x"}, "s", "/Shape");
                    b.constantInts("one_index", {1}, {1});
                    setInt(b.node("Gather", {"s", "one_index"}, "c", "/Gather"), "axis", 0);
                    b.constantInts("zero", {1}, {0});
                    b.constantInts("one", {1}, {1});
                    b.constantInts("two", {1}, {2});
                    b.node("Add", {"c", "one"}, "c1", "/Add");
                    b.node("Div", {"c1", "two"}, "half", "/Div");
                    b.node("Mul", {"half", "one"}, "end1", "/Mul");
                    b.node("Mul", {"half", "two"}, "end2", "/Mul_1");
                    b.node("Slice", {"x", "zero", "end1", "one"}, "left", "/Slice");
                    b.node("Slice", {"x", "end1", "end2", "one"}, "right", "/Slice_1");
                    b.node("Relu", {"right"}, "r", "/Relu");
                    setInt(b.node("Concat", {"left", "r"}, "y", "/Concat"), "axis", 1);
                },
                {6, 2, 2}),
            "chunk.onnx"));
        QCOMPARE(types(r.project),
                 (std::vector<std::string>{"Input", "Slice", "Slice", "ReLU", "Concat"}));
        const Node &left = nth(r.project, "Slice"), &right = nth(r.project, "Slice", 1);
        QCOMPARE(left.params.at("start"), nlohmann::json(0));
        QCOMPARE(left.params.at("end"), nlohmann::json(3));
        QCOMPARE(right.params.at("start"), nlohmann::json(3));
        QCOMPARE(right.params.at("end"), nlohmann::json(6));
        QCOMPARE(left.params.at("axis"), nlohmann::json(1));
    }

    // torch.split(x, [2, 4], dim=1) at opset 13: the sizes are the second input.
    void splitAsSlices()
    {
        const ImportResult r = importOnnx(
            models_.save(imageThen(
                             [](ModelBuilder &b) {
                                 b.constantInts("sizes", {2}, {2, 4});
                                 auto &split = b.node("Split", {"x", "sizes"}, "left", "/Split");
                                 split.add_output("right");
                                 setInt(split, "axis", 1);
                                 b.node("Relu", {"right"}, "r", "/Relu");
                                 setInt(b.node("Concat", {"r", "left"}, "y", "/Concat"), "axis", 1);
                             },
                             {6, 2, 2}),
                         "split.onnx"));
        QCOMPARE(types(r.project),
                 (std::vector<std::string>{"Input", "Slice", "Slice", "ReLU", "Concat"}));
        const Node &left = nth(r.project, "Slice"), &right = nth(r.project, "Slice", 1);
        QCOMPARE(left.params.at("axis"), nlohmann::json(1));
        QCOMPARE(left.params.at("start"), nlohmann::json(0));
        QCOMPARE(left.params.at("end"), nlohmann::json(2));
        QCOMPARE(right.params.at("start"), nlohmann::json(2));
        QCOMPARE(right.params.at("end"), nlohmann::json(6));
        QVERIFY(analyze(r.project.graph).ok());
    }

    // torch.chunk(x, 3, dim=1) with no sizes: equal parts; a part nothing reads becomes no
    // layer. Before opset 13 the sizes are an attribute.
    void splitEqualPartsAndAttribute()
    {
        const ImportResult chunk = importOnnx(
            models_.save(imageThen(
                             [](ModelBuilder &b) {
                                 auto &split = b.node("Split", {"x"}, "a", "/Split");
                                 split.add_output("unused");
                                 split.add_output("c");
                                 setInt(split, "axis", 1);
                                 setInt(b.node("Concat", {"a", "c"}, "y", "/Concat"), "axis", 1);
                             },
                             {4, 2, 2}),
                         "chunk3.onnx"));
        QCOMPARE(types(chunk.project),
                 (std::vector<std::string>{"Input", "Slice", "Slice", "Concat"}));
        QCOMPARE(nth(chunk.project, "Slice").params.at("end"), nlohmann::json(2));
        QCOMPARE(nth(chunk.project, "Slice", 1).params.at("start"), nlohmann::json(4));
        QCOMPARE(nth(chunk.project, "Slice", 1).params.at("end"), nlohmann::json(6));

        ModelBuilder old(11);
        old.input("x", {-1, 6, 2, 2});
        auto &split = old.node("Split", {"x"}, "a", "/Split");
        split.add_output("b");
        setInt(split, "axis", -3);
        setInts(split, "split", {1, 5});
        setInt(old.node("Concat", {"b", "a"}, "y", "/Concat"), "axis", 1);
        old.output("y", {-1, 6, 2, 2});
        const ImportResult r = importOnnx(models_.save(old, "split11.onnx"));
        QCOMPARE(nth(r.project, "Slice").params.at("end"), nlohmann::json(1));
        QCOMPARE(nth(r.project, "Slice", 1).params.at("start"), nlohmann::json(1));
        QVERIFY(analyze(r.project.graph).ok());
    }

    // Reshape → Transpose → Reshape that is no channel shuffle (it groups rows): the three
    // layers; a reshape and a transpose of a flat input.
    void reshapesAndTransposes()
    {
        const ImportResult r = importOnnx(models_.save(
            imageThen(
                [](ModelBuilder &b) {
                    b.ints("rows", {4}, {0, 6, 2, 2});
                    b.ints("grouped", {4}, {0, 12, 2, 1});
                    b.ints("flat", {2}, {-1, 24});
                    b.ints("matrix", {3}, {-1, 4, 6});
                    b.node("Reshape", {"x", "grouped"}, "g", "/Reshape");
                    setInts(b.node("Transpose", {"g"}, "t", "/Transpose"), "perm", {0, 2, 1, 3});
                    b.node("Reshape", {"t", "rows"}, "back", "/Reshape_1");
                    b.node("Reshape", {"back", "matrix"}, "m", "/Reshape_2");
                    setInts(b.node("Transpose", {"m"}, "mt", "/Transpose_1"), "perm", {0, 2, 1});
                    b.node("Reshape", {"mt", "flat"}, "y", "/Reshape_3");
                },
                {24}),
            "moves.onnx"));
        QCOMPARE(types(r.project),
                 (std::vector<std::string>{"Input", "Reshape", "Permute", "Reshape", "Reshape",
                                           "Permute", "Flatten"}));
        QCOMPARE(nth(r.project, "Reshape").params.at("shape"), nlohmann::json("12, 2, 1"));
        QCOMPARE(nth(r.project, "Permute").params.at("dims"), nlohmann::json("2, 1, 3"));
        QCOMPARE(nth(r.project, "Reshape", 2).params.at("shape"), nlohmann::json("4, 6"));
        QCOMPARE(nth(r.project, "Permute", 1).params.at("dims"), nlohmann::json("2, 1"));
        QVERIFY(analyze(r.project.graph).ok());
    }

    // Strata's export of the four layers reads back as the same layers and predicts the same.
    void roundTrip()
    {
        Project p;
        p.training.loss = "cross_entropy";
        const std::vector<Node> nodes{
            {"x", "Input", "x", {{"channels", 6}, {"height", 3}, {"width", 2}}},
            {"shuffle", "ChannelShuffle", "shuffle", {{"groups", 3}}},
            {"permute", "Permute", "permute", {{"dims", "3, 1, 2"}}},
            {"slice", "Slice", "slice", {{"axis", 2}, {"start", 1}, {"end", 5}}},
            {"reshape", "Reshape", "reshape", {{"shape", "4, -1"}}},
            {"hwc", "Permute", "hwc", {{"dims", "2, 1"}}},
            {"flat", "Reshape", "flat", {{"shape", "-1"}}},
            {"fc", "Dense", "fc", {{"units", 3}}}};
        for (size_t i = 0; i < nodes.size(); ++i) {
            p.graph.addNode(nodes[i]);
            if (i > 0)
                p.graph.connect({{nodes[i - 1].id, 0}, {nodes[i].id, 0}});
        }
        const WeightsFile w = weightsFor(p);
        const std::string path = exports_.filePath("moves.onnx").toStdString();
        exportOnnx(p, w, path);
        const ImportResult r = importOnnx(path);
        QCOMPARE(types(r.project),
                 (std::vector<std::string>{"Input", "ChannelShuffle", "Permute", "Slice", "Reshape",
                                           "Permute", "Flatten", "Dense"}));
        QCOMPARE(nth(r.project, "ChannelShuffle").params.at("groups"), nlohmann::json(3));
        QCOMPARE(nth(r.project, "Slice").params.at("axis"), nlohmann::json(2));
        const std::vector<float> x = samplesFor(p, 3);
        const std::vector<float> want = predictions(p, w, x, 3);
        const std::vector<float> got = predictions(r.project, r.weights, x, 3);
        QCOMPARE(got.size(), want.size());
        for (size_t i = 0; i < got.size(); ++i)
            QVERIFY2(std::abs(got[i] - want[i]) <= 1e-6f, qPrintable(QString::number(i)));
    }

    void refused()
    {
        models_.expectRefused(
            imageThen(
                [](ModelBuilder &b) {
                    setInts(b.node("Transpose", {"x"}, "y", "/Transpose"), "perm", {1, 0, 2, 3});
                },
                {-1, 2, 2}),
            {"Transpose '/Transpose'", "perm [1, 0, 2, 3]", "batch first"});
        models_.expectRefused(imageThen(
                                  [](ModelBuilder &b) {
                                      b.ints("shape", {2}, {2, -1});
                                      b.node("Reshape", {"x", "shape"}, "y", "/Reshape");
                                  },
                                  {12}),
                              {"Reshape '/Reshape'", "[2, -1]", "moves the batch"});
        models_.expectRefused(imageThen(
                                  [](ModelBuilder &b) {
                                      b.ints("s", {1}, {0});
                                      b.ints("e", {1}, {6});
                                      b.ints("a", {1}, {1});
                                      b.ints("step", {1}, {2});
                                      b.node("Slice", {"x", "s", "e", "a", "step"}, "y", "/Slice");
                                  },
                                  {3, 2, 2}),
                              {"Slice '/Slice'", "steps [2]", "step 1"});
        models_.expectRefused(imageThen(
                                  [](ModelBuilder &b) {
                                      b.ints("s", {2}, {0, 1});
                                      b.ints("e", {2}, {3, 2});
                                      b.ints("a", {2}, {1, 2});
                                      b.node("Slice", {"x", "s", "e", "a"}, "y", "/Slice");
                                  },
                                  {3, 1, 2}),
                              {"Slice '/Slice'", "2 axes", "one Slice per axis"});
        models_.expectRefused(imageThen(
                                  [](ModelBuilder &b) {
                                      b.ints("s", {1}, {1});
                                      b.ints("e", {1}, {1000});
                                      b.ints("a", {1}, {0});
                                      b.node("Slice", {"x", "s", "e", "a"}, "y", "/Slice");
                                  },
                                  {6, 2, 2}),
                              {"Slice '/Slice'", "batch axis"});
        const auto split = [](std::vector<int64_t> sizes, int64_t axis) {
            return [sizes, axis](ModelBuilder &b) {
                b.ints("sizes", {int64_t(sizes.size())}, sizes);
                auto &n = b.node("Split", {"x", "sizes"}, "y", "/Split");
                n.add_output("z");
                setInt(n, "axis", axis);
            };
        };
        models_.expectRefused(imageThen(split({2, 3}, 1), {2, 2, 2}),
                              {"Split '/Split'", "sizes [2, 3]", "do not add up to its 6"});
        models_.expectRefused(imageThen(split({1, 1}, 0), {6, 2, 2}),
                              {"Split '/Split'", "batch axis"});
        models_.expectRefused(imageThen(split({6}, 1), {6, 2, 2}),
                              {"Split '/Split'", "1 split sizes", "2 outputs"});
    }
};

QTEST_APPLESS_MAIN(TestOnnxImportReshape)
#include "test_onnx_import_reshape.moc"
