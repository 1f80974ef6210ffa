// PReLU as code: nn.PReLU(num_parameters=C) in PyTorch (weight {C}); in Keras, channels-last,
// layers.PReLU with the image's height and width shared (alpha {1, 1, C}) or one alpha per
// feature of a flat input ({F}).

#include "codegen/python_text.h"
#include "layers/prelu/prelu.h"

namespace strata::internal {

LayerCode preluCode(const CodeContext &c)
{
    const bool image = c.inputs[0].size() == 3;
    LayerCode code;
    code.torch.module = "nn.PReLU(num_parameters=" + pyInt(c.inputs[0][0]) + ")";
    code.torch.forward = "self." + c.attr + "(" + c.inputVars[0] + ")";
    code.torch.weights = {{"slope", "weight", "w", ""}};
    const std::string name = "name=" + pyString(c.attr);
    if (image) {
        code.keras.layers.push_back("layers.PReLU(shared_axes=[1, 2], " + name + ")");
        code.keras.weights = {{"slope", "alpha", "w.reshape(1, 1, -1)", "{C} → {1, 1, C}"}};
    } else {
        code.keras.layers.push_back("layers.PReLU(" + name + ")");
        code.keras.weights = {{"slope", "alpha", "w", ""}};
    }
    return code;
}

} // namespace strata::internal
