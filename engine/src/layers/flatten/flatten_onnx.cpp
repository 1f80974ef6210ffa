// Flatten as ONNX Flatten (axis 1): the same row-major order as the engine.

#include "layers/layer_onnx.h"

namespace strata::internal {

void flattenToOnnx(OnnxContext &ctx)
{
    ctx.addNode("Flatten", {ctx.inputs()[0]}, ctx.output()).attrInt("axis", 1);
}

} // namespace strata::internal
