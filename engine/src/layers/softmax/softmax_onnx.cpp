// Softmax as ONNX Softmax over axis 1: the features of a flat input, or the channels at each
// pixel of an image (opset 13 normalises along that one axis, as the engine does).

#include "layers/softmax/softmax.h"
#include "onnx/onnx_context.h"

namespace strata::internal {

void softmaxToOnnx(OnnxContext &ctx)
{
    ctx.addNode("Softmax", {ctx.inputs()[0]}, ctx.output()).attrInt("axis", 1);
}

} // namespace strata::internal
