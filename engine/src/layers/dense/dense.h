#pragma once
// Dense (fully connected): y = x Wᵀ + b with W stored {units, inputs}, PyTorch's and ONNX
// Gemm(transB=1)'s layout.

#include "strata/kernel.h"
#include "strata/layer.h"

#include <memory>

namespace strata::internal {

std::unique_ptr<Kernel> makeDenseCpu(const KernelSetup &setup);
std::unique_ptr<Kernel> makeDenseReference(const KernelSetup &setup);
std::unique_ptr<Kernel> makeDenseCuda(const KernelSetup &setup); // builds with CUDA only

} // namespace strata::internal
