// ConvTranspose2D as ONNX ConvTranspose: kernel_shape always written, the crop as explicit
// pads and the extension as output_padding (both at the end, as ONNX places them), never
// auto_pad or output_shape, which runtimes read differently.

#include "layers/conv_transpose/conv_transpose.h"
#include "layers/layer_util.h"
#include "onnx/onnx_context.h"

namespace strata::internal {

void convTransposeToOnnx(OnnxContext &ctx)
{
    const nlohmann::json &p = ctx.params();
    const TransposedWindow w = transposedWindow(p, withBatch(1, ctx.inputShapes()[0]));
    std::vector<std::string> in{ctx.inputs()[0], ctx.weight("weight")};
    if (boolOf(p, "bias"))
        in.push_back(ctx.weight("bias"));
    ctx.addNode("ConvTranspose", in, ctx.output())
        .attrInts("kernel_shape", {w.rows.kernel, w.cols.kernel})
        .attrInts("strides", {w.rows.stride, w.cols.stride})
        .attrInts("pads",
                  {w.rows.cropBefore, w.cols.cropBefore, w.rows.cropAfter, w.cols.cropAfter})
        .attrInts("output_padding", {w.rows.extra, w.cols.extra});
}

} // namespace strata::internal
