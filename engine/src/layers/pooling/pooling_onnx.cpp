// Pooling as ONNX: MaxPool and AveragePool with explicit pads (AveragePool leaves padding
// out of the average, count_include_pad = 0, as the engine does), and GlobalAvgPool2D as
// GlobalAveragePool followed by Flatten, since ONNX keeps the 1×1 image the engine drops.

#include "layers/pooling/pooling.h"
#include "onnx/onnx_context.h"

namespace strata::internal {

void poolToOnnx(OnnxContext &ctx)
{
    const Window2D w = poolWindow(withBatch(1, ctx.inputShapes()[0]), ctx.params());
    const bool max = ctx.node().type == "MaxPool2D";
    OnnxNode &n = ctx.addNode(max ? "MaxPool" : "AveragePool", {ctx.inputs()[0]}, ctx.output());
    n.attrInts("kernel_shape", {w.rows.kernel, w.cols.kernel})
        .attrInts("strides", {w.rows.stride, w.cols.stride})
        .attrInts("pads", {w.rows.padBefore, w.cols.padBefore, w.rows.padAfter, w.cols.padAfter})
        .attrInt("ceil_mode", 0);
    if (!max)
        n.attrInt("count_include_pad", 0);
}

void globalPoolToOnnx(OnnxContext &ctx)
{
    const std::string pooled = ctx.intermediate("pooled");
    ctx.addNode("GlobalAveragePool", {ctx.inputs()[0]}, pooled);
    ctx.addNode("Flatten", {pooled}, ctx.output(), "flatten").attrInt("axis", 1);
}

} // namespace strata::internal
