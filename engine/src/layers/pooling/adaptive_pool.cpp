// AdaptiveAvgPool2D's registration: its output size, shape rule and kernels.

#include "layers/layer_util.h"
#include "layers/pooling/pooling.h"

namespace strata::internal {

namespace {

// The pixels all windows along one axis read together.
int64_t pixelsRead(const AdaptiveAxis &a)
{
    int64_t sum = 0;
    for (int64_t i = 0; i < a.out; ++i)
        sum += a.end(i) - a.begin(i);
    return sum;
}

} // namespace

AdaptiveWindow adaptiveWindow(const Shape &input, const nlohmann::json &params)
{
    return AdaptiveWindow{input.at(0),
                          input.at(1),
                          {input.at(2), intOf(params, "height")},
                          {input.at(3), intOf(params, "width")}};
}

LayerDefinition adaptiveAvgPoolDefinition()
{
    LayerDefinition t;
    t.name = "AdaptiveAvgPool2D";
    t.category = "Pooling";
    t.help = "Averages each channel down to a chosen height×width, whatever the input's size "
             "(PyTorch's AdaptiveAvgPool2d: 7×7 before VGG's classifier)";
    t.params = {intParam("height", 1, 1, 4096, "Output height in pixels"),
                intParam("width", 1, 1, 4096, "Output width in pixels")};
    t.inferShape = [](const Node &node, const nlohmann::json &p, const std::vector<Shape> &in) {
        requireRank(node, in[0], 3, "an image input (channels×height×width)",
                    "give the Input node channels, height and width instead of features, and "
                    "place this layer before any Flatten or Dense");
        const AdaptiveWindow w = adaptiveWindow(withBatch(1, in[0]), p);
        // Each output reads its window once: the windows' rows times their columns.
        return ShapeInfo{{in[0][0], w.rows.out, w.cols.out},
                         in[0][0] * pixelsRead(w.rows) * pixelsRead(w.cols)};
    };
    t.kernels["cpu"] = makeAdaptiveAvgPoolCpu;
    t.kernels["reference"] = makeAdaptiveAvgPoolReference;
#ifdef STRATA_WITH_CUDA
    t.kernels["cuda"] = makeAdaptiveAvgPoolCuda;
#endif
    t.code = adaptivePoolCode;
    t.onnx = adaptivePoolToOnnx;
    return t;
}

} // namespace strata::internal
