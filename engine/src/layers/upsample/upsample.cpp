#include "layers/upsample/upsample.h"

#include "layers/layer_util.h"

namespace strata::internal {

UpsampleSpec upsampleSpec(const nlohmann::json &p)
{
    return {choiceOf(p, "mode") == "bilinear", intOf(p, "scale_height"), intOf(p, "scale_width")};
}

void registerUpsample(LayerRegistry &registry)
{
    LayerDefinition t;
    t.name = "Upsample";
    t.category = "Convolution";
    t.help = "Enlarges an image by whole factors, repeating or interpolating its pixels";
    t.params = {
        choiceParam("mode", "nearest", {"nearest", "bilinear"},
                    "nearest: repeat each pixel; bilinear: interpolate between the nearest four "
                    "(half-pixel centres, as PyTorch's align_corners=False and Keras)"),
        intParam("scale_height", 2, 1, 64, "Output rows per input row"),
        intParam("scale_width", 2, 1, 64, "Output columns per input column"),
    };
    t.inferShape = [](const Node &node, const nlohmann::json &p, const std::vector<Shape> &in) {
        requireRank(node, in[0], 3, "an image input (channels×height×width)",
                    "place Upsample where the network still has images, before any Flatten "
                    "or Dense");
        const UpsampleSpec s = upsampleSpec(p);
        const Shape out{in[0][0], in[0][1] * s.scaleH, in[0][2] * s.scaleW};
        // Bilinear: four products and three sums per output value.
        return ShapeInfo{out, s.bilinear ? 7 * numel(out) : 0};
    };
    t.kernels["cpu"] = makeUpsampleCpu;
    t.kernels["reference"] = makeUpsampleReference;
#ifdef STRATA_WITH_CUDA
    t.kernels["cuda"] = makeUpsampleCuda;
#endif
    t.code = upsampleCode;
    t.onnx = upsampleToOnnx;
    registry.add(std::move(t));
}

} // namespace strata::internal
