// Add and Concat as ONNX: Add for two inputs and Sum for more; Concat along axis 1 (the
// channels of images, the features of flat inputs).

#include "layers/merge/merge.h"
#include "onnx/onnx_context.h"

namespace strata::internal {

void addToOnnx(OnnxContext &ctx)
{
    ctx.addNode(ctx.inputs().size() == 2 ? "Add" : "Sum", ctx.inputs(), ctx.output());
}

void concatToOnnx(OnnxContext &ctx)
{
    ctx.addNode("Concat", ctx.inputs(), ctx.output()).attrInt("axis", 1);
}

} // namespace strata::internal
