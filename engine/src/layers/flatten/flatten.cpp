// Placeholder until this layer family lands; replaced by its real definition.
#include "layers/builtin_layers.h"

namespace strata::internal {
void registerFlatten(LayerRegistry &) {}
} // namespace strata::internal
