// Softmax: registration and shape rule. When a model ends in Softmax and trains with
// cross-entropy, the network fuses the pair in the loss and never calls this layer's
// backward; the backward still has to be right for a Softmax anywhere else.

#include "layers/softmax/softmax.h"

#include "layers/layer_util.h"

namespace strata::internal {

void registerSoftmax(LayerRegistry &registry)
{
    LayerDefinition t;
    t.name = "Softmax";
    t.category = "Activation";
    t.help = "Turns scores into probabilities that sum to 1 (over features, or over channels "
             "at each pixel)";
    t.inferShape = [](const Node &node, const nlohmann::json &, const std::vector<Shape> &in) {
        // Ranks above 4 have no plain oneDNN layout (5 dimensions with the batch).
        if (in[0].empty() || in[0].size() > 4)
            throw ShapeError(node.id, describe(node) + " needs features or an image but receives " +
                                          toString(in[0]) + ": insert a Flatten layer before it");
        // max, exp and a divide per element, plus the sum.
        return ShapeInfo{in[0], 4 * numel(in[0])};
    };
    t.kernels["cpu"] = makeSoftmaxCpu;
    t.kernels["reference"] = makeSoftmaxReference;
#ifdef STRATA_WITH_CUDA
    t.kernels["cuda"] = makeSoftmaxCuda;
#endif
    t.code = softmaxCode;
    t.onnx = softmaxToOnnx;
    registry.add(std::move(t));
}

} // namespace strata::internal
