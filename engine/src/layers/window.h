#pragma once
// The geometry of a window sliding over an image, shared by the convolution and pooling
// families: the output size and the padding of "valid" and "same" windows, per axis (any
// number of spatial axes) and for 2-D images; and that padding as PyTorch code.

#include "strata/graph.h"
#include "strata/tensor.h"

#include <cstdint>
#include <string>
#include <vector>

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
// One axis per spatial extent (any number of dimensions), the same kernel and stride on each.
std::vector<WindowAxis> windowAxes(const Shape &spatial, int64_t kernel, int64_t stride,
                                   bool samePadding);

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

// The padding of a 2-D window as PyTorch code. When it is symmetric on both axes (symmetric is
// set), the `padding` argument of nn.Conv2d / nn.MaxPool2d: "1" or "(1, 2)". Otherwise the
// pad tuple F.pad takes, last axis first: "(left, right, top, bottom)".
std::string torchPadding(const WindowAxis &rows, const WindowAxis &cols, bool &symmetric);

} // namespace strata::internal
