#pragma once
// Registers every built-in layer type, in palette order (builtin_layers.cpp: one line per
// layer family). Each family declares its registration and hooks in its own header.

namespace strata {
class LayerRegistry;
}

namespace strata::internal {

void registerBuiltinLayers(LayerRegistry &registry);

} // namespace strata::internal
