// PReLU: registration, its shape rule (the input's shape, an image or a flat vector) and its
// one weight, a slope per channel.

#include "layers/prelu/prelu.h"

namespace strata::internal {

PReluLayout preluLayout(const KernelSetup &setup)
{
    const Shape &in = setup.inputShapes[0];
    PReluLayout l;
    l.batch = in[0];
    l.channels = in[1];
    l.spatial = numel(in) / (in[0] * in[1]);
    return l;
}

void registerPRelu(LayerRegistry &registry)
{
    LayerDefinition t;
    t.name = "PReLU";
    t.category = "Activation";
    t.help = "Leaky ReLU whose negative slope is learned, one per channel (x < 0 ? a·x : x)";
    // One multiply per element, as for LeakyReLU.
    t.inferShape = [](const Node &node, const nlohmann::json &, const std::vector<Shape> &in) {
        if (in[0].size() != 1 && in[0].size() != 3)
            throw ShapeError(node.id, describe(node) +
                                          " needs an image (channels×height×width) or a flat "
                                          "feature vector but receives " +
                                          toString(in[0]) +
                                          ": connect it to an image layer or insert a Flatten "
                                          "before it");
        return ShapeInfo{in[0], numel(in[0])};
    };
    t.weights = [](const Node &, const nlohmann::json &, const std::vector<Shape> &in) {
        const int64_t c = in[0][0];
        // Keras' PReLU starts as a ReLU (slopes 0), PyTorch's at 0.25.
        return std::vector<WeightSpec>{{"slope", {c}, Init::Zeros, Init::Quarter, c, c, true}};
    };
    t.kernels["cpu"] = makePReluCpu;
    t.kernels["reference"] = makePReluReference;
#ifdef STRATA_WITH_CUDA
    t.kernels["cuda"] = makePReluCuda;
#endif
    t.code = preluCode;
    t.onnx = preluToOnnx;
    // Not keepsFlatOrder: on a flat input each feature has its own slope, so a Flatten's
    // order cannot be carried through it.
    registry.add(std::move(t));
}

} // namespace strata::internal
