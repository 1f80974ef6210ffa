#pragma once
// BatchNorm: normalises each channel of an image ({C, H, W}, statistics over batch, height
// and width) or each feature of a flat input ({F}, statistics over the batch), then scales
// by gamma and shifts by beta. Training uses the batch statistics and updates the running
// ones Keras-style, running = momentum·running + (1 − momentum)·batch; evaluation uses the
// running statistics. Weights, in order: gamma, beta, running_mean, running_var.

#include "core/layer_impl.h"
#include "strata/layer.h"

#include <memory>

namespace strata::internal {

// How a kernel sees its input: N samples of C channels with S values each (S = H·W for an
// image, 1 for a flat input).
struct BatchNormLayout
{
    int64_t batch = 0;
    int64_t channels = 0;
    int64_t spatial = 1;
    float momentum = 0.99f;
    float epsilon = 1e-3f;
};

BatchNormLayout batchNormLayout(const KernelSetup &setup);

// The factor that turns the biased variance of `count` values into the unbiased one, which
// is what the running variance tracks (as in PyTorch).
inline double unbiasedFactor(int64_t count)
{
    return count > 1 ? static_cast<double>(count) / static_cast<double>(count - 1) : 1.0;
}

std::unique_ptr<Kernel> makeBatchNormCpu(const KernelSetup &setup);
std::unique_ptr<Kernel> makeBatchNormReference(const KernelSetup &setup);
std::unique_ptr<Kernel> makeBatchNormCuda(const KernelSetup &setup); // builds with CUDA only

// The family's registration (called from layers/builtin_layers.cpp) and the hooks it sets:
// code export in batchnorm_code.cpp, ONNX export in batchnorm_onnx.cpp.
void registerBatchNorm(LayerRegistry &registry);
LayerCode batchNormCode(const CodeContext &context);
void batchNormToOnnx(OnnxContext &ctx);

} // namespace strata::internal
