#pragma once
// Dense (fully connected): y = x Wᵀ + b with W stored {units, inputs}, PyTorch's and ONNX
// Gemm(transB=1)'s layout.

#include "core/layer_impl.h"
#include "strata/layer.h"

#include <memory>

namespace strata::internal {

std::unique_ptr<Kernel> makeDenseCpu(const KernelSetup &setup); // bf16 too (dense_cpu_bf16.cpp)
std::unique_ptr<Kernel> makeDenseCpuBf16(const KernelSetup &setup);
std::unique_ptr<Kernel> makeDenseReference(const KernelSetup &setup);
std::unique_ptr<Kernel> makeDenseCuda(const KernelSetup &setup); // builds with CUDA only

// The family's registration (called from layers/builtin_layers.cpp) and the hooks it sets:
// code export in dense_code.cpp, ONNX export in dense_onnx.cpp.
void registerDense(LayerRegistry &registry);
LayerCode denseCode(const CodeContext &context);
void denseToOnnx(OnnxContext &ctx); // Gemm, transB = 1

} // namespace strata::internal
