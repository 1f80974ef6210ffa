#pragma once
// PReLU: x > 0 ? x : slope[c]·x, with one learned slope per channel of an image ({C, H, W})
// or per feature of a flat input ({F}): channel axis 0 of the sample, as PyTorch's
// nn.PReLU(num_parameters=C). One weight, "slope" ({C}), PyTorch's 0.25 under the PyTorch
// initialisation and Keras' 0 under the Keras one.

#include "core/layer_impl.h"
#include "strata/layer.h"

#include <memory>

namespace strata::internal {

// How a kernel sees its input: N samples of C channels with S values each (S = H·W for an
// image, 1 for a flat input).
struct PReluLayout
{
    int64_t batch = 0;
    int64_t channels = 0;
    int64_t spatial = 1;
};

PReluLayout preluLayout(const KernelSetup &setup);

std::unique_ptr<Kernel> makePReluCpu(const KernelSetup &setup);
std::unique_ptr<Kernel> makePReluReference(const KernelSetup &setup);
std::unique_ptr<Kernel> makePReluCuda(const KernelSetup &setup); // builds with CUDA only

// The family's registration (called from layers/builtin_layers.cpp) and the hooks it sets:
// code export in prelu_code.cpp, ONNX export in prelu_onnx.cpp.
void registerPRelu(LayerRegistry &registry);
LayerCode preluCode(const CodeContext &context);
void preluToOnnx(OnnxContext &ctx);

} // namespace strata::internal
