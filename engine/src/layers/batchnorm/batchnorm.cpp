#include "layers/batchnorm/batchnorm.h"

#include "layers/layer_util.h"

namespace strata::internal {

BatchNormLayout batchNormLayout(const KernelSetup &setup)
{
    const Shape &in = setup.inputShapes[0];
    BatchNormLayout l;
    l.batch = in[0];
    l.channels = in[1];
    l.spatial = in.size() == 4 ? in[2] * in[3] : 1;
    l.momentum = static_cast<float>(floatOf(setup.params, "momentum"));
    l.epsilon = static_cast<float>(floatOf(setup.params, "epsilon"));
    return l;
}

void registerBatchNorm(LayerRegistry &registry)
{
    LayerDefinition t;
    t.name = "BatchNorm";
    t.category = "Normalization";
    t.help = "Normalises each channel over the batch: steadier, faster training";
    // ParamSpec ranges are inclusive, so the open ends of momentum [0, 1) and
    // epsilon (0, 1] are written as the nearest sensible values.
    t.params = {
        floatParam("momentum", 0.99, 0, 0.9999,
                   "How much of the running statistics each batch keeps (Keras convention; "
                   "PyTorch's momentum 0.1 is 0.9 here)"),
        floatParam("epsilon", 1e-3, 1e-6, 1, "Added to the variance to avoid dividing by zero"),
    };
    t.inferShape = [](const Node &node, const nlohmann::json &, const std::vector<Shape> &in) {
        if (in[0].size() != 1 && in[0].size() != 3)
            throw ShapeError(node.id, describe(node) +
                                          " needs an image (channels×height×width) or a flat "
                                          "feature vector but receives " +
                                          toString(in[0]) +
                                          ": connect it to an image layer or insert a Flatten "
                                          "before it");
        // At inference the normalisation folds into one multiply-add per value.
        return ShapeInfo{in[0], 2 * numel(in[0])};
    };
    t.weights = [](const Node &, const nlohmann::json &, const std::vector<Shape> &in) {
        const int64_t c = in[0][0];
        return std::vector<WeightSpec>{
            {"gamma", {c}, Init::Ones, Init::Ones, c, c, true},
            {"beta", {c}, Init::Zeros, Init::Zeros, c, c, true},
            {"running_mean", {c}, Init::Zeros, Init::Zeros, c, c, false},
            {"running_var", {c}, Init::Ones, Init::Ones, c, c, false},
        };
    };
    t.kernels["cpu"] = makeBatchNormCpu;
    t.layouts["cpu"] = LayoutUse::FollowsInput; // per channel: any channel block
    t.kernels["reference"] = makeBatchNormReference;
#ifdef STRATA_WITH_CUDA
    t.kernels["cuda"] = makeBatchNormCuda;
#endif
    t.code = batchNormCode;
    t.onnx = batchNormToOnnx;
    registry.add(std::move(t));
}

} // namespace strata::internal
