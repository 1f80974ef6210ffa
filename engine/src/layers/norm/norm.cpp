#include "layers/norm/norm.h"

#include "layers/layer_util.h"

namespace strata::internal {

namespace {

bool overChannels(const nlohmann::json &params)
{
    return choiceOf(params, "over") == "channels";
}

void requireImageOrFlat(const Node &node, const Shape &in)
{
    if (in.size() != 1 && in.size() != 3)
        throw ShapeError(node.id, describe(node) +
                                      " needs an image (channels×height×width) or a flat "
                                      "feature vector but receives " +
                                      toString(in) +
                                      ": connect it to an image layer or insert a Flatten "
                                      "before it");
}

// "1, 2, 4, 8" for 8: the group counts that would work (the first 12 and the largest).
std::string divisorsText(int64_t n)
{
    std::string text;
    int listed = 0;
    for (int64_t d = 1; d <= n; ++d)
        if (n % d == 0 && (++listed <= 12 || d == n))
            text += (text.empty() ? "" : listed > 13 && d == n ? " … " : ", ") + std::to_string(d);
    return text;
}

// Mean, variance, normalise, scale and shift: about 7 operations per value.
ShapeInfo normShape(const Shape &in)
{
    return ShapeInfo{in, 7 * numel(in)};
}

std::vector<WeightSpec> affineWeights(const Shape &shape)
{
    const int64_t n = numel(shape);
    return {{"gamma", shape, Init::Ones, Init::Ones, n, n, true},
            {"beta", shape, Init::Zeros, Init::Zeros, n, n, true}};
}

ParamSpec epsilonParam()
{
    // Inclusive ranges: epsilon > 0 is written as the smallest value a model uses (BERT's).
    return floatParam("epsilon", 1e-5, 1e-12, 1,
                      "Added to the variance to avoid dividing by zero (PyTorch's default; "
                      "Keras' is 1e-3)");
}

void registerLayerNorm(LayerRegistry &registry)
{
    LayerDefinition t;
    t.name = "LayerNorm";
    t.category = "Normalization";
    t.help = "Normalises each sample on its own: the transformers' norm, same in training "
             "and evaluation";
    t.params = {
        choiceParam("over", "sample", {"sample", "channels"},
                    "sample: over all values of a sample, gamma per value (PyTorch's "
                    "LayerNorm([C, H, W])); channels: over the channels at each position, "
                    "gamma per channel (ConvNeXt); the same on a flat input"),
        epsilonParam(),
    };
    t.inferShape = [](const Node &node, const nlohmann::json &, const std::vector<Shape> &in) {
        requireImageOrFlat(node, in[0]);
        return normShape(in[0]);
    };
    t.weights = [](const Node &, const nlohmann::json &params, const std::vector<Shape> &in) {
        return affineWeights(overChannels(params) ? Shape{in[0][0]} : in[0]);
    };
    t.kernels["cpu"] = [](const KernelSetup &s) { return makeNormCpu(s, layerNormLayout(s)); };
    t.kernels["reference"] = [](const KernelSetup &s) {
        return makeNormReference(s, layerNormLayout(s));
    };
#ifdef STRATA_WITH_CUDA
    t.kernels["cuda"] = [](const KernelSetup &s) { return makeNormCuda(s, layerNormLayout(s)); };
#endif
    t.code = layerNormCode;
    t.onnx = layerNormToOnnx;
    registry.add(std::move(t));
}

void registerGroupNorm(LayerRegistry &registry)
{
    LayerDefinition t;
    t.name = "GroupNorm";
    t.category = "Normalization";
    t.help = "Normalises groups of channels within each sample: BatchNorm's role at any batch "
             "size";
    t.params = {
        intParam("groups", 1, 1, 65536,
                 "How many groups the channels split into; it must divide the channels (1: the "
                 "whole sample, one per channel: InstanceNorm)"),
        epsilonParam(),
    };
    t.inferShape = [](const Node &node, const nlohmann::json &params,
                      const std::vector<Shape> &in) {
        requireImageOrFlat(node, in[0]);
        const int64_t groups = intOf(params, "groups"), channels = in[0][0];
        if (channels % groups != 0)
            throw ShapeError(node.id, describe(node) + " splits its " + std::to_string(channels) +
                                          " channels into " + std::to_string(groups) +
                                          " groups, which does not divide them: set groups to "
                                          "one of " +
                                          divisorsText(channels));
        return normShape(in[0]);
    };
    t.weights = [](const Node &, const nlohmann::json &, const std::vector<Shape> &in) {
        return affineWeights(Shape{in[0][0]});
    };
    t.kernels["cpu"] = [](const KernelSetup &s) { return makeNormCpu(s, groupNormLayout(s)); };
    t.kernels["reference"] = [](const KernelSetup &s) {
        return makeNormReference(s, groupNormLayout(s));
    };
#ifdef STRATA_WITH_CUDA
    t.kernels["cuda"] = [](const KernelSetup &s) { return makeNormCuda(s, groupNormLayout(s)); };
#endif
    t.code = groupNormCode;
    t.onnx = groupNormToOnnx;
    registry.add(std::move(t));
}

} // namespace

NormLayout layerNormLayout(const KernelSetup &setup)
{
    const Shape &in = setup.inputShapes[0];
    NormLayout l;
    l.batch = in[0];
    l.size = numel(in) / in[0];
    l.epsilon = static_cast<float>(floatOf(setup.params, "epsilon"));
    if (in.size() == 4 && overChannels(setup.params)) {
        const int64_t spatial = in[2] * in[3];
        l.rows = spatial; // one row per position, its values a channel apart
        l.affineDiv = spatial;
    }
    return l;
}

NormLayout groupNormLayout(const KernelSetup &setup)
{
    const Shape &in = setup.inputShapes[0];
    NormLayout l;
    l.batch = in[0];
    l.size = numel(in) / in[0];
    l.epsilon = static_cast<float>(floatOf(setup.params, "epsilon"));
    const int64_t spatial = in.size() == 4 ? in[2] * in[3] : 1;
    l.rows = intOf(setup.params, "groups");
    l.rowDiv = l.size / l.rows; // a group's channels are consecutive
    l.affineDiv = spatial;
    return l;
}

void registerNorms(LayerRegistry &registry)
{
    registerLayerNorm(registry);
    registerGroupNorm(registry);
}

} // namespace strata::internal
