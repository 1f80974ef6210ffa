// The element-wise activations: registration and the shared shape rule (the output has the
// input's shape, whatever its rank).

#include "layers/activation/activation.h"

#include "layers/layer_util.h"

#include <sstream>

namespace strata::internal {

namespace {

ActivationFunction plain(ActivationKind kind)
{
    return {kind, 0.f, 0.f};
}

void registerActivation(LayerRegistry &registry, const std::string &name, const std::string &help,
                        std::function<ActivationFunction(const nlohmann::json &)> function,
                        std::vector<ParamSpec> params = {})
{
    LayerDefinition t;
    t.name = name;
    t.category = "Activation";
    t.help = help;
    t.params = std::move(params);
    // One function evaluation per element; FLOPs count it as one operation.
    t.inferShape = [function](const Node &node, const nlohmann::json &p,
                              const std::vector<Shape> &in) {
        const ActivationFunction f = function(p);
        if (f.kind == ActivationKind::Clip && !(f.alpha < f.beta)) {
            std::ostringstream m;
            m << describe(node) << " clips to [" << f.alpha << ", " << f.beta
              << "], which is empty: make 'min' smaller than 'max'";
            throw ShapeError(node.id, m.str());
        }
        return ShapeInfo{in[0], numel(in[0])};
    };
    t.kernels["cpu"] = [function](const KernelSetup &s) {
        return makeActivationCpu(s, function(s.params));
    };
    t.layouts["cpu"] = LayoutUse::FollowsInput; // element-wise: any layout of the same size
    t.kernels["reference"] = [function](const KernelSetup &s) {
        return makeActivationReference(s, function(s.params));
    };
#ifdef STRATA_WITH_CUDA
    t.kernels["cuda"] = [function](const KernelSetup &s) {
        return makeActivationCuda(s, function(s.params));
    };
#endif
    t.code = activationCode;
    t.onnx = activationToOnnx;
    t.keepsFlatOrder = true;           // element-wise
    t.absorbableRelu = name == "ReLU"; // max pooling may apply it itself

    registry.add(std::move(t));
}

// A kind without constants.
std::function<ActivationFunction(const nlohmann::json &)> fixed(ActivationFunction f)
{
    return [f](const nlohmann::json &) { return f; };
}

} // namespace

void registerActivations(LayerRegistry &registry)
{
    using K = ActivationKind;
    registerActivation(registry, "ReLU", "Rectified linear unit: max(0, x)", fixed(plain(K::ReLU)));
    // Keras' default slope; PyTorch's LeakyReLU defaults to 0.01.
    registerActivation(
        registry, "LeakyReLU",
        "Like ReLU, but negative inputs keep a small slope: x < 0 ? alpha·x : x",
        [](const nlohmann::json &p) {
            return ActivationFunction{K::LeakyReLU, static_cast<float>(floatOf(p, "alpha")), 0.f};
        },
        {floatParam("alpha", 0.3, 0, 1, "Slope for negative inputs (Keras 0.3, PyTorch 0.01)")});
    registerActivation(registry, "Sigmoid", "Logistic function 1 / (1 + e^-x): squashes to (0, 1)",
                       fixed(plain(K::Sigmoid)));
    registerActivation(registry, "Tanh", "Hyperbolic tangent: squashes to (-1, 1)",
                       fixed(plain(K::Tanh)));
    registerActivation(registry, "ReLU6", "ReLU capped at 6: min(max(0, x), 6) (MobileNetV2)",
                       fixed({K::Clip, 0.f, 6.f}));
    registerActivation(registry, "Clip",
                       "Clamps to [min, max]: PyTorch's Hardtanh (ReLU6 is Clip from 0 to 6)",
                       [](const nlohmann::json &p) {
                           return ActivationFunction{K::Clip, static_cast<float>(floatOf(p, "min")),
                                                     static_cast<float>(floatOf(p, "max"))};
                       },
                       {floatParam("min", -1, -1e6, 1e6, "Lowest output; smaller inputs give it"),
                        floatParam("max", 1, -1e6, 1e6, "Highest output; larger inputs give it")});
    registerActivation(
        registry, "ELU",
        "Exponential linear unit: x > 0 ? x : alpha·(e^x - 1), smooth towards -alpha",
        [](const nlohmann::json &p) {
            return ActivationFunction{K::ELU, static_cast<float>(floatOf(p, "alpha")), 0.f};
        },
        {floatParam("alpha", 1, 0, 100, "The value negative inputs approach (-alpha)")});
    registerActivation(registry, "SiLU",
                       "Sigmoid linear unit (Swish): x · sigmoid(x) (EfficientNet)",
                       fixed(plain(K::SiLU)));
    registerActivation(registry, "Hardswish",
                       "Hard swish: x · relu6(x + 3) / 6, a cheap SiLU (MobileNetV3)",
                       fixed(plain(K::Hardswish)));
    registerActivation(registry, "Hardsigmoid",
                       "Hard sigmoid: relu6(x + 3) / 6, a cheap sigmoid (PyTorch's definition)",
                       fixed(plain(K::Hardsigmoid)));
    registerActivation(registry, "Softplus",
                       "Smooth ReLU: log(1 + e^x), and x itself above 20 (as PyTorch's)",
                       fixed(plain(K::Softplus)));
}

} // namespace strata::internal
