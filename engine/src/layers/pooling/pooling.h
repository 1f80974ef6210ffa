#pragma once
// Pooling over NCHW images. MaxPool2D and AvgPool2D slide a square pool window (stride 0
// means the pool size, as in Keras and PyTorch), padded "valid", "same" or explicitly per
// side, with the output size rounded down or (ceil_mode) up as PyTorch does; AvgPool2D leaves
// padding out of the average, as Keras does, unless count_include_pad counts it (PyTorch's
// default; padding a ceil-mode window adds past the declared pads is never counted).
// GlobalAvgPool2D averages each channel over the whole image and gives a flat {C} output, so a
// Dense can follow directly, or with keep_dims a {C, 1, 1} image for a 1×1 Conv2D or a
// per-channel Multiply (squeeze-and-excitation).

#include "core/layer_impl.h"
#include "layers/window.h" // the sliding-window geometry shared with Conv2D

#include <nlohmann/json.hpp>

namespace strata::internal {

// The window of a MaxPool2D or AvgPool2D node, from resolved params, and its geometry over
// input {N, C, H, W}.
WindowSpec poolSpec(const nlohmann::json &params);
Window2D poolWindow(const Shape &input, const nlohmann::json &params);

// Kernels for MaxPool2D and AvgPool2D (the node's type selects max or average).
std::unique_ptr<Kernel> makePool2DCpu(const KernelSetup &setup);
std::unique_ptr<Kernel> makePool2DReference(const KernelSetup &setup);

std::unique_ptr<Kernel> makeGlobalAvgPoolCpu(const KernelSetup &setup);
std::unique_ptr<Kernel> makeGlobalAvgPoolReference(const KernelSetup &setup);

// With CUDA only.
std::unique_ptr<Kernel> makePool2DCuda(const KernelSetup &setup);
std::unique_ptr<Kernel> makeGlobalAvgPoolCuda(const KernelSetup &setup);

// The family's registration (called from layers/builtin_layers.cpp) and the hooks it sets:
// code export in pooling_code.cpp, ONNX export in pooling_onnx.cpp.
void registerPooling(LayerRegistry &registry); // MaxPool2D, AvgPool2D, GlobalAvgPool2D
LayerCode poolingCode(const CodeContext &context);
void poolToOnnx(OnnxContext &ctx);       // MaxPool2D, AvgPool2D
void globalPoolToOnnx(OnnxContext &ctx); // GlobalAveragePool + Flatten

} // namespace strata::internal
