#pragma once
// Input: where samples enter the model.

#include "core/layer_impl.h"

namespace strata::internal {

// The family's registration (called from layers/builtin_layers.cpp) and the hooks it sets:
// code export in input_code.cpp, ONNX export in input_onnx.cpp.
void registerInput(LayerRegistry &registry);
LayerCode inputCode(const CodeContext &context);
void inputToOnnx(OnnxContext &ctx); // the graph input, dynamic batch

} // namespace strata::internal
