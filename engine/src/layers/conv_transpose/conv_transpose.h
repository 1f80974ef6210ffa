#pragma once
// ConvTranspose2D: the transposed ("fractionally strided") 2-D convolution of decoders, over
// NCHW images with square kernels. Each input pixel scatters its kernel-weighted values
// `stride` pixels apart; the full result, (in − 1)·stride + kernel pixels per axis, is then
// cropped by the padding and extended by output_padding at the end, as in PyTorch's
// nn.ConvTranspose2d and ONNX ConvTranspose. "same" padding is Keras' Conv2DTranspose: the
// output is input·stride, cropped with the odd pixel at the end. Weights are stored
// {channels, filters, k, k} (PyTorch's and ONNX's layout), with an optional bias.

#include "core/layer_impl.h"
#include "strata/layer.h"

#include <memory>
#include <string>

namespace strata::internal {

// One spatial axis of a transposed convolution. Output pixel o is pixel o + cropBefore of
// the full result, to which input pixel i sends tap t at i·stride + t.
struct TransposedAxis
{
    int64_t in = 0;
    int64_t kernel = 1;
    int64_t stride = 1;
    int64_t cropBefore = 0; // the padding: pixels of the full result left out at the start
    int64_t cropAfter = 0;  // and at the end
    int64_t extra = 0;      // output_padding: pixels added at the end (bias only)
    int64_t out = 0;        // (in − 1)·stride + kernel − cropBefore − cropAfter + extra

    int64_t full() const { return (in - 1) * stride + kernel; }
};

struct TransposedWindow
{
    int64_t batch = 0;
    int64_t channels = 0;
    int64_t filters = 0;
    TransposedAxis rows;
    TransposedAxis cols;
};

// The geometry for resolved params over an {N, C, H, W} input (no checks: see the shape rule).
TransposedWindow transposedWindow(const nlohmann::json &params, const Shape &input);

std::unique_ptr<Kernel> makeConvTransposeCpu(const KernelSetup &setup);
std::unique_ptr<Kernel> makeConvTransposeReference(const KernelSetup &setup);
std::unique_ptr<Kernel> makeConvTransposeCuda(const KernelSetup &setup); // builds with CUDA only

// The family's registration (called from layers/builtin_layers.cpp) and the hooks it sets:
// code export in conv_transpose_code.cpp, ONNX export in conv_transpose_onnx.cpp.
void registerConvTranspose(LayerRegistry &registry);
LayerCode convTransposeCode(const CodeContext &context);
void convTransposeToOnnx(OnnxContext &ctx); // ConvTranspose with pads and output_padding

} // namespace strata::internal
