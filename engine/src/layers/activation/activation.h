#pragma once
// The element-wise activations: ReLU, LeakyReLU, Sigmoid and Tanh. One kernel class per
// backend serves the whole family; the kind picks the function.

#include "strata/kernel.h"
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

} // namespace strata::internal
