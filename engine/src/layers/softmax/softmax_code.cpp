// Softmax as code: over features, or over the channels at each pixel, which is axis 1 in
// PyTorch's N×C×H×W and the last axis in Keras' channels-last N×H×W×C.

#include "codegen/python_text.h"
#include "layers/softmax/softmax.h"

namespace strata::internal {

LayerCode softmaxCode(const CodeContext &c)
{
    LayerCode code;
    code.torch.module = "nn.Softmax(dim=1)";
    code.torch.forward = "self." + c.attr + "(" + c.inputVars[0] + ")";
    code.keras.layers.push_back("layers.Softmax(axis=-1, name=" + pyString(c.attr) + ")");
    return code;
}

} // namespace strata::internal
