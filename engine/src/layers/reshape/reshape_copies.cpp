// Each layer of the family as a strided copy from its plain input, batch first.

#include "layers/reshape/reshape.h"

#include "layers/layer_util.h"

namespace strata::internal {

namespace {

// Row-major strides of a plain tensor.
std::vector<int64_t> plainStrides(const Shape &shape)
{
    std::vector<int64_t> strides(shape.size(), 1);
    for (size_t i = shape.size(); i-- > 1;)
        strides[i - 1] = strides[i] * shape[i];
    return strides;
}

} // namespace

StridedCopy reshapeCopy(const KernelSetup &s)
{
    // The values keep their order: one run over the whole batch.
    const int64_t n = numel(s.outputShape);
    return StridedCopy{{n}, {1}, 0, true};
}

StridedCopy permuteCopy(const KernelSetup &s)
{
    const Shape &in = s.inputShapes[0];
    const Shape sample(in.begin() + 1, in.end());
    const std::vector<int64_t> dims = permuteDims(s.node, s.params, sample);
    const std::vector<int64_t> from = plainStrides(in);
    StridedCopy copy{s.outputShape, {from[0]}, 0, true};
    for (int64_t d : dims) // 1-based sample axes: the axis of `in` with the batch
        copy.strides.push_back(from[static_cast<size_t>(d)]);
    return copy;
}

StridedCopy channelShuffleCopy(const KernelSetup &s)
{
    // {N, groups, C/groups, rest} read as {N, C/groups, groups, rest}: output channel
    // i·groups + g is input channel g·(C/groups) + i.
    const Shape &in = s.inputShapes[0];
    const int64_t groups = intOf(s.params, "groups");
    const int64_t channels = in.size() > 1 ? in[1] : 1;
    const int64_t rest = numel(in) / (in[0] * channels);
    const int64_t perGroup = channels / groups;
    return StridedCopy{
        {in[0], perGroup, groups, rest}, {channels * rest, rest, perGroup * rest, 1}, 0, true};
}

StridedCopy sliceCopy(const KernelSetup &s)
{
    const Shape &in = s.inputShapes[0];
    const SliceRange r = sliceRange(s.node, s.params, Shape(in.begin() + 1, in.end()));
    const std::vector<int64_t> strides = plainStrides(in);
    return StridedCopy{s.outputShape, strides, r.start * strides[r.axis + 1],
                       r.end - r.start == in[r.axis + 1]};
}

} // namespace strata::internal
