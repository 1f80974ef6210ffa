// BatchNorm as code. Strata counts momentum the Keras way (the share of the running
// statistics kept); PyTorch's momentum is the share replaced, 1 - Strata's.

#include "codegen/python_text.h"
#include "layers/batchnorm/batchnorm.h"
#include "layers/layer_util.h"

namespace strata::internal {

LayerCode batchNormCode(const CodeContext &c)
{
    const double momentum = floatOf(c.params, "momentum");
    const std::string eps = pyFloat(floatOf(c.params, "epsilon"));
    const bool image = c.inputs[0].size() == 3;
    LayerCode code;
    code.torch.module = std::string(image ? "nn.BatchNorm2d(" : "nn.BatchNorm1d(") +
                        pyInt(c.inputs[0][0]) + ", eps=" + eps +
                        ", momentum=" + pyFloat(1 - momentum) + ")";
    code.torch.forward = "self." + c.attr + "(" + c.inputVars[0] + ")";
    code.torch.comment = "momentum " + pyFloat(1 - momentum) + " is Strata's " + pyFloat(momentum) +
                         " counted the PyTorch way (the share replaced)";
    code.torch.weights = {{"gamma", "weight", "w", ""},
                          {"beta", "bias", "w", ""},
                          {"running_mean", "running_mean", "w", ""},
                          {"running_var", "running_var", "w", ""}};

    code.keras.layers.push_back("layers.BatchNormalization(momentum=" + pyFloat(momentum) +
                                ", epsilon=" + eps + ", name=" + pyString(c.attr) + ")");
    code.keras.weights = {{"gamma", "gamma", "w", ""},
                          {"beta", "beta", "w", ""},
                          {"running_mean", "moving_mean", "w", ""},
                          {"running_var", "moving_variance", "w", ""}};
    return code;
}

} // namespace strata::internal
