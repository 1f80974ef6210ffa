// Dropout is the identity at inference, so the exported model leaves it out (some runtimes
// mishandle an inference-mode Dropout node); the report says so.

#include "layers/dropout/dropout.h"
#include "onnx/onnx_context.h"

namespace strata::internal {

void dropoutToOnnx(OnnxContext &ctx)
{
    ctx.skip("identity at inference");
}

} // namespace strata::internal
