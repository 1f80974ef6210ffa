// Input as ONNX: a graph input named after the node, {batch, sample shape...}.

#include "layers/input/input.h"
#include "onnx/onnx_context.h"

namespace strata::internal {

void inputToOnnx(OnnxContext &ctx)
{
    ctx.addGraphInput();
}

} // namespace strata::internal
