#pragma once
// Softmax over the first sample axis (axis 1 with the batch): the features of a flat input
// {K}, the classifier case, or the channels at every pixel of an image C×H×W.

#include "strata/kernel.h"
#include "strata/layer.h"

#include <memory>

namespace strata::internal {

std::unique_ptr<Kernel> makeSoftmaxCpu(const KernelSetup &setup);
std::unique_ptr<Kernel> makeSoftmaxReference(const KernelSetup &setup);
std::unique_ptr<Kernel> makeSoftmaxCuda(const KernelSetup &setup); // builds with CUDA only

} // namespace strata::internal
