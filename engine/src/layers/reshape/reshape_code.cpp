// The family as code. PyTorch's tensors are N×C×H×W like Strata's: reshape, permute,
// nn.ChannelShuffle and indexing say it directly. Keras' images are channels-last (H×W×C):
// an image is permuted to C×H×W before a Reshape and a Reshape's image result back to H×W×C;
// a Permute of an image maps its axes onto channels-last ones; ChannelShuffle is Reshape →
// Permute → Reshape (Keras has none); Slice is a Lambda indexing the axis.

#include "codegen/python_text.h"
#include "layers/layer_util.h"
#include "layers/reshape/reshape.h"

namespace strata::internal {

namespace {

bool image(const Shape &s)
{
    return s.size() == 3;
}

// "(2, 3, 1)", "(12,)": a Python tuple.
std::string tuple(const std::vector<int64_t> &v)
{
    std::string s;
    for (int64_t d : v)
        s += (s.empty() ? "" : ", ") + pyInt(d);
    return "(" + s + (v.size() == 1 ? ",)" : ")");
}

// Strata's sample axis (1-based, C×H×W for an image) as the Keras tensor's.
int64_t kerasAxis(const Shape &s, int64_t axis)
{
    return image(s) ? (axis == 1 ? 3 : axis - 1) : axis;
}

std::string named(const CodeContext &c, const std::string &suffix = "")
{
    return "name=" + pyString(c.attr + suffix);
}

} // namespace

LayerCode reshapeCode(const CodeContext &c)
{
    LayerCode code;
    const std::vector<int64_t> target(c.output.begin(), c.output.end());
    std::string sizes;
    for (int64_t d : target)
        sizes += ", " + pyInt(d);
    code.torch.forward = c.inputVars[0] + ".reshape(" + c.inputVars[0] + ".size(0)" + sizes + ")";
    auto &layers = code.keras.layers;
    if (image(c.inputs[0]))
        layers.push_back("layers.Permute((3, 1, 2), " + named(c, "_to_chw") + ")");
    layers.push_back("layers.Reshape(" + tuple(target) + ", " +
                     named(c, image(c.output) ? "_chw" : "") + ")");
    if (image(c.output))
        layers.push_back("layers.Permute((2, 3, 1), " + named(c) + ")");
    if (layers.size() > 1)
        code.keras.comment = "Reshaped in Strata's (and PyTorch's) C×H×W order, so the values "
                             "land where\nthey do there";
    return code;
}

LayerCode permuteCode(const CodeContext &c)
{
    LayerCode code;
    const Shape &in = c.inputs[0];
    const std::vector<int64_t> dims = permuteDims(c.node, c.params, in);
    std::string args = "0";
    for (int64_t d : dims)
        args += ", " + pyInt(d);
    code.torch.forward = c.inputVars[0] + ".permute(" + args + ")";
    std::vector<int64_t> keras = dims;
    if (image(in)) {
        // Keras output axis k is Strata's output axis j (H, W, C); it takes Strata's input
        // axis dims[j], which is Keras' input axis kerasAxis(dims[j]).
        const int64_t strataOf[] = {2, 3, 1};
        for (size_t k = 0; k < 3; ++k)
            keras[k] = kerasAxis(in, dims[static_cast<size_t>(strataOf[k] - 1)]);
    }
    code.keras.layers.push_back("layers.Permute(" + tuple(keras) + ", " + named(c) + ")");
    return code;
}

LayerCode channelShuffleCode(const CodeContext &c)
{
    LayerCode code;
    const Shape &in = c.inputs[0];
    const int64_t groups = intOf(c.params, "groups");
    const int64_t perGroup = in[0] / groups;
    const std::string &x = c.inputVars[0];
    if (in.size() > 1) {
        code.torch.module = "nn.ChannelShuffle(" + pyInt(groups) + ")";
        code.torch.forward = "self." + c.attr + "(" + x + ")";
    } else { // nn.ChannelShuffle needs an axis after the channels
        code.torch.forward = x + ".reshape(-1, " + pyInt(groups) + ", " + pyInt(perGroup) +
                             ").transpose(1, 2).reshape(-1, " + pyInt(in[0]) + ")";
    }
    // Keras' tensor: H×W×C for an image (channels last), else Strata's C×rest.
    std::vector<int64_t> grouped, perm, back;
    if (image(in)) {
        grouped = {in[1], in[2], groups, perGroup};
        perm = {1, 2, 4, 3};
        back = {in[1], in[2], in[0]};
    } else {
        grouped = {groups, perGroup};
        perm = {2, 1};
        for (size_t i = 1; i < in.size(); ++i) {
            grouped.push_back(in[i]);
            perm.push_back(static_cast<int64_t>(i) + 2);
        }
        back.assign(in.begin(), in.end());
    }
    code.keras.layers = {"layers.Reshape(" + tuple(grouped) + ", " + named(c, "_grouped") + ")",
                         "layers.Permute(" + tuple(perm) + ", " + named(c, "_transposed") + ")",
                         "layers.Reshape(" + tuple(back) + ", " + named(c) + ")"};
    code.keras.comment = "ChannelShuffle as Reshape to groups, Permute and Reshape back "
                         "(Keras has no\nchannel shuffle)";
    return code;
}

LayerCode sliceCode(const CodeContext &c)
{
    LayerCode code;
    const Shape &in = c.inputs[0];
    const SliceRange r = sliceRange(c.node, c.params, in);
    const std::string range = pyInt(r.start) + ":" + pyInt(r.end);
    std::string index = ":, ";
    for (size_t i = 0; i < r.axis; ++i)
        index += ":, ";
    code.torch.forward = c.inputVars[0] + "[" + index + range + "]";
    const int64_t axis = kerasAxis(in, static_cast<int64_t>(r.axis) + 1);
    std::string kerasIndex = ":, ";
    for (int64_t i = 1; i < axis; ++i)
        kerasIndex += ":, ";
    code.keras.layers.push_back("layers.Lambda(lambda t: t[" + kerasIndex + range + "], " +
                                named(c) + ")");
    return code;
}

} // namespace strata::internal
