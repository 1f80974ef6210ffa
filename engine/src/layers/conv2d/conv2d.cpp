#include "layers/conv2d/conv2d.h"

#include "layers/layer_util.h"

namespace strata::internal {

namespace {

// Input channels and filters split into `groups` independent convolutions.
void checkGroups(const Node &node, int64_t channels, int64_t filters, int64_t groups)
{
    if (channels % groups != 0)
        throw ShapeError(node.id, describe(node) + ": groups " + std::to_string(groups) +
                                      " does not divide its " + std::to_string(channels) +
                                      " input channels: set groups to a divisor of " +
                                      std::to_string(channels) + " (" + std::to_string(channels) +
                                      " for a depthwise convolution)");
    if (filters % groups != 0)
        throw ShapeError(node.id, describe(node) + ": groups " + std::to_string(groups) +
                                      " does not divide its " + std::to_string(filters) +
                                      " filters: set filters to a multiple of " +
                                      std::to_string(groups));
}

} // namespace

WindowSpec convWindow(const nlohmann::json &params)
{
    return windowSpec(params, axisParam(params, "kernel", 'h'), axisParam(params, "kernel", 'w'),
                      axisParam(params, "stride", 'h'), axisParam(params, "stride", 'w'));
}

void registerConv2D(LayerRegistry &registry)
{
    LayerDefinition t;
    t.name = "Conv2D";
    t.category = "Convolution";
    t.help = "2-D convolution: slides learned filters over an image";
    t.params = {
        intParam("filters", 32, 1, 65536, "Number of output channels (learned filters)"),
        intParam("kernel", 3, 1, 64, "Filter height and width in pixels"),
    };
    for (ParamSpec &p : axisParams("kernel", 64, "Filter height alone (7 for a 7×1 filter)",
                                   "Filter width alone (7 for a 1×7 filter)"))
        t.params.push_back(std::move(p));
    t.params.push_back(intParam("stride", 1, 1, 64, "Step between filter positions"));
    for (ParamSpec &p :
         axisParams("stride", 64, "Step down the rows alone", "Step along the columns alone"))
        t.params.push_back(std::move(p));
    for (ParamSpec &p : paddingParams())
        t.params.push_back(std::move(p));
    t.params.push_back(
        intParam("dilation", 1, 1, 64, "Spacing between the filter's taps (1: adjacent pixels)"));
    t.params.push_back(intParam("groups", 1, 1, 65536,
                                "Split channels and filters into this many independent "
                                "convolutions (the channel count: depthwise)"));
    t.params.push_back(boolParam("bias", true, "Add a learned bias to each output channel"));
    t.unusedParams = [](const nlohmann::json &p) {
        std::vector<std::string> unused = unusedPaddingParams(p);
        for (std::string &name : unusedAxisParams(p, {"kernel", "stride"}))
            unused.push_back(std::move(name));
        return unused;
    };
    t.inferShape = [](const Node &node, const nlohmann::json &p, const std::vector<Shape> &in) {
        const int64_t filters = intOf(p, "filters");
        const WindowSpec spec = convWindow(p);
        const Shape out = windowOutputShape(node, in[0], filters, spec, "kernel");
        const int64_t groups = intOf(p, "groups");
        checkGroups(node, in[0][0], filters, groups);
        const int64_t positions = out[1] * out[2];
        const int64_t macs = in[0][0] / groups * spec.kernelH * spec.kernelW * filters * positions;
        return ShapeInfo{out, 2 * macs + (boolOf(p, "bias") ? filters * positions : 0)};
    };
    t.weights = [](const Node &, const nlohmann::json &p, const std::vector<Shape> &in) {
        const int64_t filters = intOf(p, "filters");
        const WindowSpec spec = convWindow(p);
        const int64_t kh = spec.kernelH, kw = spec.kernelW;
        const int64_t perGroup = in[0][0] / intOf(p, "groups"); // input channels per filter
        // As PyTorch and Keras count them: a filter reads perGroup channels.
        const int64_t fanIn = perGroup * kh * kw, fanOut = filters * kh * kw;
        std::vector<WeightSpec> w{{"weight",
                                   {filters, perGroup, kh, kw},
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
