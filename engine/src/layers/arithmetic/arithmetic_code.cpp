// Multiply and Subtract as code. PyTorch broadcasts from the last axis, so a per-channel
// input held as N×C is indexed to N×C×1×1 before it meets an N×C×H×W image. Keras' Multiply
// and Subtract expand a lower-rank input after the batch axis, so N×C meets channels-last
// N×H×W×C as N×1×1×C with no Reshape, as does a C×1×1 input (N×1×1×C channels-last).

#include "codegen/python_text.h"
#include "layers/arithmetic/arithmetic.h"

namespace strata::internal {

LayerCode arithmeticCode(const CodeContext &c)
{
    const bool multiply = arithmeticOpOf(c.node) == ArithmeticOp::Multiply;
    std::string operand[2];
    for (size_t i = 0; i < 2; ++i) {
        operand[i] = c.inputVars.size() > i ? c.inputVars[i] : "";
        if (c.output.size() == 3 && c.inputs[i].size() == 1)
            operand[i] += "[:, :, None, None]";
    }
    LayerCode code;
    code.torch.forward = operand[0] + (multiply ? " * " : " - ") + operand[1];
    code.keras.layers.push_back(std::string(multiply ? "layers.Multiply" : "layers.Subtract") +
                                "(name=" + pyString(c.attr) + ")");
    return code;
}

} // namespace strata::internal
