// x times a gate computed from x, as exporters write SiLU and (before opset 14) Hardswish:
//   Mul(x, Sigmoid(x))      → SiLU       (PyTorch's nn.SiLU at every opset)
//   Mul(x, HardSigmoid(x))  → Hardswish  (PyTorch's nn.Hardswish before opset 14)
// The gate was imported first, as a Sigmoid or Hardsigmoid layer; when nothing else reads it
// and it reads the Mul's other operand, the pair becomes one layer. A Mul with a constant or
// a step of GELU's erf chain goes on to import/gelu.cpp, any other product of two layers
// (a squeeze-and-excitation gate) to import/arithmetic.cpp as Multiply.

#include "onnx/onnx_import.h"

#include "strata/layer.h"

#include <map>

namespace strata::internal {

void OnnxImporter::convertMul(const onnx::NodeProto &n)
{
    if (n.input_size() != 2)
        fail(n, "has " + std::to_string(n.input_size()) + " inputs; Mul takes 2");
    const ImportValue &a = input(n, 0), &b = input(n, 1);
    if (a.kind != ImportValue::Kind::Layer || b.kind != ImportValue::Kind::Layer) {
        convertGelu(n);
        return;
    }
    static const std::map<std::string, std::string> gated = {{"Sigmoid", "SiLU"},
                                                             {"Hardsigmoid", "Hardswish"}};
    for (int g = 0; g < 2; ++g) {
        const ImportValue &gate = g == 0 ? b : a, &x = g == 0 ? a : b;
        const Node *gateNode = graph_.find(gate.node);
        const auto type = gateNode ? gated.find(gateNode->type) : gated.end();
        const Edge *from = graph_.edgeInto({gate.node, 0});
        if (type == gated.end() || !from || from->from.node != x.node ||
            uses_[n.input(g == 0 ? 1 : 0)] != 1)
            continue;
        const std::string layer = type->second;
        const std::string gateId = gate.node;
        ImportValue v = x; // element-wise: the shapes stay
        graph_.removeNode(gateId);
        layerShapes_.erase(gateId);
        weights_.erase(gateId);
        v.node = addLayer(n, layer, nlohmann::json::object(), {v.node}, {});
        setOutput(n, v);
        return;
    }
    convertArithmetic(n); // any other product of two layers: Multiply
}

} // namespace strata::internal
