// The ONNX ops that move values within a sample, batch first: Reshape (what shapes.cpp does not
// take as a Flatten), Transpose as Permute, Slice of one sample axis as Slice, and the
// channel shuffle chain (Reshape → Transpose → Reshape, fused by shuffle_chain.cpp) as
// ChannelShuffle, or as the three layers when it shuffles something else.

#include "onnx/onnx_import.h"

#include "strata/errors.h"

#include <algorithm>
#include <limits>

namespace strata::internal {

namespace {

std::string sizesParam(const std::vector<int64_t> &v)
{
    std::string s;
    for (int64_t d : v)
        s += (s.empty() ? "" : ", ") + std::to_string(d);
    return s;
}

} // namespace

std::vector<int64_t> OnnxImporter::reshapeTarget(const onnx::NodeProto &n, const ImportValue &x,
                                                 std::vector<int64_t> target) const
{
    // 0 copies the input's size at that axis (unless allowzero); the first axis is the batch.
    if (attrInt(n, "allowzero", 0) == 0)
        for (size_t i = 0; i < target.size(); ++i)
            if (target[i] == 0)
                target[i] = i == 0                       ? kBatchSize
                            : i - 1 < x.onnxShape.size() ? x.onnxShape[i - 1]
                                                         : 0;
    // A leading -1 is the batch when the other sizes hold one sample.
    const int64_t features = numel(x.onnxShape);
    if (!target.empty() && target[0] == -1 &&
        std::count(target.begin(), target.end(), int64_t(-1)) == 1) {
        int64_t rest = 1;
        for (size_t i = 1; i < target.size(); ++i)
            if (target[i] <= 0 || __builtin_mul_overflow(rest, target[i], &rest))
                rest = -1; // not one sample's sizes
        if (rest == features)
            target[0] = kBatchSize;
    }
    if (!target.empty() && staticBatch_ > 0 && target[0] == staticBatch_)
        target[0] = kBatchSize;
    return target;
}

ImportValue OnnxImporter::reshapeLayer(const onnx::NodeProto &n, const ImportValue &x,
                                       const std::vector<int64_t> &sample)
{
    const std::string id = addLayer(n, "Reshape", {{"shape", sizesParam(sample)}}, {x.node}, {});
    ImportValue v;
    v.node = id;
    v.onnxShape = v.strataShape = layerShapes_.at(id);
    return v;
}

ImportValue OnnxImporter::asOnnxShaped(const onnx::NodeProto &n, const ImportValue &x)
{
    if (x.strataShape == x.onnxShape)
        return x;
    return reshapeLayer(n, x, {x.onnxShape.begin(), x.onnxShape.end()});
}

void OnnxImporter::convertTranspose(const onnx::NodeProto &n)
{
    const ImportValue &x = layerInput(n, 0);
    const auto rank = static_cast<int64_t>(x.onnxShape.size()) + 1;
    std::vector<int64_t> perm = attrInts(n, "perm", {});
    if (perm.empty()) // the default reverses the axes
        for (int64_t i = rank; i-- > 0;)
            perm.push_back(i);
    if (static_cast<int64_t>(perm.size()) != rank || perm[0] != 0)
        fail(n, "transposes " + toString(x.onnxShape) + " per sample with perm " + intsText(perm) +
                    "; Strata imports only transposes that keep the batch "
                    "first (perm starting with 0)");
    const std::vector<int64_t> dims(perm.begin() + 1, perm.end());
    bool identity = true;
    for (size_t i = 0; i < dims.size(); ++i)
        identity = identity && dims[i] == static_cast<int64_t>(i + 1);
    if (identity) {
        setOutput(n, x); // the identity
        return;
    }
    const ImportValue in = asOnnxShaped(n, x);
    setLayerOutput(n, addLayer(n, "Permute", {{"dims", sizesParam(dims)}}, {in.node}, {}));
}

void OnnxImporter::convertSlice(const onnx::NodeProto &n)
{
    const ImportValue &x = input(n, 0);
    std::vector<int64_t> starts, ends, axes, steps;
    if (opset_ < 10) {
        starts = attrInts(n, "starts", {});
        ends = attrInts(n, "ends", {});
        axes = attrInts(n, "axes", {});
    } else {
        starts = intsInput(n, 1).ints;
        ends = intsInput(n, 2).ints;
        if (hasInput(n, 3))
            axes = intsInput(n, 3).ints;
        if (hasInput(n, 4))
            steps = intsInput(n, 4).ints;
    }
    if (axes.empty())
        for (size_t i = 0; i < starts.size(); ++i)
            axes.push_back(static_cast<int64_t>(i));
    if (starts.size() != ends.size() || axes.size() != starts.size() ||
        (!steps.empty() && steps.size() != starts.size()))
        fail(n, "has " + std::to_string(starts.size()) + " starts, " + std::to_string(ends.size()) +
                    " ends and " + std::to_string(axes.size()) +
                    " axes; Slice needs one of each per axis");
    if (std::any_of(steps.begin(), steps.end(), [](int64_t s) { return s != 1; }))
        fail(n, "slices with steps " + intsText(steps) + "; Strata slices with step 1 only");
    const Shape all =
        x.kind == ImportValue::Kind::Layer ? withBatch(kBatchSize, x.onnxShape) : x.dims;
    const auto rank = static_cast<int64_t>(all.size());
    // The axes that lose values, with their [start, end) clamped as ONNX does.
    struct Cut
    {
        int64_t axis, start, end;
    };
    std::vector<Cut> cuts;
    for (size_t i = 0; i < axes.size(); ++i) {
        const int64_t axis = normalizedAxis(axes[i], rank);
        if (axis < 0)
            fail(n, "slices axis " + std::to_string(axes[i]) + " of a rank " +
                        std::to_string(rank) + " value");
        const int64_t size = all[static_cast<size_t>(axis)];
        if (size == kBatchSize) { // all of the batch: from 0 to "the end" (a huge number)
            if (starts[i] != 0 || ends[i] < std::numeric_limits<int32_t>::max())
                fail(n, "slices the batch axis; Strata keeps every sample");
            continue;
        }
        const auto clamp = [&](int64_t v) {
            return std::clamp<int64_t>(v < 0 ? v + size : v, 0, size);
        };
        const int64_t start = clamp(starts[i]), end = clamp(ends[i]);
        if (start != 0 || end != size)
            cuts.push_back({axis, start, std::max(start, end)});
    }
    if (x.kind == ImportValue::Kind::Ints) { // shape arithmetic: a part of a list
        if (all.size() != 1 || all[0] != static_cast<int64_t>(x.ints.size()))
            fail(n, "slices integer constants of shape " + shapeText(all) +
                        "; Strata slices 1-D lists of them only");
        ImportValue v = x;
        if (!cuts.empty()) {
            v.ints.assign(x.ints.begin() + cuts[0].start, x.ints.begin() + cuts[0].end);
            v.dims = {static_cast<int64_t>(v.ints.size())};
        }
        setOutput(n, v);
        return;
    }
    const ImportValue &layer = layerInput(n, 0);
    if (cuts.empty()) {
        setOutput(n, layer);
        return;
    }
    if (cuts.size() > 1)
        fail(n, "slices " + std::to_string(cuts.size()) + " axes of " + shapeText(layer.onnxShape) +
                    " at once; Strata's Slice cuts one axis (write one Slice per axis)");
    const Cut &c = cuts[0];
    if (c.end == c.start)
        fail(n, "keeps nothing of axis " + std::to_string(c.axis) + " (from " +
                    std::to_string(c.start) + " to " + std::to_string(c.end) + ")");
    const ImportValue in = asOnnxShaped(n, layer);
    setLayerOutput(n, addLayer(n, "Slice", {{"axis", c.axis}, {"start", c.start}, {"end", c.end}},
                               {in.node}, {}));
}

void OnnxImporter::convertChannelShuffle(const onnx::NodeProto &n)
{
    // Inputs: x, the grouped shape and the shape back (see shuffle_chain.cpp).
    const ImportValue &x = layerInput(n, 0);
    const std::vector<int64_t> grouped = reshapeTarget(n, x, intsInput(n, 1).ints);
    const std::vector<int64_t> back = reshapeTarget(n, x, intsInput(n, 2).ints);
    const Shape &s = x.onnxShape;
    const std::vector<int64_t> same = withBatch(kBatchSize, s);
    const bool shuffle = !s.empty() && grouped.size() == s.size() + 2 && grouped[0] == kBatchSize &&
                         grouped[1] > 0 && grouped[1] * grouped[2] == s[0] &&
                         std::equal(grouped.begin() + 3, grouped.end(), s.begin() + 1) &&
                         back == same;
    if (shuffle) {
        const ImportValue in = asOnnxShaped(n, x);
        setLayerOutput(n, addLayer(n, "ChannelShuffle", {{"groups", grouped[1]}}, {in.node}, {}));
        return;
    }
    // Another Reshape → Transpose of axes 1 and 2 → Reshape: the three layers.
    ImportValue v = reshaped(n, x, grouped);
    if (v.onnxShape.size() < 2)
        fail(n, "reshapes " + toString(s) + " per sample to " + intsText(grouped) +
                    " and transposes axes 1 and 2, which it does not have");
    v = asOnnxShaped(n, v);
    std::vector<int64_t> dims{2, 1};
    for (size_t i = 3; i <= v.strataShape.size(); ++i)
        dims.push_back(static_cast<int64_t>(i));
    const std::string permuted = addLayer(n, "Permute", {{"dims", sizesParam(dims)}}, {v.node}, {});
    v.node = permuted;
    v.strataShape = v.onnxShape = layerShapes_.at(permuted);
    setOutput(n, reshaped(n, v, back));
}

} // namespace strata::internal
