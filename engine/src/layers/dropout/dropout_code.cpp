// Dropout as code: inverted dropout in all three, so inference is the identity everywhere.

#include "codegen/python_text.h"
#include "layers/dropout/dropout.h"
#include "layers/layer_util.h"

namespace strata::internal {

LayerCode dropoutCode(const CodeContext &c)
{
    const std::string rate = pyFloat(floatOf(c.params, "rate"));
    LayerCode code;
    code.torch.module = "nn.Dropout(p=" + rate + ")";
    code.torch.forward = "self." + c.attr + "(" + c.inputVars[0] + ")";
    code.keras.layers.push_back("layers.Dropout(" + rate + ", name=" + pyString(c.attr) + ")");
    return code;
}

} // namespace strata::internal
