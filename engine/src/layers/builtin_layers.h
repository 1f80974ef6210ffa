#pragma once
// Registers every built-in layer type, in palette order. builtin_layers.cpp includes each
// family's header and calls its registration: the one edit outside a new layer's folder.

namespace strata {
class LayerRegistry;
}

namespace strata::internal {

void registerBuiltinLayers(LayerRegistry &registry);

} // namespace strata::internal
