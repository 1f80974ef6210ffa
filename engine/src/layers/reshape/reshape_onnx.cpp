// The family as ONNX opset 13: Reshape (0 keeps the dynamic batch size), Transpose with the
// batch first, ChannelShuffle as PyTorch's exporter writes it (Reshape to {N, groups,
// C/groups, ...} → Transpose of axes 1 and 2 → Reshape back, which the importer recognises,
// onnx/import/shuffle_chain.cpp) and Slice with constant starts, ends and axes.

#include "layers/layer_util.h"
#include "layers/reshape/reshape.h"
#include "onnx/onnx_context.h"

namespace strata::internal {

namespace {

std::string intsConstant(OnnxContext &ctx, const std::string &name, std::vector<int64_t> values)
{
    ctx.addNode("Constant", {}, ctx.intermediate(name), name).attrIntTensor("value", values);
    return ctx.intermediate(name);
}

// {0, sizes...}: Reshape's 0 copies the batch size.
std::vector<int64_t> batchAnd(const Shape &sample)
{
    std::vector<int64_t> v{0};
    v.insert(v.end(), sample.begin(), sample.end());
    return v;
}

} // namespace

void reshapeToOnnx(OnnxContext &ctx)
{
    const std::string shape = intsConstant(ctx, "shape", batchAnd(ctx.outputShape()));
    ctx.addNode("Reshape", {ctx.inputs()[0], shape}, ctx.output());
}

void permuteToOnnx(OnnxContext &ctx)
{
    std::vector<int64_t> perm{0};
    for (int64_t d : permuteDims(ctx.node(), ctx.params(), ctx.inputShapes()[0]))
        perm.push_back(d);
    ctx.addNode("Transpose", {ctx.inputs()[0]}, ctx.output()).attrInts("perm", perm);
}

void channelShuffleToOnnx(OnnxContext &ctx)
{
    const Shape &in = ctx.inputShapes()[0];
    const int64_t groups = intOf(ctx.params(), "groups");
    Shape grouped{groups, in[0] / groups};
    grouped.insert(grouped.end(), in.begin() + 1, in.end());
    std::vector<int64_t> perm{0, 2, 1};
    for (size_t i = 3; i <= in.size() + 1; ++i) // the axes after the channels, with the batch
        perm.push_back(static_cast<int64_t>(i));
    const std::string groupedShape = intsConstant(ctx, "grouped_shape", batchAnd(grouped));
    const std::string shape = intsConstant(ctx, "shape", batchAnd(in));
    ctx.addNode("Reshape", {ctx.inputs()[0], groupedShape}, ctx.intermediate("grouped"), "group");
    ctx.addNode("Transpose", {ctx.intermediate("grouped")}, ctx.intermediate("transposed"),
                "transpose")
        .attrInts("perm", perm);
    ctx.addNode("Reshape", {ctx.intermediate("transposed"), shape}, ctx.output());
}

void sliceToOnnx(OnnxContext &ctx)
{
    const SliceRange r = sliceRange(ctx.node(), ctx.params(), ctx.inputShapes()[0]);
    const std::string starts = intsConstant(ctx, "starts", {r.start});
    const std::string ends = intsConstant(ctx, "ends", {r.end});
    const std::string axes = intsConstant(ctx, "axes", {static_cast<int64_t>(r.axis) + 1});
    ctx.addNode("Slice", {ctx.inputs()[0], starts, ends, axes}, ctx.output());
}

} // namespace strata::internal
