// Placeholder until this layer family lands; replaced by its real definition.
#include "layers/builtin_layers.h"

namespace strata::internal {
void registerSoftmax(LayerRegistry &) {}
} // namespace strata::internal
