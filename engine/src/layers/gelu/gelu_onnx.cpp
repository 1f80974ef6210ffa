// GELU as ONNX. Opset 13 has no Gelu (it arrives in opset 20), so the layer is written in the
// Erf form PyTorch's exporter uses, x · (1 + erf(x / √2)) · 0.5:
//   Div(x, √2) → Erf → Add(·, 1) → Mul(x, ·) → Mul(·, 0.5)
// with the three constants as scalar Constant nodes, so the initialisers stay the layers'
// weights. Their value is a tensor attribute, as PyTorch writes it (OpenCV's importer crashes
// on value_float). The importer recognises this chain.

#include "layers/gelu/gelu.h"
#include "onnx/onnx_context.h"

#include <numbers>

namespace strata::internal {

void geluToOnnx(OnnxContext &ctx)
{
    const std::string &x = ctx.inputs()[0];
    auto constant = [&ctx](const std::string &name, float value) {
        ctx.addNode("Constant", {}, ctx.intermediate(name), name)
            .attrTensor("value", Tensor::fromVector({}, {value}));
        return ctx.intermediate(name);
    };
    const std::string sqrt2 = constant("sqrt2", std::numbers::sqrt2_v<float>);
    const std::string one = constant("one", 1.0f);
    const std::string half = constant("half", 0.5f);
    ctx.addNode("Div", {x, sqrt2}, ctx.intermediate("scaled"), "div");
    ctx.addNode("Erf", {ctx.intermediate("scaled")}, ctx.intermediate("erf"), "erf");
    ctx.addNode("Add", {ctx.intermediate("erf"), one}, ctx.intermediate("cdf2"), "add");
    ctx.addNode("Mul", {x, ctx.intermediate("cdf2")}, ctx.intermediate("x_cdf2"), "mul");
    ctx.addNode("Mul", {ctx.intermediate("x_cdf2"), half}, ctx.output());
}

} // namespace strata::internal
