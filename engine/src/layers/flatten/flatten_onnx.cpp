// Flatten as ONNX Flatten (axis 1): the same row-major order as the engine.

#include "layers/flatten/flatten.h"
#include "onnx/onnx_context.h"

namespace strata::internal {

void flattenToOnnx(OnnxContext &ctx)
{
    ctx.addNode("Flatten", {ctx.inputs()[0]}, ctx.output()).attrInt("axis", 1);
}

} // namespace strata::internal
