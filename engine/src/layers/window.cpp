#include "layers/window.h"

#include "codegen/python_text.h"
#include "layers/layer_util.h"

#include <algorithm>

namespace strata::internal {

WindowAxis windowAxis(int64_t in, int64_t kernel, int64_t stride, bool samePadding)
{
    WindowAxis a;
    a.in = in;
    a.kernel = kernel;
    a.stride = stride;
    if (samePadding) {
        a.out = (in + stride - 1) / stride;
        const int64_t total = std::max<int64_t>((a.out - 1) * stride + kernel - in, 0);
        a.padBefore = total / 2;
        a.padAfter = total - a.padBefore;
    } else {
        a.out = in >= kernel ? (in - kernel) / stride + 1 : 0;
    }
    return a;
}

std::vector<WindowAxis> windowAxes(const Shape &spatial, int64_t kernel, int64_t stride,
                                   bool samePadding)
{
    std::vector<WindowAxis> axes;
    for (const int64_t in : spatial)
        axes.push_back(windowAxis(in, kernel, stride, samePadding));
    return axes;
}

Window2D window2D(const Shape &input, int64_t kernel, int64_t stride, const std::string &padding)
{
    const std::vector<WindowAxis> axes =
        windowAxes({input.at(2), input.at(3)}, kernel, stride, padding == "same");
    return Window2D{input.at(0), input.at(1), axes[0], axes[1]};
}

Shape windowOutputShape(const Node &node, const Shape &input, int64_t outChannels, int64_t kernel,
                        int64_t stride, const std::string &padding, const std::string &window)
{
    requireRank(node, input, 3, "an image input (channels×height×width)",
                "give the Input node channels, height and width instead of features, and "
                "place this layer before any Flatten or Dense (there is no Reshape layer to "
                "turn a flat vector back into an image)");
    const Window2D w = window2D({1, input[0], input[1], input[2]}, kernel, stride, padding);
    if (w.rows.out < 1 || w.cols.out < 1)
        throw ShapeError(node.id,
                         describe(node) + ": the input " + toString({input[1], input[2]}) +
                             " (height×width) is smaller than the " + toString({kernel, kernel}) +
                             " " + window + ": set padding to \"same\" or use a " + window +
                             " of at most " + std::to_string(std::min(input[1], input[2])));
    return {outChannels, w.rows.out, w.cols.out};
}

std::string torchPadding(const WindowAxis &rows, const WindowAxis &cols, bool &symmetric)
{
    symmetric = rows.padBefore == rows.padAfter && cols.padBefore == cols.padAfter;
    if (symmetric)
        return rows.padBefore == cols.padBefore ? pyInt(rows.padBefore)
                                                : pyTuple({rows.padBefore, cols.padBefore});
    // F.pad takes the last axis first: (left, right, top, bottom).
    return pyTuple({cols.padBefore, cols.padAfter, rows.padBefore, rows.padAfter});
}

} // namespace strata::internal
