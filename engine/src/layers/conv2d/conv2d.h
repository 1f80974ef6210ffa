#pragma once
// Conv2D: a square-kernel 2-D convolution over NCHW images with weights stored
// {filters, channels, k, k} (PyTorch's OIHW and ONNX Conv's layout) and an optional bias.
// The sliding-window geometry here is shared with the pooling layers.

#include "strata/kernel.h"
#include "strata/layer.h"

#include <memory>
#include <string>

namespace strata::internal {

// One spatial axis of a sliding window. "same" padding follows Keras/TensorFlow:
// out = ceil(in / stride), padded as little as needed with the odd pixel at the end, which
// is what makes trained models and their exports agree with Keras.
struct WindowAxis
{
    int64_t in = 0;
    int64_t kernel = 1;
    int64_t stride = 1;
    int64_t padBefore = 0;
    int64_t padAfter = 0;
    int64_t out = 0; // 0 when a "valid" window does not fit in the input
};

WindowAxis windowAxis(int64_t in, int64_t kernel, int64_t stride, bool samePadding);

// The geometry of a window sliding over a batch of {N, C, H, W} images.
struct Window2D
{
    int64_t batch = 0;
    int64_t channels = 0;
    WindowAxis rows;
    WindowAxis cols;
};

// input: {N, C, H, W}; padding: "valid" or "same".
Window2D window2D(const Shape &input, int64_t kernel, int64_t stride, const std::string &padding);

// The output {C', OH, OW} of a window over a {C, H, W} sample, or a ShapeError naming the
// node when the input is not an image or a "valid" window does not fit. `window` names the
// window in messages ("kernel", "pool window").
Shape windowOutputShape(const Node &node, const Shape &input, int64_t outChannels, int64_t kernel,
                        int64_t stride, const std::string &padding, const std::string &window);

std::unique_ptr<Kernel> makeConv2DCpu(const KernelSetup &setup);
std::unique_ptr<Kernel> makeConv2DReference(const KernelSetup &setup);
std::unique_ptr<Kernel> makeConv2DCuda(const KernelSetup &setup); // builds with CUDA only

} // namespace strata::internal
