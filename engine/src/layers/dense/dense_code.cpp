// Dense as code: PyTorch's nn.Linear keeps Strata's {units, inputs} weight; Keras' Dense
// keeps the transpose, {inputs, units}.

#include "codegen/python_text.h"
#include "layers/dense/dense.h"
#include "layers/layer_util.h"

namespace strata::internal {

LayerCode denseCode(const CodeContext &c)
{
    const int64_t units = intOf(c.params, "units"), inputs = c.inputs[0][0];
    const bool bias = boolOf(c.params, "bias");
    LayerCode code;
    code.torch.module =
        "nn.Linear(" + pyInt(inputs) + ", " + pyInt(units) + (bias ? "" : ", bias=False") + ")";
    code.torch.forward = "self." + c.attr + "(" + c.inputVars[0] + ")";
    code.torch.weights.push_back({"weight", "weight", "w", ""});
    if (bias)
        code.torch.weights.push_back({"bias", "bias", "w", ""});

    code.keras.layers.push_back("layers.Dense(" + pyInt(units) + (bias ? "" : ", use_bias=False") +
                                ", name=" + pyString(c.attr) + ")");
    if (c.flattenedFrom.size() == 3) {
        const auto &s = c.flattenedFrom;
        code.keras.weights.push_back(
            {"weight", "kernel",
             "w.reshape(" + pyInt(units) + ", " + pyInt(s[0]) + ", " + pyInt(s[1]) + ", " +
                 pyInt(s[2]) + ").transpose(2, 3, 1, 0).reshape(" + pyInt(inputs) + ", " +
                 pyInt(units) + ")",
             "Keras flattens images H×W×C, Strata C×H×W: the rows are reordered to match"});
    } else {
        code.keras.weights.push_back(
            {"weight", "kernel", "w.T", "[units, inputs] → [inputs, units]"});
    }
    if (bias)
        code.keras.weights.push_back({"bias", "bias", "w", ""});
    return code;
}

} // namespace strata::internal
