// Dense as ONNX Gemm: y = x·Wᵀ + b with transB = 1, since the weight is stored
// {units, inputs} (PyTorch's layout), which every runtime reads the same way.

#include "layers/dense/dense.h"
#include "layers/layer_util.h"
#include "onnx/onnx_context.h"

namespace strata::internal {

void denseToOnnx(OnnxContext &ctx)
{
    std::vector<std::string> in{ctx.inputs()[0], ctx.weight("weight")};
    if (boolOf(ctx.params(), "bias"))
        in.push_back(ctx.weight("bias"));
    ctx.addNode("Gemm", in, ctx.output())
        .attrFloat("alpha", 1.0f)
        .attrFloat("beta", 1.0f)
        .attrInt("transA", 0)
        .attrInt("transB", 1);
}

} // namespace strata::internal
