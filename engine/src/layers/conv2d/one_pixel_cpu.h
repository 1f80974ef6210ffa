#pragma once
// Conv2D over a 1×1 image on the CPU: when the image and the output are one pixel, only one
// tap of the window reads the image (the others read padding), so the convolution is a
// Dense layer on that tap's weights: three GEMMs, no layout reorders of the weights, a
// ninth of the multiplications of a 3×3 window. ResNet-18's last blocks at 32×32 inputs
// (512 channels, 3×3, padding 1, on 1×1 images) are such layers.

#include "core/layer_impl.h"

#include <memory>

namespace strata::internal {

// The kernel, or null where it does not apply (not a 1×1 image and output, grouped, bf16, or
// no tap on the image): then the general kernel runs.
std::unique_ptr<Kernel> makeConv2DOnePixelCpu(const KernelSetup &setup);

} // namespace strata::internal
