#pragma once
// Flatten: any sample shape to one feature vector in row-major order.

#include "core/layer_impl.h"

namespace strata::internal {

// The family's registration (called from layers/builtin_layers.cpp) and the hooks it sets:
// code export in flatten_code.cpp, ONNX export in flatten_onnx.cpp.
void registerFlatten(LayerRegistry &registry);
LayerCode flattenCode(const CodeContext &context);
void flattenToOnnx(OnnxContext &ctx);

} // namespace strata::internal
