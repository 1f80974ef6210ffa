// GELU: registration and its shape rule (the output has the input's shape, whatever its
// rank).

#include "layers/gelu/gelu.h"

namespace strata::internal {

void registerGelu(LayerRegistry &registry)
{
    LayerDefinition t;
    t.name = "GELU";
    t.category = "Activation";
    t.help = "Gaussian error linear unit: x·Φ(x), a smooth ReLU (exact erf form)";
    // One function evaluation per element; FLOPs count it as one operation, as for the
    // other activations.
    t.inferShape = [](const Node &, const nlohmann::json &, const std::vector<Shape> &in) {
        return ShapeInfo{in[0], numel(in[0])};
    };
    t.kernels["cpu"] = makeGeluCpu;
    t.layouts["cpu"] = LayoutUse::FollowsInput; // element-wise: any layout of the same size
    t.kernels["reference"] = makeGeluReference;
#ifdef STRATA_WITH_CUDA
    t.kernels["cuda"] = makeGeluCuda;
#endif
    t.code = geluCode;
    t.onnx = geluToOnnx;
    t.keepsFlatOrder = true; // element-wise
    registry.add(std::move(t));
}

} // namespace strata::internal
