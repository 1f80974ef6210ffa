#include "layers/dense/dense.h"

#include "layers/layer_util.h"

namespace strata::internal {

void registerDense(LayerRegistry &registry)
{
    LayerDefinition t;
    t.name = "Dense";
    t.category = "Core";
    t.help = "Fully connected layer: every output is a weighted sum of all inputs";
    t.params = {
        intParam("units", 64, 1, 1 << 20, "Number of outputs (neurons)"),
        boolParam("bias", true, "Add a learned bias to each output"),
    };
    t.inferShape = [](const Node &node, const nlohmann::json &p, const std::vector<Shape> &in) {
        requireRank(node, in[0], 1, "a flat input", "insert a Flatten layer before it",
                    QuickFix::InsertFlatten);
        const int64_t units = intOf(p, "units");
        return ShapeInfo{{units}, 2 * in[0][0] * units + (boolOf(p, "bias") ? units : 0)};
    };
    t.weights = [](const Node &, const nlohmann::json &p, const std::vector<Shape> &in) {
        const int64_t units = intOf(p, "units"), inputs = in[0][0];
        std::vector<WeightSpec> w{{"weight",
                                   {units, inputs},
                                   Init::GlorotUniform,
                                   Init::KaimingUniform,
                                   inputs,
                                   units,
                                   true}};
        if (boolOf(p, "bias"))
            w.push_back({"bias", {units}, Init::Zeros, Init::BiasFanIn, inputs, units, true});
        return w;
    };
    t.kernels["cpu"] = makeDenseCpu;
    t.kernels["reference"] = makeDenseReference;
#ifdef STRATA_WITH_CUDA
    t.kernels["cuda"] = makeDenseCuda;
#endif
    t.code = denseCode;
    t.onnx = denseToOnnx;
    registry.add(std::move(t));
}

} // namespace strata::internal
