#include "layers/conv2d/conv2d.h"

#include "layers/builtin_layers.h"
#include "layers/layer_onnx.h"
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

Window2D window2D(const Shape &input, int64_t kernel, int64_t stride, const std::string &padding)
{
    const bool same = padding == "same";
    return Window2D{input.at(0), input.at(1), windowAxis(input.at(2), kernel, stride, same),
                    windowAxis(input.at(3), kernel, stride, same)};
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

void registerConv2D(LayerRegistry &registry)
{
    LayerType t;
    t.name = "Conv2D";
    t.category = "Convolution";
    t.help = "2-D convolution: slides learned square filters over an image";
    t.params = {
        intParam("filters", 32, 1, 65536, "Number of output channels (learned filters)"),
        intParam("kernel", 3, 1, 64, "Filter height and width in pixels"),
        intParam("stride", 1, 1, 64, "Step between filter positions"),
        choiceParam("padding", "valid", {"valid", "same"},
                    "valid: no padding, the image shrinks; same: pad so that "
                    "output = ceil(input / stride)"),
        boolParam("bias", true, "Add a learned bias to each output channel"),
    };
    t.inferShape = [](const Node &node, const nlohmann::json &p, const std::vector<Shape> &in) {
        const int64_t filters = intOf(p, "filters"), k = intOf(p, "kernel");
        const Shape out = windowOutputShape(node, in[0], filters, k, intOf(p, "stride"),
                                            choiceOf(p, "padding"), "kernel");
        const int64_t positions = out[1] * out[2];
        const int64_t macs = in[0][0] * k * k * filters * positions;
        return ShapeInfo{out, 2 * macs + (boolOf(p, "bias") ? filters * positions : 0)};
    };
    t.weights = [](const Node &, const nlohmann::json &p, const std::vector<Shape> &in) {
        const int64_t filters = intOf(p, "filters"), k = intOf(p, "kernel"), c = in[0][0];
        const int64_t fanIn = c * k * k, fanOut = filters * k * k;
        std::vector<WeightSpec> w{{"weight",
                                   {filters, c, k, k},
                                   Init::GlorotUniform,
                                   Init::KaimingUniform,
                                   fanIn,
                                   fanOut,
                                   true}};
        if (boolOf(p, "bias"))
            w.push_back({"bias", {filters}, Init::Zeros, Init::BiasFanIn, fanIn, fanOut, true});
        return w;
    };
    t.kernels["cpu"] = makeConv2DCpu;
    t.layouts["cpu"] = LayoutUse::Chooses; // nChw16c activations between convolutions
    t.kernels["reference"] = makeConv2DReference;
#ifdef STRATA_WITH_CUDA
    t.kernels["cuda"] = makeConv2DCuda;
#endif
    t.code = conv2DCode;
    t.onnx = conv2DToOnnx;
    registry.add(std::move(t));
}

} // namespace strata::internal
