// LayerNormalization (opset 17) and GroupNormalization (opsets 18 and 21) as LayerNorm and
// GroupNorm, and the same nodes as import/norm_chains.cpp writes them for the decompositions
// exporters use at lower opsets (attribute strata_chain): there the handler checks the
// chain's constants (the exponent 2, ε, the instance norm's scale 1 and bias 0, the shapes).

#include "onnx/onnx_import.h"

#include "strata/errors.h"
#include "strata/layer.h"

#include <algorithm>
#include <cmath>

namespace strata::internal {

namespace {

Tensor filled(const Shape &shape, float value)
{
    return Tensor::fromVector(shape, std::vector<float>(size_t(numel(shape)), value));
}

bool allEqual(const Tensor &t, float value)
{
    const std::vector<float> v = t.toVector();
    return std::all_of(v.begin(), v.end(), [&](float f) { return f == value; });
}

} // namespace

void OnnxImporter::convertLayerNorm(const onnx::NodeProto &n)
{
    requireOneOutput(n);
    const ImportValue &x = layerInput(n, 0);
    const bool chain = attrInt(n, "strata_chain", 0) != 0;
    const int64_t rank = static_cast<int64_t>(x.onnxShape.size()); // per sample
    // The normalised axes of a sample (0 is the first axis after the batch).
    std::vector<int64_t> axes;
    if (chain) {
        if (attrInt(n, "keepdims", 1) != 1)
            fail(n, "computes its means without keepdims; LayerNorm's chain keeps them");
        for (int64_t a : attrInts(n, "axes", {}))
            axes.push_back(normalizedAxis(a, rank + 1) - 1);
    } else {
        const int64_t axis = normalizedAxis(attrInt(n, "axis", -1), rank + 1);
        for (int64_t a = axis - 1; axis >= 0 && a < rank; ++a)
            axes.push_back(a);
    }
    std::sort(axes.begin(), axes.end());
    std::vector<int64_t> sample(static_cast<size_t>(rank));
    for (int64_t a = 0; a < rank; ++a)
        sample[size_t(a)] = a;
    const bool channels = rank == 3 && axes == std::vector<int64_t>{0};
    if (axes != sample && !channels)
        fail(n, "normalises over the axes " + intsText(axes) + " of each " +
                    shapeText(x.onnxShape) +
                    " sample (0 is the first after the batch); Strata's LayerNorm normalises "
                    "over the whole sample or over the channels at each position");

    float epsilon = attrFloat(n, "epsilon", 1e-5f);
    if (chain) {
        const Tensor &exponent = floatInput(n, 3, "exponent");
        if (exponent.numel() != 1 || exponent.data()[0] != 2.0f)
            fail(n, "comes from a ReduceMean → Sub → Pow chain whose Pow is not a square; "
                    "Strata reads that chain only as LayerNorm's variance");
        const Tensor &eps = floatInput(n, 4, "epsilon");
        if (eps.numel() != 1)
            fail(n, "adds " + shapeText(eps.shape()) +
                        " values to the variance; LayerNorm's "
                        "epsilon is one number");
        epsilon = eps.data()[0];
    }
    // γ and β: one per value of the sample, or per channel (over channels; or over the whole
    // sample with per-channel γ, which is GroupNorm with one group).
    const Shape &shape = x.strataShape;
    const int64_t c = shape.empty() ? 0 : shape[0];
    const Shape perValue = channels ? Shape{c} : shape;
    const auto weight = [&](int i, const char *what, float fallback) {
        return hasInput(n, i) ? floatInput(n, i, what) : filled(perValue, fallback);
    };
    const Tensor gamma = weight(1, "scale (γ)", 1.0f), beta = weight(2, "bias (β)", 0.0f);
    const bool groupNorm = !channels && shape.size() == 3 && gamma.numel() == c &&
                           beta.numel() == c && c != numel(shape);
    const Shape want = groupNorm ? Shape{c} : perValue;
    for (const Tensor *t : {&gamma, &beta})
        if (t->numel() != numel(want))
            fail(n, "has a " + std::string(t == &gamma ? "scale" : "bias") + " of shape " +
                        shapeText(t->shape()) + " for " + shapeText(x.onnxShape) +
                        " samples; Strata's LayerNorm takes one per value of the sample, or one "
                        "per channel");
    ImportValue v = x;
    if (groupNorm) {
        v.node = addLayer(n, "GroupNorm", {{"groups", 1}, {"epsilon", epsilon}}, {x.node},
                          {{"gamma", gamma.reshaped(want)}, {"beta", beta.reshaped(want)}});
    } else {
        v.node = addLayer(
            n, "LayerNorm", {{"over", channels ? "channels" : "sample"}, {"epsilon", epsilon}},
            {x.node}, {{"gamma", gamma.reshaped(want)}, {"beta", beta.reshaped(want)}});
    }
    setOutput(n, v);
}

void OnnxImporter::convertGroupNorm(const onnx::NodeProto &n)
{
    requireOneOutput(n);
    const ImportValue &x = layerInput(n, 0);
    const bool chain = attrInt(n, "strata_chain", 0) != 0;
    const Shape &shape = x.strataShape;
    const int64_t c = shape.empty() ? 0 : shape[0], size = numel(x.onnxShape);
    const auto isBatch = [&](int64_t d) {
        return d == 0 || d == kBatchSize || (staticBatch_ > 0 && d == staticBatch_);
    };
    int64_t groups = attrInt(n, "num_groups", 0);
    if (chain) {
        const std::vector<int64_t> grouped = intsInput(n, 3).ints;
        if (grouped.size() != 3 || !isBatch(grouped[0]) || grouped[1] <= 0 ||
            (grouped[2] != -1 && grouped[1] * grouped[2] != size))
            fail(n, "comes from a Reshape to " + intsText(grouped) +
                        " before InstanceNormalization; Strata reads that chain only as "
                        "GroupNorm's {batch, groups, -1}");
        groups = grouped[1];
        const Tensor &scale = floatInput(n, 4, "instance scale");
        const Tensor &bias = floatInput(n, 5, "instance bias");
        if (!allEqual(scale, 1.0f) || !allEqual(bias, 0.0f))
            fail(n, "comes from an InstanceNormalization with its own scale or bias between "
                    "two Reshapes; Strata reads that chain as GroupNorm only with scale 1 and "
                    "bias 0 (the per-channel scale in the Mul after it)");
        const std::vector<int64_t> back = intsInput(n, 6).ints;
        if (back.size() != x.onnxShape.size() + 1 || !isBatch(back[0]) ||
            !std::equal(back.begin() + 1, back.end(), x.onnxShape.begin()))
            fail(n, "comes from an InstanceNormalization whose result is reshaped to " +
                        intsText(back) + ", not back to the input's " + shapeText(x.onnxShape) +
                        "; Strata reads that chain only as GroupNorm");
    }
    if (groups <= 0)
        fail(n, "has no num_groups; GroupNormalization needs it");
    const float epsilon = attrFloat(n, "epsilon", 1e-5f);
    // Opsets 18 to 20 scale and shift per group; opset 21 and the chains per channel.
    const auto weight = [&](int i, const char *what, float fallback) {
        if (!hasInput(n, i))
            return filled({c}, fallback);
        const Tensor &t = floatInput(n, i, what);
        if (t.numel() == c)
            return t.reshaped({c});
        if (!chain && opset_ < 21 && t.numel() == groups && c % groups == 0) {
            Tensor perChannel({c});
            for (int64_t ch = 0; ch < c; ++ch)
                perChannel.data()[ch] = t.data()[ch / (c / groups)];
            return perChannel;
        }
        fail(n, "has a " + std::string(what) + " of shape " + shapeText(t.shape()) + " for " +
                    std::to_string(c) + " channels in " + std::to_string(groups) +
                    " groups; Strata's GroupNorm takes one per channel");
    };
    ImportValue v = x;
    v.node =
        addLayer(n, "GroupNorm", {{"groups", groups}, {"epsilon", epsilon}}, {x.node},
                 {{"gamma", weight(1, "scale (γ)", 1.0f)}, {"beta", weight(2, "bias (β)", 0.0f)}});
    setOutput(n, v);
}

} // namespace strata::internal
