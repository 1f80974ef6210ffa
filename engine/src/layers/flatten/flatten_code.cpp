// Flatten as code. PyTorch flattens C×H×W like Strata. Keras flattens its channels-last
// images H×W×C, which a Dense that follows absorbs by reordering its kernel rows (see
// dense_code.cpp); anything else that reads the flat order gets the image permuted to
// C×H×W before the Flatten.

#include "codegen/python_text.h"
#include "layers/flatten/flatten.h"

namespace strata::internal {

LayerCode flattenCode(const CodeContext &c)
{
    LayerCode code;
    code.torch.module = "nn.Flatten()";
    code.torch.forward = "self." + c.attr + "(" + c.inputVars[0] + ")";
    if (c.permuteToChannelsFirst && c.inputs[0].size() == 3) {
        code.keras.layers.push_back(
            "layers.Permute((3, 1, 2), name=" + pyString(c.attr + "_to_chw") + ")");
        code.keras.comment = "Permuted to C×H×W first, so the features come out in Strata's "
                             "(and PyTorch's)\norder";
    }
    code.keras.layers.push_back("layers.Flatten(name=" + pyString(c.attr) + ")");
    return code;
}

} // namespace strata::internal
