#pragma once
// The element-wise activations: ReLU, LeakyReLU, Sigmoid and Tanh. One kernel class per
// backend serves the whole family; the kind picks the function.

#include "core/layer_impl.h"
#include "strata/layer.h"

#include <memory>

namespace strata::internal {

enum class ActivationKind { ReLU, LeakyReLU, Sigmoid, Tanh };

// alpha is LeakyReLU's slope for negative inputs (0 for the others).
std::unique_ptr<Kernel> makeActivationCpu(const KernelSetup &setup, ActivationKind kind,
                                          float alpha);
std::unique_ptr<Kernel> makeActivationReference(const KernelSetup &setup, ActivationKind kind,
                                                float alpha);
std::unique_ptr<Kernel> makeActivationCuda(const KernelSetup &setup, ActivationKind kind,
                                           float alpha); // builds with CUDA only

// The family's registration (called from layers/builtin_layers.cpp) and the hooks it sets:
// code export in activation_code.cpp, ONNX export in activation_onnx.cpp.
void registerActivations(LayerRegistry &registry); // ReLU, LeakyReLU, Sigmoid, Tanh
LayerCode activationCode(const CodeContext &context);
void activationToOnnx(OnnxContext &ctx); // ReLU, LeakyReLU, Sigmoid, Tanh

} // namespace strata::internal
