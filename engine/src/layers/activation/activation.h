#pragma once
// The element-wise activations: ReLU, LeakyReLU, Sigmoid, Tanh, ReLU6, Clip, ELU, SiLU,
// Hardswish, Hardsigmoid and Softplus. One kernel class per backend serves the whole family;
// the function (kind and its constants) picks what it computes.

#include "core/layer_impl.h"
#include "strata/layer.h"

#include <memory>

namespace strata::internal {

// The CUDA kernels (activation_cuda.cu) switch on these values: append, never reorder.
enum class ActivationKind {
    ReLU,
    LeakyReLU,
    Sigmoid,
    Tanh,
    Clip, // ReLU6 is Clip from 0 to 6
    ELU,
    SiLU,
    Hardswish,
    Hardsigmoid,
    Softplus,
};

// A kind with its constants: LeakyReLU's negative slope in alpha, Clip's bounds in alpha
// (lower) and beta (upper), ELU's alpha; the others use neither.
struct ActivationFunction
{
    ActivationKind kind = ActivationKind::ReLU;
    float alpha = 0;
    float beta = 0;
};

// Softplus is x itself above this input, as PyTorch's (beta 1, threshold 20) is.
constexpr float kSoftplusThreshold = 20.f;

std::unique_ptr<Kernel> makeActivationCpu(const KernelSetup &setup, ActivationFunction f);
std::unique_ptr<Kernel> makeActivationReference(const KernelSetup &setup, ActivationFunction f);
std::unique_ptr<Kernel> makeActivationCuda(const KernelSetup &setup,
                                           ActivationFunction f); // builds with CUDA only

// The family's registration (called from layers/builtin_layers.cpp) and the hooks it sets:
// code export in activation_code.cpp, ONNX export in activation_onnx.cpp.
void registerActivations(LayerRegistry &registry);
LayerCode activationCode(const CodeContext &context);
void activationToOnnx(OnnxContext &ctx);

} // namespace strata::internal
