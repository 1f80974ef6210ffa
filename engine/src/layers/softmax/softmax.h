#pragma once
// Softmax over the first sample axis (axis 1 with the batch): the features of a flat input
// {K}, the classifier case, or the channels at every pixel of an image C×H×W.

#include "core/layer_impl.h"
#include "strata/layer.h"

#include <memory>

namespace strata::internal {

std::unique_ptr<Kernel> makeSoftmaxCpu(const KernelSetup &setup);
std::unique_ptr<Kernel> makeSoftmaxReference(const KernelSetup &setup);
std::unique_ptr<Kernel> makeSoftmaxCuda(const KernelSetup &setup); // builds with CUDA only

// The family's registration (called from layers/builtin_layers.cpp) and the hooks it sets:
// code export in softmax_code.cpp, ONNX export in softmax_onnx.cpp.
void registerSoftmax(LayerRegistry &registry);
LayerCode softmaxCode(const CodeContext &context);
void softmaxToOnnx(OnnxContext &ctx);

} // namespace strata::internal
