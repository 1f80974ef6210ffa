// PRelu as PReLU: the slope must be a constant that broadcasts along the channel axis (axis
// 1 of {N, C, ...}): {C}, {C, 1, 1} or {1, C, 1, 1} as exporters write it, or one slope
// shared by every channel, which the C slopes of Strata's PReLU all start from.

#include "onnx/onnx_import.h"

#include "strata/layer.h"

namespace strata::internal {

void OnnxImporter::convertPRelu(const onnx::NodeProto &n)
{
    const ImportValue &x = layerInput(n, 0);
    const Tensor &slope = floatInput(n, 1, "slope");
    const Shape full = withBatch(1, x.onnxShape);
    const int64_t channels = x.onnxShape.empty() ? 0 : x.onnxShape[0];
    const Shape &d = slope.shape();
    bool perChannel = d.size() <= full.size() && channels > 0;
    for (size_t j = 0; perChannel && j < d.size(); ++j) {
        const size_t axis = full.size() - d.size() + j;
        perChannel = d[j] == (axis == 1 ? channels : 1);
    }
    perChannel = perChannel && d.size() + 1 >= full.size(); // the slope reaches axis 1
    Tensor slopes({channels});
    if (perChannel) {
        slopes = slope.reshaped({channels});
    } else if (slope.numel() == 1 && channels > 0) {
        slopes.fill(slope.data()[0]);
        notes_.push_back(label(n) + " shares one slope over all channels; Strata's PReLU " +
                         "learns one per channel, and its " + std::to_string(channels) +
                         " slopes start from that one");
    } else {
        fail(n, "has a slope of shape " + shapeText(d) + " for a " + toString(full) +
                    " input; Strata's PReLU has one slope per channel (axis 1): shape {" +
                    std::to_string(channels) + "} for features, {" + std::to_string(channels) +
                    ", 1, 1} for an image");
    }
    ImportValue v = x;
    v.node = addLayer(n, "PReLU", nlohmann::json::object(), {x.node}, {{"slope", slopes}});
    setOutput(n, v);
}

} // namespace strata::internal
