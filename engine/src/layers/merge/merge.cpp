// Add and Concat: registration and shape rules. Their errors name every port involved and
// say how to make the shapes agree.

#include "layers/merge/merge.h"

#include "layers/layer_util.h"

#include <algorithm>

namespace strata::internal {

namespace {

int inputsOf(const nlohmann::json &params)
{
    return static_cast<int>(intOf(params, "inputs"));
}

std::string port(const Node &node, size_t i, size_t count)
{
    return Graph::portName(node, static_cast<int>(i), static_cast<int>(count));
}

// "in0 is 16×8×8 and in1 is 32×8×8"
std::string mismatch(const Node &node, const std::vector<Shape> &in, size_t i)
{
    return port(node, 0, in.size()) + " is " + toString(in[0]) + " and " +
           port(node, i, in.size()) + " is " + toString(in[i]);
}

// How to make input i's shape equal input 0's for Add.
std::string addFix(const Node &node, const std::vector<Shape> &in, size_t i)
{
    const Shape &a = in[0], &b = in[i];
    const std::string target = port(node, i, in.size());
    if (a.size() != b.size())
        return "insert a Flatten layer on the image input (and a Dense layer if the sizes "
               "still differ)";
    if (a.size() == 1)
        return "give the layers feeding them the same number of units, or put a Dense layer "
               "with " +
               std::to_string(a[0]) + " units before " + target;
    if (a.size() == 3 && a[1] == b[1] && a[2] == b[2])
        return "give the layers feeding them the same number of filters, or put a 1×1 Conv2D "
               "with " +
               std::to_string(a[0]) + " filters before " + target;
    if (a.size() == 3)
        return "use the same strides and pooling on both paths, or a strided 1×1 Conv2D before " +
               target + " so height and width match";
    return "make the layers feeding them produce the same shape";
}

ShapeInfo addShape(const Node &node, const nlohmann::json &, const std::vector<Shape> &in)
{
    for (size_t i = 1; i < in.size(); ++i)
        if (in[i] != in[0])
            throw ShapeError(node.id, describe(node) + " needs inputs of one shape, but " +
                                          mismatch(node, in, i) + ": " + addFix(node, in, i));
    // One addition per element for every input after the first.
    return ShapeInfo{in[0], static_cast<int64_t>(in.size() - 1) * numel(in[0])};
}

ShapeInfo concatShape(const Node &node, const nlohmann::json &, const std::vector<Shape> &in)
{
    Shape out = in[0];
    for (size_t i = 1; i < in.size(); ++i) {
        if (in[i].size() != in[0].size())
            throw ShapeError(node.id, describe(node) + " needs inputs of one rank, but " +
                                          mismatch(node, in, i) +
                                          ": insert a Flatten layer on the image input");
        if (!std::equal(in[i].begin() + 1, in[i].end(), in[0].begin() + 1)) {
            const bool image = in[0].size() == 3;
            throw ShapeError(node.id,
                             describe(node) +
                                 (image ? " joins images along channels, so every input "
                                          "needs the same height and width, but "
                                        : " joins along the first axis, so every other axis "
                                          "must match, but ") +
                                 mismatch(node, in, i) +
                                 (image ? ": use the same strides and pooling on every path"
                                        : ": make the layers feeding them agree"));
        }
        out[0] += in[i][0];
    }
    return ShapeInfo{out, 0}; // a copy, no arithmetic
}

LayerDefinition mergeType(const std::string &name, const std::string &help)
{
    LayerDefinition t;
    t.name = name;
    t.category = "Merge";
    t.help = help;
    t.params = {intParam("inputs", 2, 2, 8, "Number of input ports")};
    t.inputCount = inputsOf;
    return t;
}

} // namespace

void registerMerge(LayerRegistry &registry)
{
    LayerDefinition add = mergeType("Add", "Sums inputs of the same shape (residual connections)");
    add.inferShape = addShape;
    add.kernels["cpu"] = makeAddCpu;
    add.layouts["cpu"] = LayoutUse::FollowsInput; // element-wise: blocks convert as needed
    add.kernels["reference"] = makeAddReference;
#ifdef STRATA_WITH_CUDA
    add.kernels["cuda"] = makeAddCuda;
#endif
    add.code = mergeCode;
    add.onnx = addToOnnx;
    registry.add(std::move(add));

    LayerDefinition concat =
        mergeType("Concat", "Joins inputs along channels (images) or features");
    concat.inferShape = concatShape;
    concat.kernels["cpu"] = makeConcatCpu;
    concat.kernels["reference"] = makeConcatReference;
#ifdef STRATA_WITH_CUDA
    concat.kernels["cuda"] = makeConcatCuda;
#endif
    concat.code = mergeCode;
    concat.onnx = concatToOnnx;
    registry.add(std::move(concat));
}

} // namespace strata::internal
