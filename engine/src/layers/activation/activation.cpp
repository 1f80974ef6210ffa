// ReLU, LeakyReLU, Sigmoid and Tanh: registration and the shared shape rule (the output has
// the input's shape, whatever its rank).

#include "layers/activation/activation.h"

#include "layers/layer_util.h"

namespace strata::internal {

namespace {

float alphaOf(ActivationKind kind, const nlohmann::json &params)
{
    return kind == ActivationKind::LeakyReLU ? static_cast<float>(floatOf(params, "alpha")) : 0.f;
}

void registerActivation(LayerRegistry &registry, const std::string &name, ActivationKind kind,
                        const std::string &help, std::vector<ParamSpec> params = {})
{
    LayerDefinition t;
    t.name = name;
    t.category = "Activation";
    t.help = help;
    t.params = std::move(params);
    // One function evaluation per element; FLOPs count it as one operation.
    t.inferShape = [](const Node &, const nlohmann::json &, const std::vector<Shape> &in) {
        return ShapeInfo{in[0], numel(in[0])};
    };
    t.kernels["cpu"] = [kind](const KernelSetup &s) {
        return makeActivationCpu(s, kind, alphaOf(kind, s.params));
    };
    t.layouts["cpu"] = LayoutUse::FollowsInput; // element-wise: any layout of the same size
    t.kernels["reference"] = [kind](const KernelSetup &s) {
        return makeActivationReference(s, kind, alphaOf(kind, s.params));
    };
#ifdef STRATA_WITH_CUDA
    t.kernels["cuda"] = [kind](const KernelSetup &s) {
        return makeActivationCuda(s, kind, alphaOf(kind, s.params));
    };
#endif
    t.code = activationCode;
    t.onnx = activationToOnnx;
    t.keepsFlatOrder = true;                         // element-wise
    t.absorbableRelu = kind == ActivationKind::ReLU; // max pooling may apply it itself

    registry.add(std::move(t));
}

} // namespace

void registerActivations(LayerRegistry &registry)
{
    registerActivation(registry, "ReLU", ActivationKind::ReLU, "Rectified linear unit: max(0, x)");
    // Keras' default slope; PyTorch's LeakyReLU defaults to 0.01.
    registerActivation(
        registry, "LeakyReLU", ActivationKind::LeakyReLU,
        "Like ReLU, but negative inputs keep a small slope: x < 0 ? alpha·x : x",
        {floatParam("alpha", 0.3, 0, 1, "Slope for negative inputs (Keras 0.3, PyTorch 0.01)")});
    registerActivation(registry, "Sigmoid", ActivationKind::Sigmoid,
                       "Logistic function 1 / (1 + e^-x): squashes to (0, 1)");
    registerActivation(registry, "Tanh", ActivationKind::Tanh,
                       "Hyperbolic tangent: squashes to (-1, 1)");
}

} // namespace strata::internal
