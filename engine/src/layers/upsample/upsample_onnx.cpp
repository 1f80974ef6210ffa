// Upsample as ONNX Resize (opset 13) with a constant scales input {1, 1, sh, sw} and no roi:
// nearest as PyTorch exports it (asymmetric coordinates, floor), bilinear as "linear" with
// half_pixel coordinates. For whole factors both read exactly the pixels Strata reads.

#include "layers/layer_util.h"
#include "layers/upsample/upsample.h"
#include "onnx/onnx_context.h"

namespace strata::internal {

void upsampleToOnnx(OnnxContext &ctx)
{
    const UpsampleSpec s = upsampleSpec(ctx.params());
    const std::string scales = ctx.intermediate("scales");
    ctx.addNode("Constant", {}, scales, "scales")
        .attrTensor("value", Tensor::fromVector({4}, {1.0f, 1.0f, static_cast<float>(s.scaleH),
                                                      static_cast<float>(s.scaleW)}));
    OnnxNode &resize = ctx.addNode("Resize", {ctx.inputs()[0], "", scales}, ctx.output());
    if (s.bilinear)
        resize.attrString("mode", "linear")
            .attrString("coordinate_transformation_mode", "half_pixel");
    else
        resize.attrString("mode", "nearest")
            .attrString("coordinate_transformation_mode", "asymmetric")
            .attrString("nearest_mode", "floor");
}

} // namespace strata::internal
