// PReLU as ONNX's PRelu. The slopes broadcast against {N, C, ...} from the right, so an
// image's {C} slopes are written as {C, 1, 1}, as PyTorch's exporter writes them; a flat
// input's stay {C}.

#include "layers/prelu/prelu.h"
#include "onnx/onnx_context.h"

namespace strata::internal {

void preluToOnnx(OnnxContext &ctx)
{
    const Shape &in = ctx.inputShapes()[0];
    Shape slopeShape(in.size(), 1);
    slopeShape[0] = in[0];
    ctx.addNode("PRelu", {ctx.inputs()[0], ctx.weight("slope", slopeShape)}, ctx.output());
}

} // namespace strata::internal
