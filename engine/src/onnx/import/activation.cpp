// The element-wise activations as their Strata namesakes: Relu, LeakyRelu, Sigmoid, Tanh, Elu,
// Softplus, HardSwish (opset 14) and HardSigmoid with PyTorch's constants; Clip with constant
// bounds as ReLU6 (0 to 6), ReLU (0 and no upper bound) or Clip; Softmax over features or
// channels. Mul(x, Sigmoid(x)) and Mul(x, HardSigmoid(x)) are in import/gated.cpp.

#include "onnx/onnx_import.h"

#include "strata/errors.h"
#include "strata/layer.h"

#include <cmath>
#include <map>
#include <optional>
#include <sstream>

namespace strata::internal {

namespace {

std::string number(float v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

} // namespace

void OnnxImporter::convertActivation(const onnx::NodeProto &n)
{
    static const std::map<std::string, std::string> sameFunction = {
        {"Relu", "ReLU"},         {"Sigmoid", "Sigmoid"},     {"Tanh", "Tanh"},
        {"Softplus", "Softplus"}, {"HardSwish", "Hardswish"},
    };
    const ImportValue &x = layerInput(n, 0);
    const std::string &op = n.op_type();
    std::string id;
    if (op == "LeakyRelu") {
        id = addLayer(n, "LeakyReLU", {{"alpha", attrFloat(n, "alpha", 0.01f)}}, {x.node}, {});
    } else if (op == "Elu") {
        id = addLayer(n, "ELU", {{"alpha", attrFloat(n, "alpha", 1.0f)}}, {x.node}, {});
    } else if (op == "HardSigmoid") {
        // PyTorch's hardsigmoid is relu6(x + 3) / 6: alpha 1/6, beta 0.5. ONNX's default
        // alpha 0.2 is Keras 2's hard sigmoid, which Strata does not have.
        const float alpha = attrFloat(n, "alpha", 0.2f), beta = attrFloat(n, "beta", 0.5f);
        if (std::fabs(alpha - 1.f / 6.f) > 1e-6f || std::fabs(beta - 0.5f) > 1e-6f)
            fail(n, "computes max(0, min(1, " + number(alpha) + "·x + " + number(beta) +
                        ")); Strata's Hardsigmoid is PyTorch's relu6(x + 3) / 6 (alpha 1/6 = "
                        "0.1666667, beta 0.5): export the model with torch.nn.Hardsigmoid, or "
                        "replace the layer");
        id = addLayer(n, "Hardsigmoid", nlohmann::json::object(), {x.node}, {});
    } else {
        id = addLayer(n, sameFunction.at(op), nlohmann::json::object(), {x.node}, {});
    }
    ImportValue v = x;
    v.node = id;
    setOutput(n, v); // element-wise: the shapes stay
}

void OnnxImporter::convertClip(const onnx::NodeProto &n)
{
    const ImportValue &x = layerInput(n, 0);
    // Before opset 11 the bounds are attributes; from 11 on, optional scalar inputs.
    std::optional<float> lo, hi;
    if (opset_ < 11) {
        if (attribute(n, "min"))
            lo = attrFloat(n, "min", 0);
        if (attribute(n, "max"))
            hi = attrFloat(n, "max", 0);
    } else {
        auto bound = [&](int i, const char *what) -> std::optional<float> {
            if (!hasInput(n, i))
                return std::nullopt;
            const Tensor &t = floatInput(n, i, what);
            if (t.numel() != 1)
                fail(n, std::string("has a ") + what + " of shape " + shapeText(t.shape()) +
                            "; Strata's Clip takes one number for each bound");
            return t.data()[0];
        };
        lo = bound(1, "lower bound (min)");
        hi = bound(2, "upper bound (max)");
    }
    std::string id;
    if (lo && !hi && *lo == 0.f)
        id = addLayer(n, "ReLU", nlohmann::json::object(), {x.node}, {}); // clamp(min=0)
    else if (!lo || !hi)
        fail(n, std::string("clips only ") + (lo ? "from below" : (hi ? "from above" : "nothing")) +
                    "; Strata's Clip needs both bounds (and max(0, x) is a ReLU): give the "
                    "exporter both, e.g. torch.clamp(x, min, max)");
    else if (*lo == 0.f && *hi == 6.f)
        id = addLayer(n, "ReLU6", nlohmann::json::object(), {x.node}, {});
    else
        id = addLayer(n, "Clip", {{"min", *lo}, {"max", *hi}}, {x.node}, {});
    ImportValue v = x;
    v.node = id;
    setOutput(n, v);
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
