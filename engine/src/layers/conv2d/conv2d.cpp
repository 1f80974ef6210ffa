#include "layers/conv2d/conv2d.h"

#include "layers/layer_util.h"

namespace strata::internal {

void registerConv2D(LayerRegistry &registry)
{
    LayerDefinition t;
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
