// Split (torch.split and torch.chunk at opset 13: the sizes as the `split` input, or as the
// attribute before opset 13, or equal parts when neither is given) as one Slice per output,
// each reading the same layer, as ShuffleNetV2's channel split by Slice is imported. Outputs
// that nothing reads become no layer.

#include "onnx/onnx_import.h"

#include "strata/errors.h"

#include <algorithm>
#include <numeric>

namespace strata::internal {

void OnnxImporter::convertSplit(const onnx::NodeProto &n)
{
    const ImportValue &x = layerInput(n, 0);
    const auto rank = static_cast<int64_t>(x.onnxShape.size()) + 1;
    const int64_t declared = attrInt(n, "axis", 0);
    const int64_t axis = normalizedAxis(declared, rank);
    if (axis < 0)
        fail(n, "splits axis " + std::to_string(declared) + " of a rank " + std::to_string(rank) +
                    " value");
    if (axis == 0)
        fail(n, "splits the batch axis; Strata keeps every sample together");
    const int64_t size = x.onnxShape[static_cast<size_t>(axis - 1)];
    const auto parts = static_cast<int64_t>(n.output_size());
    std::vector<int64_t> sizes = attrInts(n, "split", {});
    if (hasInput(n, 1)) // opset 13 moved split to an input
        sizes = intsInput(n, 1).ints;
    if (sizes.empty()) { // equal parts, the last one smaller when they do not divide
        const int64_t each = (size + parts - 1) / std::max<int64_t>(parts, 1);
        for (int64_t i = 0, left = size; i < parts; ++i, left -= each)
            sizes.push_back(std::clamp<int64_t>(left, 0, each));
    }
    if (static_cast<int64_t>(sizes.size()) != parts)
        fail(n, "has " + std::to_string(sizes.size()) + " split sizes " + intsText(sizes) +
                    " for " + std::to_string(parts) + " outputs; Split needs one size per output");
    // Each size within the axis first, so that the sum cannot overflow.
    if (std::any_of(sizes.begin(), sizes.end(), [&](int64_t s) { return s < 0 || s > size; }) ||
        std::accumulate(sizes.begin(), sizes.end(), int64_t{0}) != size)
        fail(n, "splits axis " + std::to_string(axis) + " of " + shapeText(x.onnxShape) +
                    " into sizes " + intsText(sizes) + ", which do not add up to its " +
                    std::to_string(size));
    const ImportValue in = asOnnxShaped(n, x);
    int64_t start = 0;
    for (int i = 0; i < n.output_size(); ++i) {
        const int64_t end = start + sizes[static_cast<size_t>(i)];
        const std::string &out = n.output(i);
        if (!out.empty() && uses_.count(out) != 0) {
            if (end == start)
                fail(n, "gives output " + std::to_string(i) + " ('" + out + "') nothing of axis " +
                            std::to_string(axis) +
                            ", and something reads it; Strata has no empty values");
            ImportValue v;
            v.node = start == 0 && end == size
                         ? in.node
                         : addLayer(n, "Slice", {{"axis", axis}, {"start", start}, {"end", end}},
                                    {in.node}, {});
            v.onnxShape = v.strataShape = layerShapes_.at(v.node);
            values_[out] = std::move(v);
        }
        start = end;
    }
}

} // namespace strata::internal
