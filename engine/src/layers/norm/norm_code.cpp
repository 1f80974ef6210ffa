// LayerNorm and GroupNorm as code. PyTorch: nn.LayerNorm over the sample's shape, or, over
// "channels" on an image, nn.LayerNorm(C) applied channels-last between two permutes (PyTorch
// has no channels-first LayerNorm); nn.GroupNorm. Keras (channels-last): LayerNormalization
// over axes [1, 2, 3] with gamma and beta moved to H×W×C, or over the last axis (the
// channels); GroupNormalization over the last axis, which groups consecutive channels as
// PyTorch does.

#include "codegen/python_text.h"
#include "layers/layer_util.h"
#include "layers/norm/norm.h"

namespace strata::internal {

namespace {

std::string shapeList(const Shape &s)
{
    std::string text;
    for (int64_t d : s)
        text += (text.empty() ? "" : ", ") + pyInt(d);
    return "[" + text + "]";
}

} // namespace

LayerCode layerNormCode(const CodeContext &c)
{
    const Shape &in = c.inputs[0];
    const bool image = in.size() == 3;
    const bool channels = image && choiceOf(c.params, "over") == "channels";
    const std::string eps = pyFloat(floatOf(c.params, "epsilon"));
    const std::string name = "name=" + pyString(c.attr);
    LayerCode code;
    code.torch.weights = {{"gamma", "weight", "w", ""}, {"beta", "bias", "w", ""}};
    if (channels) {
        code.torch.module = "nn.LayerNorm(" + pyInt(in[0]) + ", eps=" + eps + ")";
        code.torch.forward =
            "self." + c.attr + "(" + c.inputVars[0] + ".permute(0, 2, 3, 1)).permute(0, 3, 1, 2)";
        code.torch.comment = "over the channels at each position: LayerNorm channels-last";
        code.keras.layers.push_back("layers.LayerNormalization(axis=-1, epsilon=" + eps + ", " +
                                    name + ")");
        code.keras.weights = {{"gamma", "gamma", "w", ""}, {"beta", "beta", "w", ""}};
        return code;
    }
    code.torch.module =
        "nn.LayerNorm(" + (image ? shapeList(in) : pyInt(in[0])) + ", eps=" + eps + ")";
    code.torch.forward = "self." + c.attr + "(" + c.inputVars[0] + ")";
    if (image) {
        code.keras.layers.push_back("layers.LayerNormalization(axis=[1, 2, 3], epsilon=" + eps +
                                    ", " + name + ")");
        const std::string toHwc = "w.transpose(1, 2, 0)";
        code.keras.weights = {{"gamma", "gamma", toHwc, "C×H×W → H×W×C"},
                              {"beta", "beta", toHwc, "C×H×W → H×W×C"}};
    } else {
        code.keras.layers.push_back("layers.LayerNormalization(axis=-1, epsilon=" + eps + ", " +
                                    name + ")");
        code.keras.weights = {{"gamma", "gamma", "w", ""}, {"beta", "beta", "w", ""}};
    }
    return code;
}

LayerCode groupNormCode(const CodeContext &c)
{
    const std::string groups = pyInt(intOf(c.params, "groups"));
    const std::string eps = pyFloat(floatOf(c.params, "epsilon"));
    LayerCode code;
    code.torch.module =
        "nn.GroupNorm(" + groups + ", " + pyInt(c.inputs[0][0]) + ", eps=" + eps + ")";
    code.torch.forward = "self." + c.attr + "(" + c.inputVars[0] + ")";
    code.torch.weights = {{"gamma", "weight", "w", ""}, {"beta", "bias", "w", ""}};
    code.keras.layers.push_back("layers.GroupNormalization(groups=" + groups +
                                ", axis=-1, epsilon=" + eps + ", name=" + pyString(c.attr) + ")");
    code.keras.weights = {{"gamma", "gamma", "w", ""}, {"beta", "beta", "w", ""}};
    return code;
}

} // namespace strata::internal
