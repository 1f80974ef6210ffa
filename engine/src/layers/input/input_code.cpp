// Input as code: the argument of forward() in PyTorch; keras.Input, written by the Keras
// exporter from the node's shape, in Keras.

#include "layers/input/input.h"

namespace strata::internal {

LayerCode inputCode(const CodeContext &c)
{
    LayerCode code;
    code.torch.forward = c.attr;
    return code;
}

} // namespace strata::internal
