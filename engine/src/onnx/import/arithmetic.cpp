// Mul and Sub of two layer outputs as Multiply and Subtract: of one shape, or an image and one
// value per channel of it ({C,1,1}, as squeeze-and-excitation gates its features). convertMul
// (import/gated.cpp) hands on the products that are not SiLU or Hardswish; Sub comes here from
// the op table.

#include "onnx/onnx_import.h"

#include "strata/layer.h"

namespace strata::internal {

namespace {

// A per-channel value for the image `image` (C×H×W) in ONNX's terms: C×1×1.
bool perChannelOf(const Shape &value, const Shape &image)
{
    return image.size() == 3 && value == Shape{image[0], 1, 1} && value != image;
}

} // namespace

void OnnxImporter::convertArithmetic(const onnx::NodeProto &n)
{
    const bool multiply = n.op_type() == "Mul";
    const std::string type = multiply ? "Multiply" : "Subtract";
    const std::string verb = multiply ? "multiplies" : "subtracts";
    if (n.input_size() != 2)
        fail(n, "has " + std::to_string(n.input_size()) + " inputs; " + n.op_type() + " takes 2");
    const ImportValue &a = input(n, 0), &b = input(n, 1);
    if (a.kind != ImportValue::Kind::Layer || b.kind != ImportValue::Kind::Layer)
        fail(n, verb + " a constant; Strata's " + type +
                    " takes two layer outputs: re-export the model with the constant folded "
                    "into the layer before it");
    const Shape &sa = a.onnxShape, &sb = b.onnxShape;
    if (sa != sb && !perChannelOf(sa, sb) && !perChannelOf(sb, sa))
        fail(n, verb + " '" + n.input(0) + "' (" + shapeText(sa) + ") and '" + n.input(1) + "' (" +
                    shapeText(sb) + ") with broadcasting; Strata's " + type +
                    " takes inputs of one shape, or an image and one value per channel of it "
                    "(C×1×1)");
    ImportValue v;
    v.node = addLayer(n, type, nlohmann::json::object(), {a.node, b.node}, {});
    v.strataShape = layerShapes_.at(v.node);
    v.onnxShape = perChannelOf(sa, sb) ? sb : sa;
    setOutput(n, v);
}

} // namespace strata::internal
