// ReLU, LeakyReLU, Sigmoid and Tanh as code. LeakyReLU's slope is written out: Strata's
// default (0.3) is Keras', PyTorch's own default is 0.01.

#include "codegen/python_text.h"
#include "layers/activation/activation.h"
#include "layers/layer_util.h"

namespace strata::internal {

LayerCode activationCode(const CodeContext &c)
{
    const std::string &type = c.node.type;
    const std::string name = "name=" + pyString(c.attr);
    LayerCode code;
    code.torch.forward = "self." + c.attr + "(" + c.inputVars[0] + ")";
    if (type == "ReLU") {
        code.torch.module = "nn.ReLU()";
        code.keras.layers.push_back("layers.ReLU(" + name + ")");
    } else if (type == "LeakyReLU") {
        const std::string alpha = pyFloat(floatOf(c.params, "alpha"));
        code.torch.module = "nn.LeakyReLU(negative_slope=" + alpha + ")";
        code.keras.layers.push_back("layers.LeakyReLU(negative_slope=" + alpha + ", " + name + ")");
    } else if (type == "Sigmoid") {
        code.torch.module = "nn.Sigmoid()";
        code.keras.layers.push_back("layers.Activation(\"sigmoid\", " + name + ")");
    } else { // Tanh
        code.torch.module = "nn.Tanh()";
        code.keras.layers.push_back("layers.Activation(\"tanh\", " + name + ")");
    }
    return code;
}

} // namespace strata::internal
