// Pooling as ONNX: MaxPool and AveragePool with explicit pads and ceil_mode (AveragePool
// counts padding in the average as the node's count_include_pad says; ONNX, like PyTorch,
// never counts a ceil-mode window's overhang past the pads), and GlobalAvgPool2D as
// GlobalAveragePool followed by Flatten, since ONNX keeps the 1×1 image the engine drops.

#include "layers/pooling/pooling.h"
#include "onnx/onnx_context.h"

namespace strata::internal {

void poolToOnnx(OnnxContext &ctx)
{
    const WindowSpec spec = poolSpec(ctx.params());
    const Window2D w = window2D(withBatch(1, ctx.inputShapes()[0]), spec);
    const bool max = ctx.node().type == "MaxPool2D";
    OnnxNode &n = ctx.addNode(max ? "MaxPool" : "AveragePool", {ctx.inputs()[0]}, ctx.output());
    n.attrInts("kernel_shape", {w.rows.kernel, w.cols.kernel})
        .attrInts("strides", {w.rows.stride, w.cols.stride})
        .attrInts("pads", {w.rows.padBefore, w.cols.padBefore, w.rows.padAfter, w.cols.padAfter})
        .attrInt("ceil_mode", spec.ceilMode ? 1 : 0);
    if (!max)
        n.attrInt("count_include_pad", spec.countIncludePad ? 1 : 0);
}

void globalPoolToOnnx(OnnxContext &ctx)
{
    const std::string pooled = ctx.intermediate("pooled");
    ctx.addNode("GlobalAveragePool", {ctx.inputs()[0]}, pooled);
    ctx.addNode("Flatten", {pooled}, ctx.output(), "flatten").attrInt("axis", 1);
}

} // namespace strata::internal
