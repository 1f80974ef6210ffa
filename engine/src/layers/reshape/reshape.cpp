// Reshape, Permute, ChannelShuffle and Slice: registration, parameters and shape rules. Their
// errors quote the input's shape and the parameter and say what would fit.

#include "layers/reshape/reshape.h"

#include "layers/layer_util.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace strata::internal {

namespace {

constexpr size_t kMaxSampleRank = 6; // with the batch, within every backend's copy

// The parameter's text for a message, shortened when long.
std::string quoted(const std::string &text)
{
    constexpr size_t kShown = 40;
    if (text.size() <= kShown)
        return "'" + text + "'";
    size_t cut = kShown;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut; // not inside a UTF-8 character (×)
    return "'" + text.substr(0, cut) + "…'";
}

// "16, 4, 4" (commas, spaces or ×/x between the numbers) as numbers; throws ShapeError
// naming the node and the parameter when it is anything else.
std::vector<int64_t> parseSizes(const Node &node, const nlohmann::json &params, const char *name,
                                const std::string &example)
{
    const std::string text = params.at(name).get<std::string>();
    std::vector<int64_t> sizes;
    size_t i = 0;
    const auto separator = [&](size_t at) {
        if (text[at] == ',' || text[at] == 'x' ||
            std::isspace(static_cast<unsigned char>(text[at])))
            return size_t(1);
        return text.compare(at, 2, "×") == 0 ? size_t(2) : size_t(0);
    };
    while (i < text.size()) {
        if (const size_t skip = separator(i)) {
            i += skip;
            continue;
        }
        size_t end = i + (text[i] == '-' ? 1 : 0);
        while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])))
            ++end;
        if (end == i + (text[i] == '-' ? 1 : 0) || end - i > 12)
            throw ShapeError(node.id, describe(node) + "'s " + name + " " + quoted(text) +
                                          " is not a list of whole numbers: write them "
                                          "separated by commas, e.g. " +
                                          example);
        sizes.push_back(std::stoll(text.substr(i, end - i)));
        i = end;
        if (sizes.size() > kMaxSampleRank)
            throw ShapeError(node.id, describe(node) + "'s " + name + " " + quoted(text) +
                                          " has more than " + std::to_string(kMaxSampleRank) +
                                          " numbers; Strata's samples have at most " +
                                          std::to_string(kMaxSampleRank) + " axes");
    }
    if (sizes.empty())
        throw ShapeError(node.id, describe(node) + " has no " + name + ": write the numbers " +
                                      "separated by commas, e.g. " + example);
    return sizes;
}

std::string sizesText(const std::vector<int64_t> &v)
{
    std::string s;
    for (int64_t d : v)
        s += (s.empty() ? "" : ", ") + std::to_string(d);
    return s;
}

ParamSpec textParam(std::string name, std::string def, std::string help)
{
    ParamSpec p;
    p.name = std::move(name);
    p.type = ParamType::String;
    p.defaultValue = std::move(def);
    p.help = std::move(help);
    return p;
}

void requireSampleRank(const Node &node, const Shape &shape, const std::string &what)
{
    if (shape.size() > kMaxSampleRank)
        throw ShapeError(node.id, describe(node) + " " + what + " " + toString(shape) + ", with " +
                                      std::to_string(shape.size()) + " axes; Strata moves " +
                                      "samples of at most " + std::to_string(kMaxSampleRank));
}

ShapeInfo channelShuffleShape(const Node &node, const nlohmann::json &params,
                              const std::vector<Shape> &in)
{
    const int64_t groups = intOf(params, "groups");
    const int64_t channels = in[0].empty() ? 1 : in[0][0];
    if (channels % groups != 0)
        throw ShapeError(node.id, describe(node) + " shuffles " + std::to_string(channels) +
                                      (in[0].size() == 1 ? " features" : " channels") + " in " +
                                      std::to_string(groups) +
                                      " groups, which do not divide them: choose a number of "
                                      "groups that divides " +
                                      std::to_string(channels));
    requireSampleRank(node, in[0], "receives");
    return ShapeInfo{in[0], 0};
}

