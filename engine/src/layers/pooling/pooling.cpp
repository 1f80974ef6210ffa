#include "layers/pooling/pooling.h"

#include "layers/layer_util.h"

namespace strata::internal {

namespace {

// The stride along one axis ('h' or 'w'): stride_h or stride_w, else stride, and 0 there
// means the pool window's size along that axis.
int64_t strideOf(const nlohmann::json &p, char axis)
{
    const int64_t stride = axisParam(p, "stride", axis);
    return stride == 0 ? axisParam(p, "pool", axis) : stride;
}

LayerDefinition windowedPool(const std::string &name, const std::string &help, bool average)
{
    LayerDefinition t;
    t.name = name;
    t.category = "Pooling";
    t.help = help;
    t.params = {intParam("pool", 2, 1, 64, "Pool window height and width in pixels")};
    for (ParamSpec &p : axisParams("pool", 64, "Pool window height alone (1 for a 1×3 window)",
                                   "Pool window width alone (3 for a 1×3 window)"))
        t.params.push_back(std::move(p));
    t.params.push_back(intParam("stride", 0, 0, 64, "Step between windows; 0 means the pool size",
                                "same as pool size"));
    for (ParamSpec &p :
         axisParams("stride", 64, "Step down the rows alone", "Step along the columns alone"))
        t.params.push_back(std::move(p));
    for (ParamSpec &p : paddingParams())
        t.params.push_back(std::move(p));
    t.params.push_back(boolParam("ceil_mode", false,
                                 "Round the output size up: a last, partial window covers the "
                                 "remaining pixels (not with padding \"same\")"));
    if (average)
        t.params.push_back(boolParam("count_include_pad", false,
                                     "Divide by the whole window, padding included (PyTorch's "
                                     "default), instead of by the image pixels it covers"));
    t.unusedParams = [average](const nlohmann::json &p) {
        std::vector<std::string> unused = unusedPaddingParams(p);
        for (std::string &name : unusedAxisParams(p, {"pool", "stride"}))
            unused.push_back(std::move(name));
        const bool same = p.contains("padding") && p.at("padding") == "same";
        if (same)
            unused.push_back("ceil_mode");
        // Without padding there is nothing the average could count (the overhang of a
        // ceil-mode window is never counted).
        if (average && p.contains("padding") && p.at("padding") == "valid")
            unused.push_back("count_include_pad");
        return unused;
    };
    t.inferShape = [](const Node &node, const nlohmann::json &p, const std::vector<Shape> &in) {
        const WindowSpec spec = poolSpec(p);
        const Shape out =
            windowOutputShape(node, in[0], in[0].empty() ? 0 : in[0][0], spec, "pool window");
        // Each output reads its window once.
        return ShapeInfo{out, numel(out) * spec.kernelH * spec.kernelW};
    };
    t.kernels["cpu"] = makePool2DCpu;
    t.layouts["cpu"] = LayoutUse::FollowsInput;
    t.kernels["reference"] = makePool2DReference;
#ifdef STRATA_WITH_CUDA
    t.kernels["cuda"] = makePool2DCuda;
#endif
    t.code = poolingCode;
    t.onnx = poolToOnnx;
    return t;
}

} // namespace

WindowSpec poolSpec(const nlohmann::json &params)
{
    return windowSpec(params, axisParam(params, "pool", 'h'), axisParam(params, "pool", 'w'),
                      strideOf(params, 'h'), strideOf(params, 'w'));
}

Window2D poolWindow(const Shape &input, const nlohmann::json &params)
{
    return window2D(input, poolSpec(params));
}

void registerPooling(LayerRegistry &registry)
{
    LayerDefinition maxPool = windowedPool("MaxPool2D",
                                           "Keeps the largest value of each window: "
                                           "shrinks the image, keeps strong features",
                                           false);
    maxPool.absorbsRelu = {"cpu"}; // a ReLU before it runs inside its kernel
    registry.add(std::move(maxPool));
    registry.add(windowedPool("AvgPool2D",
                              "Averages each window (padding left out unless counted): "
                              "shrinks the image smoothly",
                              true));

    LayerDefinition g;
    g.name = "GlobalAvgPool2D";
    g.category = "Pooling";
    g.help = "Averages each channel over the whole image: channels×height×width → channels "
             "(or channels×1×1, keeping dims)";
    // keep_dims gives the C×1×1 image a 1×1 convolution reads (squeeze-and-excitation);
    // without it the flat C a Dense reads. The kernels are the same: N·C averages.
    g.params = {boolParam("keep_dims", false,
                          "Keep the 1×1 image (channels×1×1) instead of flat channels")};
    g.inferShape = [](const Node &node, const nlohmann::json &params,
                      const std::vector<Shape> &in) {
        requireRank(node, in[0], 3, "an image input (channels×height×width)",
                    "give the Input node channels, height and width instead of features, and "
                    "place this layer before any Flatten or Dense");
        const Shape out = boolOf(params, "keep_dims") ? Shape{in[0][0], 1, 1} : Shape{in[0][0]};
        return ShapeInfo{out, numel(in[0])};
    };
    g.kernels["cpu"] = makeGlobalAvgPoolCpu;
    g.layouts["cpu"] = LayoutUse::FollowsInput; // the 1×1 output is plain in any block
    g.kernels["reference"] = makeGlobalAvgPoolReference;
#ifdef STRATA_WITH_CUDA
    g.kernels["cuda"] = makeGlobalAvgPoolCuda;
#endif
    g.code = poolingCode;
    g.onnx = globalPoolToOnnx;
    registry.add(std::move(g));

    registry.add(adaptiveAvgPoolDefinition());
}

} // namespace strata::internal
