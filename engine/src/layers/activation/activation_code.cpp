// The element-wise activations as code. LeakyReLU's slope is written out: Strata's default
// (0.3) is Keras', PyTorch's own default is 0.01. Keras 3's hard_sigmoid and hard_silu are
// PyTorch's relu6(x + 3) / 6 and x · relu6(x + 3) / 6 (Keras 2's hard_sigmoid was 0.2·x + 0.5);
// Keras' softplus, like ONNX's, has no threshold, which changes nothing in float (above 20,
// log(1 + e^x) rounds to x).

#include "codegen/python_text.h"
#include "layers/activation/activation.h"
#include "layers/layer_util.h"

#include <map>

namespace strata::internal {

namespace {

// The types that are one PyTorch module without arguments and one Keras activation by name.
const std::map<std::string, std::pair<std::string, std::string>> &byName()
{
    static const std::map<std::string, std::pair<std::string, std::string>> table = {
        {"Sigmoid", {"nn.Sigmoid()", "sigmoid"}},
        {"Tanh", {"nn.Tanh()", "tanh"}},
        {"SiLU", {"nn.SiLU()", "silu"}},
        {"Hardswish", {"nn.Hardswish()", "hard_silu"}},
        {"Hardsigmoid", {"nn.Hardsigmoid()", "hard_sigmoid"}},
        {"Softplus", {"nn.Softplus()", "softplus"}},
    };
    return table;
}

} // namespace

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
    } else if (type == "ReLU6") {
        code.torch.module = "nn.ReLU6()";
        code.keras.layers.push_back("layers.ReLU(max_value=6.0, " + name + ")");
    } else if (type == "Clip") {
        const std::string lo = pyFloat(floatOf(c.params, "min"));
        const std::string hi = pyFloat(floatOf(c.params, "max"));
        code.torch.module = "nn.Hardtanh(min_val=" + lo + ", max_val=" + hi + ")";
        code.keras.layers.push_back("layers.Activation(lambda t: keras.ops.clip(t, " + lo + ", " +
                                    hi + "), " + name + ")");
    } else if (type == "ELU") {
        const std::string alpha = pyFloat(floatOf(c.params, "alpha"));
        code.torch.module = "nn.ELU(alpha=" + alpha + ")";
        code.keras.layers.push_back("layers.ELU(alpha=" + alpha + ", " + name + ")");
    } else {
        const auto &[torch, keras] = byName().at(type);
        code.torch.module = torch;
        code.keras.layers.push_back("layers.Activation(\"" + keras + "\", " + name + ")");
    }
    return code;
}

} // namespace strata::internal
