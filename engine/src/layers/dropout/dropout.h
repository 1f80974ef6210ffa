#pragma once
// Dropout (inverted): identity at inference.

#include "core/layer_impl.h"

namespace strata::internal {

// The family's registration (called from layers/builtin_layers.cpp) and the hooks it sets:
// code export in dropout_code.cpp, ONNX export in dropout_onnx.cpp.
void registerDropout(LayerRegistry &registry);
LayerCode dropoutCode(const CodeContext &context);
void dropoutToOnnx(OnnxContext &ctx); // left out: identity at inference

} // namespace strata::internal
