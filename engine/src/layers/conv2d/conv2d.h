#pragma once
// Conv2D: a 2-D convolution over NCHW images with a kernel and stride per axis (kernel_h,
// kernel_w, stride_h, stride_w, each 0 for the single `kernel` or `stride` value), padded
// "valid", "same" or explicitly per side, dilated, and grouped (groups = channels:
// depthwise), with weights stored {filters, channels / groups, kh, kw} (PyTorch's OIHW and
// ONNX Conv's layout) and an optional bias. Its sliding-window geometry (layers/window.h) is shared
// with pooling.

#include "core/layer_impl.h"
#include "layers/window.h"
#include "strata/layer.h"

#include <memory>
#include <string>

namespace strata::internal {

// The window of a Conv2D node, from resolved params.
WindowSpec convWindow(const nlohmann::json &params);

std::unique_ptr<Kernel> makeConv2DCpu(const KernelSetup &setup);
std::unique_ptr<Kernel> makeConv2DReference(const KernelSetup &setup);
std::unique_ptr<Kernel> makeConv2DCuda(const KernelSetup &setup); // builds with CUDA only

// The family's registration (called from layers/builtin_layers.cpp) and the hooks it sets:
// code export in conv2d_code.cpp, ONNX export in conv2d_onnx.cpp.
void registerConv2D(LayerRegistry &registry);
LayerCode conv2DCode(const CodeContext &context);
void conv2DToOnnx(OnnxContext &ctx); // Conv with kernel_shape, explicit pads, dilations, group

} // namespace strata::internal
