#include "layers/builtin_layers.h"

namespace strata::internal {

void registerBuiltinLayers(LayerRegistry &registry)
{
    registerInput(registry);
    registerDense(registry);
    registerConv2D(registry);
    registerPooling(registry);
    registerFlatten(registry);
    registerActivations(registry);
    registerSoftmax(registry);
    registerDropout(registry);
    registerBatchNorm(registry);
    registerMerge(registry);
}

} // namespace strata::internal
