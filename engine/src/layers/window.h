#pragma once
// The geometry of a window sliding over an image, shared by the convolution and pooling
// families: its size and step per axis (a 1×7 kernel, as in Inception v3), how it is padded
// ("valid", "same" or explicit pads per side), dilated and how its output size is rounded
// (ceil mode), the output size per axis and for 2-D images, the per-axis and padding
// parameters of both families' schemas, and that padding as PyTorch code.

#include "strata/graph.h"
#include "strata/layer.h"
#include "strata/tensor.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace strata::internal {

// A node's window settings, from its resolved params.
struct WindowSpec
{
    int64_t kernelH = 1, kernelW = 1; // the window's height and width
    int64_t strideH = 1, strideW = 1; // the step down the rows and along the columns
    int64_t dilation = 1;             // Conv2D only: taps `dilation` pixels apart
    std::string padding = "valid";    // "valid", "same" or "explicit"
    int64_t top = 0, bottom = 0;      // explicit padding only
    int64_t left = 0, right = 0;      //
    bool ceilMode = false;            // pooling only, not with "same"
    bool countIncludePad = false;     // AvgPool2D only
};

// Reads padding, pad, pad_top/bottom/left/right, and dilation, ceil_mode and
// count_include_pad where the node's schema has them; the window's size and step per axis
// are given.
WindowSpec windowSpec(const nlohmann::json &params, int64_t kernelH, int64_t kernelW,
                      int64_t strideH, int64_t strideW);
// A square window: kernel × kernel, the same stride on both axes.
WindowSpec windowSpec(const nlohmann::json &params, int64_t kernel, int64_t stride);

// A per-axis parameter: params[name + "_h"] or [name + "_w"] (axis 'h' or 'w') where it is
// set (above 0), else params[name]. Old projects have only the single value.
int64_t axisParam(const nlohmann::json &params, const std::string &name, char axis);
// Sets a window's size or step in params: `name` when height and width agree, else name_h
// and name_w (an importer's or a test's way to write a 1×7 kernel).
void setAxisParams(nlohmann::json &params, const std::string &name, int64_t height, int64_t width);
// The single values these params leave unused: `name` for each of names whose name_h and
// name_w are both set.
std::vector<std::string> unusedAxisParams(const nlohmann::json &params,
                                          const std::vector<std::string> &names);
// The schema's per-axis parameters for `name`: name_h and name_w, from 0 ("same as name")
// to max, with their one-line help.
std::vector<ParamSpec> axisParams(const std::string &name, int64_t max,
                                  const std::string &heightHelp, const std::string &widthHelp);

// One spatial axis of a sliding window. "same" padding follows Keras/TensorFlow:
// out = ceil(in / stride), padded as little as needed with the odd pixel at the end, which
// is what makes trained models and their exports agree with Keras. Explicit padding and
// ceil mode follow PyTorch (and ONNX): a ceil-mode window that would start in the padding
// after the image is dropped.
struct WindowAxis
{
    int64_t in = 0;
    int64_t kernel = 1;
    int64_t stride = 1;
    int64_t dilation = 1;
    int64_t padBefore = 0;
    int64_t padAfter = 0; // as declared ("same": as computed)
    // Ceil mode: how far the last window reaches past padAfter (padding no average counts).
    int64_t overhang = 0;
    int64_t out = 0; // 0 when the window does not fit in the padded input

    // The pixels one window spans: (kernel - 1) · dilation + 1.
    int64_t span() const { return (kernel - 1) * dilation + 1; }
    // The padding after the image that the windows read, the overhang included.
    int64_t padAfterRead() const { return padAfter + overhang; }
};

// padding: "valid", "same" or "explicit" (then padBefore and padAfter apply).
WindowAxis windowAxis(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                      const std::string &padding, int64_t padBefore, int64_t padAfter,
                      bool ceilMode);

// The geometry of a window sliding over a batch of {N, C, H, W} images.
struct Window2D
{
    int64_t batch = 0;
    int64_t channels = 0;
    WindowAxis rows;
    WindowAxis cols;
};

// input: {N, C, H, W}.
Window2D window2D(const Shape &input, const WindowSpec &spec);

// The output {C', OH, OW} of a window over a {C, H, W} sample, or a ShapeError naming the
// node when the input is not an image, an explicit pad is not smaller than the window, or
// the window does not fit. `window` names the window in messages ("kernel", "pool window").
Shape windowOutputShape(const Node &node, const Shape &input, int64_t outChannels,
                        const WindowSpec &spec, const std::string &window);

// The schema's padding parameters, shared by Conv2D and the pooling layers: padding
// ("valid", "same", "explicit"), pad (every side) and pad_top/bottom/left/right (one side,
// -1: same as pad).
std::vector<ParamSpec> paddingParams();
// The padding parameters these values leave unused (the pads unless padding is "explicit").
std::vector<std::string> unusedPaddingParams(const nlohmann::json &params);

// True when every side of the 2-D window pads (declared and overhang) nothing.
bool unpadded(const Window2D &w);

// A per-axis size as Python: "3" when both axes agree, "(1, 7)" otherwise (height first,
// as PyTorch's kernel_size and Keras' kernel_size both take it).
std::string pyPair(int64_t height, int64_t width);

// The declared padding of a 2-D window as PyTorch code. When it is symmetric
// on both axes (symmetric is set), the `padding` argument of nn.Conv2d / nn.MaxPool2d: "1"
// or "(1, 2)". Otherwise the pad tuple F.pad takes, last axis first: "(left, right, top,
// bottom)".
std::string torchPadding(const WindowAxis &rows, const WindowAxis &cols, bool &symmetric);
// The F.pad tuple "(left, right, top, bottom)", the overhang included when asked.
std::string torchPadTuple(const WindowAxis &rows, const WindowAxis &cols, bool withOverhang);

} // namespace strata::internal
