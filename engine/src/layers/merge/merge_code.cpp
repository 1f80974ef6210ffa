// Add and Concat as code. Concat joins features, or image channels: axis 1 in PyTorch's
// N×C×H×W, the last axis in Keras' channels-last N×H×W×C.

#include "codegen/python_text.h"
#include "layers/merge/merge.h"

namespace strata::internal {

LayerCode mergeCode(const CodeContext &c)
{
    LayerCode code;
    std::string list;
    for (size_t i = 0; i < c.inputVars.size(); ++i)
        list += (i ? (c.node.type == "Add" ? " + " : ", ") : "") + c.inputVars[i];
    if (c.node.type == "Add") {
        code.torch.forward = list;
        code.keras.layers.push_back("layers.Add(name=" + pyString(c.attr) + ")");
    } else {
        code.torch.forward = "torch.cat([" + list + "], dim=1)";
        code.keras.layers.push_back("layers.Concatenate(axis=-1, name=" + pyString(c.attr) + ")");
    }
    return code;
}

} // namespace strata::internal
