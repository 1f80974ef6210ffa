// Conv2D as ONNX Conv. kernel_shape is always written (some runtimes do not infer it from
// the weight), and "same" padding is written as the explicit pads the engine uses (the odd
// pixel at the end, as Keras does) rather than auto_pad, which runtimes read differently.

#include "layers/conv2d/conv2d.h"
#include "layers/layer_util.h"
#include "onnx/onnx_context.h"

namespace strata::internal {

void conv2DToOnnx(OnnxContext &ctx)
{
    const nlohmann::json &p = ctx.params();
    const WindowSpec spec = convWindow(p);
    const Window2D w = window2D(withBatch(1, ctx.inputShapes()[0]), spec);
    std::vector<std::string> in{ctx.inputs()[0], ctx.weight("weight")};
    if (boolOf(p, "bias"))
        in.push_back(ctx.weight("bias"));
    ctx.addNode("Conv", in, ctx.output())
        .attrInts("kernel_shape", {spec.kernelH, spec.kernelW})
        .attrInts("strides", {spec.strideH, spec.strideW})
        .attrInts("pads", {w.rows.padBefore, w.cols.padBefore, w.rows.padAfter, w.cols.padAfter})
        .attrInts("dilations", {spec.dilation, spec.dilation})
        .attrInt("group", intOf(p, "groups"));
}

} // namespace strata::internal
