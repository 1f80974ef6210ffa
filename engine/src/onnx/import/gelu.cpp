// GELU as ONNX models write it before opset 20 (which adds Gelu): x · (1 + erf(x / √2)) · 0.5.
// PyTorch's exporter and Strata's own (layers/gelu/gelu_onnx.cpp) write the chain
//   Div(x, √2) → Erf → Add(·, 1) → Mul(x, ·) → Mul(·, 0.5)
// and the reader also takes Mul(x, 1/√2) for the Div and the 0.5 applied before the Mul by x.
// Each step yields a GeluPart value that remembers the layer x and how far the chain got; the
// last step adds one GELU layer. Div, Erf and Mul anywhere else are refused with the reason.

#include "onnx/onnx_import.h"

#include <cmath>
#include <numbers>

namespace strata::internal {

namespace {

// The steps of the chain, in the order they can come.
enum GeluStep {
    Scaled = 1,    // x / √2
    Erf = 2,       // erf(x / √2)
    OnePlus = 3,   // 1 + erf(x / √2)
    TimesX = 4,    // x · (1 + erf(x / √2))
    TimesHalf = 5, // 0.5 · (1 + erf(x / √2))
};

bool isScalar(const ImportValue &v, double value)
{
    return v.kind == ImportValue::Kind::Floats && v.floats.numel() == 1 &&
           std::fabs(v.floats.data()[0] - value) <= 1e-5 * std::fabs(value);
}

} // namespace

void OnnxImporter::convertGelu(const onnx::NodeProto &n)
{
    const std::string &op = n.op_type();
    const std::string why = " only as part of GELU's erf form x·(1 + erf(x/√2))·0.5";
    auto step = [&](const ImportValue &from, int next) {
        ImportValue v = from;
        v.kind = ImportValue::Kind::GeluPart;
        v.geluStep = next;
        setOutput(n, v);
    };
    auto finish = [&](const ImportValue &part) {
        ImportValue v = part; // element-wise: the shapes stay
        v.kind = ImportValue::Kind::Layer;
        v.geluStep = 0;
        v.node = addLayer(n, "GELU", nlohmann::json::object(), {part.node}, {});
        setOutput(n, v);
    };

    if (op == "Erf") {
        const ImportValue &x = input(n, 0);
        if (x.kind != ImportValue::Kind::GeluPart || x.geluStep != Scaled)
            fail(n, "is not supported on its own; Strata reads Erf" + why);
        step(x, Erf);
        return;
    }
    if (n.input_size() != 2)
        fail(n, "has " + std::to_string(n.input_size()) + " inputs; Strata reads " + op + why);
    const ImportValue &a = input(n, 0), &b = input(n, 1);
    const bool aPart = a.kind == ImportValue::Kind::GeluPart;
    const ImportValue &part = aPart ? a : b, &other = aPart ? b : a;
    const bool layerAndConstant =
        (a.kind == ImportValue::Kind::Layer && b.kind == ImportValue::Kind::Floats);

    if (op == "Div" && layerAndConstant && isScalar(b, std::numbers::sqrt2)) {
        step(a, Scaled);
        return;
    }
    if (op == "Mul" && !aPart && b.kind != ImportValue::Kind::GeluPart) {
        const bool swapped = a.kind == ImportValue::Kind::Floats;
        const ImportValue &x = swapped ? b : a, &c = swapped ? a : b;
        if (x.kind == ImportValue::Kind::Layer && isScalar(c, 1 / std::numbers::sqrt2)) {
            step(x, Scaled);
            return;
        }
    }
    if (part.kind == ImportValue::Kind::GeluPart) {
        if (op == "Add" && part.geluStep == Erf && isScalar(other, 1.0)) {
            step(part, OnePlus);
            return;
        }
        const bool sameX = other.kind == ImportValue::Kind::Layer && other.node == part.node;
        if (op == "Mul" && part.geluStep == OnePlus && sameX) {
            step(part, TimesX);
            return;
        }
        if (op == "Mul" && part.geluStep == OnePlus && isScalar(other, 0.5)) {
            step(part, TimesHalf);
            return;
        }
        if (op == "Mul" && ((part.geluStep == TimesX && isScalar(other, 0.5)) ||
                            (part.geluStep == TimesHalf && sameX))) {
            finish(part);
            return;
        }
    }
    fail(n, "is not supported here; Strata reads " + op + why);
}

} // namespace strata::internal