ShapeInfo sliceShape(const Node &node, const nlohmann::json &params, const std::vector<Shape> &in)
{
    const SliceRange r = sliceRange(node, params, in[0]);
    Shape out = in[0];
    out[r.axis] = r.end - r.start;
    return ShapeInfo{out, 0};
}

void setKernels(LayerDefinition &t, StridedCopy (*copy)(const KernelSetup &))
{
    t.kernels["cpu"] = [copy](const KernelSetup &s) { return makeStridedCopyCpu(s, copy(s)); };
    t.kernels["reference"] = [copy](const KernelSetup &s) {
        return makeStridedCopyReference(copy(s));
    };
#ifdef STRATA_WITH_CUDA
    t.kernels["cuda"] = [copy](const KernelSetup &s) { return makeStridedCopyCuda(s, copy(s)); };
#endif
}

} // namespace

Shape reshapeTarget(const Node &node, const nlohmann::json &params, const Shape &input)
{
    std::vector<int64_t> target = parseSizes(node, params, "shape", "16, 4, 4");
    const int64_t values = numel(input);
    const auto unknown = std::count(target.begin(), target.end(), int64_t(-1));
    int64_t known = 1;
    for (int64_t d : target) {
        if (d == 0 || d < -1)
            throw ShapeError(node.id, describe(node) + "'s shape " + sizesText(target) +
                                          " has a size " + std::to_string(d) +
                                          ": sizes are positive (one may be -1)");
        if (d > 0)
            known = known > values ? known : known * d;
    }
    if (unknown > 1)
        throw ShapeError(node.id, describe(node) + "'s shape " + sizesText(target) +
                                      " has more than one -1: give every size but one");
    if (unknown == 1 && values % known == 0)
        std::replace(target.begin(), target.end(), int64_t(-1), values / known);
    const std::string lay = describe(node) + " cannot lay " + toString(input) + " (" +
                            std::to_string(values) + " values) out as " + sizesText(target);
    if (unknown == 1 && values % known != 0)
        throw ShapeError(node.id, lay + ": the other sizes multiply to " + std::to_string(known) +
                                      ", which does not divide " + std::to_string(values) +
                                      "; choose sizes whose product divides it");
    if (unknown == 0 && known != values)
        throw ShapeError(node.id, lay +
                                      ": the new shape must hold as many values; give one "
                                      "size as -1 to have it computed (e.g. " +
                                      std::to_string(input.empty() ? 1 : input[0]) + ", -1)");
    Shape out(target.begin(), target.end());
    requireSampleRank(node, out, "would make");
    return out;
}

std::vector<int64_t> permuteDims(const Node &node, const nlohmann::json &params, const Shape &input)
{
    const std::vector<int64_t> dims = parseSizes(node, params, "dims", "2, 3, 1");
    std::vector<int64_t> sorted = dims;
    std::sort(sorted.begin(), sorted.end());
    bool permutation = dims.size() == input.size();
    for (size_t i = 0; permutation && i < sorted.size(); ++i)
        permutation = sorted[i] == static_cast<int64_t>(i + 1);
    if (!permutation)
        throw ShapeError(node.id, describe(node) + " has dims " + sizesText(dims) + " for a " +
                                      toString(input) + " input: give each of its " +
                                      std::to_string(input.size()) +
                                      " axes once, numbered from 1 (e.g. 2, 3, 1 makes C×H×W into "
                                      "H×W×C)");
    requireSampleRank(node, input, "receives");
    return dims;
}

