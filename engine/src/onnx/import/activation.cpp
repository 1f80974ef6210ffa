// Relu, LeakyRelu, Sigmoid and Tanh as their Strata namesakes; Softmax over features or
// channels.

#include "onnx/onnx_import.h"

#include "strata/errors.h"
#include "strata/layer.h"

namespace strata::internal {

void OnnxImporter::convertActivation(const onnx::NodeProto &n)
{
    const ImportValue &x = layerInput(n, 0);
    const std::string &op = n.op_type();
    std::string id;
    if (op == "LeakyRelu")
        id = addLayer(n, "LeakyReLU", {{"alpha", attrFloat(n, "alpha", 0.01f)}}, {x.node}, {});
    else
        id = addLayer(n, op == "Relu" ? "ReLU" : op, nlohmann::json::object(), {x.node}, {});
    ImportValue v = x;
    v.node = id;
    setOutput(n, v); // element-wise: the shapes stay
}

void OnnxImporter::convertSoftmax(const onnx::NodeProto &n)
{
    const ImportValue &x = layerInput(n, 0);
    const int64_t rank = static_cast<int64_t>(x.onnxShape.size()) + 1;
    const int64_t axis = normalizedAxis(attrInt(n, "axis", opset_ >= 13 ? -1 : 1), rank);
    // Strata normalises the features of a flat input, or the channels of an image at each
    // pixel. Before opset 13 an image's Softmax spans C×H×W at once.
    const bool flat = rank == 2 && axis == 1;
    const bool channels = rank == 4 && axis == 1 && opset_ >= 13 && x.strataShape.size() == 3;
    if (!flat && !channels)
        fail(n, "normalises axis " + std::to_string(axis) + " of a " +
                    toString(withBatch(1, x.onnxShape)) +
                    " tensor; Strata's Softmax normalises features (axis 1 of {batch, "
                    "features}) or channels (axis 1 of an image, opset 13 or later)");
    ImportValue v = x;
    v.node = addLayer(n, "Softmax", nlohmann::json::object(), {x.node}, {});
    setOutput(n, v);
}

} // namespace strata::internal
