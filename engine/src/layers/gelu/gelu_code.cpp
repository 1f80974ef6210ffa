// GELU as code: nn.GELU() (approximate="none", the default) in PyTorch and the "gelu"
// activation in Keras, whose default is approximate=False: both the exact erf form.

#include "codegen/python_text.h"
#include "layers/gelu/gelu.h"

namespace strata::internal {

LayerCode geluCode(const CodeContext &c)
{
    LayerCode code;
    code.torch.module = "nn.GELU()";
    code.torch.forward = "self." + c.attr + "(" + c.inputVars[0] + ")";
    code.keras.layers.push_back("layers.Activation(\"gelu\", name=" + pyString(c.attr) + ")");
    return code;
}

} // namespace strata::internal
