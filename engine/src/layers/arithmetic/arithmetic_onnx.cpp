// Multiply and Subtract as ONNX Mul and Sub. ONNX broadcasts from the last axis, so a
// per-channel input held as {C} is first unsqueezed to {C, 1, 1} to line up with the
// channels of N×C×H×W (a {C, 1, 1} input already does).

#include "layers/arithmetic/arithmetic.h"
#include "onnx/onnx_context.h"

namespace strata::internal {

void arithmeticToOnnx(OnnxContext &ctx)
{
    std::vector<std::string> inputs = ctx.inputs();
    const Shape &out = ctx.outputShape();
    for (size_t i = 0; i < 2; ++i) {
        if (out.size() != 3 || ctx.inputShapes()[i].size() != 1)
            continue;
        const std::string port = "in" + std::to_string(i);
        const std::string axes = ctx.intermediate(port + "_axes");
        const std::string unsqueezed = ctx.intermediate(port + "_per_channel");
        ctx.addNode("Constant", {}, axes, port + "_axes").attrInts("value_ints", {2, 3});
        ctx.addNode("Unsqueeze", {inputs[i], axes}, unsqueezed, port + "_unsqueeze");
        inputs[i] = unsqueezed;
    }
    const bool multiply = arithmeticOpOf(ctx.node()) == ArithmeticOp::Multiply;
    ctx.addNode(multiply ? "Mul" : "Sub", inputs, ctx.output());
}

} // namespace strata::internal
