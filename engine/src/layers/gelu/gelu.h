#pragma once
// GELU, the Gaussian error linear unit in its exact form: x · Φ(x) = x/2 · (1 + erf(x/√2)),
// as PyTorch's nn.GELU() and Keras' gelu (approximate=False) compute it. The whole layer type
// lives in this folder; its one line outside is in layers/builtin_layers.cpp.

#include "core/layer_impl.h"

#include <memory>

namespace strata::internal {

std::unique_ptr<Kernel> makeGeluCpu(const KernelSetup &setup);       // gelu_cpu.cpp
std::unique_ptr<Kernel> makeGeluReference(const KernelSetup &setup); // gelu_ref.cpp
std::unique_ptr<Kernel> makeGeluCuda(const KernelSetup &setup);      // builds with CUDA only

// The registration (gelu.cpp) and the hooks it sets: code export in gelu_code.cpp, ONNX
// export in gelu_onnx.cpp (opset 13 has no Gelu: the Erf form PyTorch writes).
void registerGelu(LayerRegistry &registry);
LayerCode geluCode(const CodeContext &context);
void geluToOnnx(OnnxContext &ctx);

} // namespace strata::internal