SliceRange sliceRange(const Node &node, const nlohmann::json &params, const Shape &input)
{
    const int64_t axis = intOf(params, "axis");
    if (axis > static_cast<int64_t>(input.size()))
        throw ShapeError(node.id, describe(node) + " cuts axis " + std::to_string(axis) + " of a " +
                                      toString(input) + " input, which has " +
                                      std::to_string(input.size()) +
                                      (input.size() == 1 ? " axis" : " axes") +
                                      ": choose an axis from 1 (channels or features) to " +
                                      std::to_string(input.size()));
    SliceRange r;
    r.axis = static_cast<size_t>(axis - 1);
    const int64_t size = input[r.axis];
    r.start = intOf(params, "start");
    r.end = intOf(params, "end") == 0 ? size : intOf(params, "end");
    if (r.end > size || r.start >= r.end)
        throw ShapeError(node.id, describe(node) + " keeps " + std::to_string(r.start) + " to " +
                                      std::to_string(r.end) + " of axis " + std::to_string(axis) +
                                      ", which has " + std::to_string(size) +
                                      ": choose 0 ≤ start < end ≤ " + std::to_string(size) +
                                      " (end 0: to the end)");
    requireSampleRank(node, input, "receives");
    return r;
}

void registerReshapes(LayerRegistry &registry)
{
    LayerDefinition reshape;
    reshape.name = "Reshape";
    reshape.category = "Core";
    reshape.help = "Lays each sample out in a new shape of as many values, e.g. 64 as 4×4×4";
    reshape.params = {textParam("shape", "-1",
                                "The sample's new shape, sizes separated by commas (batch "
                                "excluded); one may be -1 to be computed")};
    reshape.inferShape = [](const Node &node, const nlohmann::json &params,
                            const std::vector<Shape> &in) {
        return ShapeInfo{reshapeTarget(node, params, in[0]), 0};
    };
    setKernels(reshape, reshapeCopy);
    reshape.code = reshapeCode;
    reshape.onnx = reshapeToOnnx;
    registry.add(std::move(reshape));

    LayerDefinition permute;
    permute.name = "Permute";
    permute.category = "Core";
    permute.help = "Reorders each sample's axes, e.g. C×H×W as H×W×C (dims 2, 3, 1)";
    permute.params = {textParam("dims", "2, 3, 1",
                                "Which input axis each output axis takes, numbered from 1 "
                                "(batch excluded), as Keras' Permute")};
    permute.inferShape = [](const Node &node, const nlohmann::json &params,
                            const std::vector<Shape> &in) {
        Shape out;
        for (int64_t d : permuteDims(node, params, in[0]))
            out.push_back(in[0][static_cast<size_t>(d - 1)]);
        return ShapeInfo{out, 0};
    };
    setKernels(permute, permuteCopy);
    permute.code = permuteCode;
    permute.onnx = permuteToOnnx;
    registry.add(std::move(permute));

    LayerDefinition shuffle;
    shuffle.name = "ChannelShuffle";
    shuffle.category = "Core";
    shuffle.help = "Interleaves the channels of its groups (ShuffleNet), so grouped "
                   "convolutions after it mix them";
    shuffle.params = {intParam("groups", 2, 1, 4096,
                               "Channel groups: channel i of group g moves to i·groups + g")};
    shuffle.inferShape = channelShuffleShape;
    setKernels(shuffle, channelShuffleCopy);
    shuffle.code = channelShuffleCode;
    shuffle.onnx = channelShuffleToOnnx;
    registry.add(std::move(shuffle));

    constexpr double kMaxIndex = std::numeric_limits<int32_t>::max();
    LayerDefinition slice;
    slice.name = "Slice";
    slice.category = "Core";
    slice.help = "Keeps a range of one axis, e.g. channels 0 to 24 of an image (ShuffleNet's "
                 "channel split)";
    slice.params = {
        intParam("axis", 1, 1, kMaxSampleRank,
                 "The axis to cut, from 1 (batch excluded): 1 for channels or features"),
        intParam("start", 0, 0, kMaxIndex, "The first index kept"),
        intParam("end", 0, 0, kMaxIndex, "One past the last index kept", "to the end")};
    slice.inferShape = sliceShape;
    setKernels(slice, sliceCopy);
    slice.code = sliceCode;
    slice.onnx = sliceToOnnx;
    registry.add(std::move(slice));
}

} // namespace strata::internal
