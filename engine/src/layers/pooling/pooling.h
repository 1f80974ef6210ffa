#pragma once
// Pooling over NCHW images. MaxPool2D and AvgPool2D slide a pool window, square or set per
// axis (pool_h, pool_w, stride_h, stride_w; stride 0 means the pool size, as in Keras and
// PyTorch), padded "valid", "same" or explicitly per
// side, with the output size rounded down or (ceil_mode) up as PyTorch does; AvgPool2D leaves
// padding out of the average, as Keras does, unless count_include_pad counts it (PyTorch's
// default; padding a ceil-mode window adds past the declared pads is never counted).
// GlobalAvgPool2D averages each channel over the whole image and gives a flat {C} output, so a
// Dense can follow directly, or with keep_dims a {C, 1, 1} image for a 1×1 Conv2D or a
// per-channel Multiply (squeeze-and-excitation).
// AdaptiveAvgPool2D averages each channel down to a chosen height×width, PyTorch's
// nn.AdaptiveAvgPool2d((h, w)): window i along an axis covers pixels floor(i·in/out) up to
// ceil((i+1)·in/out), so uneven windows (13 → 6) overlap by a pixel.

#include "core/layer_impl.h"
#include "layers/window.h" // the sliding-window geometry shared with Conv2D

#include <nlohmann/json.hpp>

namespace strata::internal {

// The window of a MaxPool2D or AvgPool2D node, from resolved params, and its geometry over
// input {N, C, H, W}.
WindowSpec poolSpec(const nlohmann::json &params);
Window2D poolWindow(const Shape &input, const nlohmann::json &params);

// The windows of an adaptive average pool along one axis, as PyTorch computes them.
struct AdaptiveAxis
{
    int64_t in = 1, out = 1;
    int64_t begin(int64_t i) const { return i * in / out; }
    int64_t end(int64_t i) const { return ((i + 1) * in + out - 1) / out; }
    // Every window in/out pixels, in/out apart: an ordinary average pool.
    bool even() const { return in % out == 0; }
};

struct AdaptiveWindow
{
    int64_t batch = 0, channels = 0;
    AdaptiveAxis rows, cols;
};

// An AdaptiveAvgPool2D node's windows over input {N, C, H, W}, from resolved params.
AdaptiveWindow adaptiveWindow(const Shape &input, const nlohmann::json &params);

// Kernels for MaxPool2D and AvgPool2D (the node's type selects max or average).
std::unique_ptr<Kernel> makePool2DCpu(const KernelSetup &setup);
std::unique_ptr<Kernel> makePool2DReference(const KernelSetup &setup);

std::unique_ptr<Kernel> makeGlobalAvgPoolCpu(const KernelSetup &setup);
std::unique_ptr<Kernel> makeGlobalAvgPoolReference(const KernelSetup &setup);

// AdaptiveAvgPool2D: oneDNN's average pool where the windows are even, else
// makeAdaptiveAvgPoolLoops (adaptive_pool_cpu.cpp).
std::unique_ptr<Kernel> makeAdaptiveAvgPoolCpu(const KernelSetup &setup);
std::unique_ptr<Kernel> makeAdaptiveAvgPoolLoops(const KernelSetup &setup);
std::unique_ptr<Kernel> makeAdaptiveAvgPoolReference(const KernelSetup &setup);

// With CUDA only.
std::unique_ptr<Kernel> makePool2DCuda(const KernelSetup &setup);
std::unique_ptr<Kernel> makeGlobalAvgPoolCuda(const KernelSetup &setup);
std::unique_ptr<Kernel> makeAdaptiveAvgPoolCuda(const KernelSetup &setup);

// The family's registration (called from layers/builtin_layers.cpp) and the hooks it sets:
// code export in pooling_code.cpp, ONNX export in pooling_onnx.cpp.
// MaxPool2D, AvgPool2D, GlobalAvgPool2D, and AdaptiveAvgPool2D (adaptive_pool.cpp).
void registerPooling(LayerRegistry &registry);
LayerDefinition adaptiveAvgPoolDefinition();
LayerCode poolingCode(const CodeContext &context);
LayerCode adaptivePoolCode(const CodeContext &context); // adaptive_pool_code.cpp
void poolToOnnx(OnnxContext &ctx);                      // MaxPool2D, AvgPool2D
void globalPoolToOnnx(OnnxContext &ctx);                // GlobalAveragePool + Flatten
void adaptivePoolToOnnx(OnnxContext &ctx);              // adaptive_pool_onnx.cpp

} // namespace strata::internal
