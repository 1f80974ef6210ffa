// BatchNormalization as BatchNorm (inference statistics as the running ones).

#include "onnx/onnx_import.h"

#include "strata/errors.h"
#include "strata/layer.h"

namespace strata::internal {

void OnnxImporter::convertBatchNorm(const onnx::NodeProto &n)
{
    requireOneOutput(n);
    const ImportValue &x = layerInput(n, 0);
    if (attrInt(n, "training_mode", 0) != 0)
        fail(n, "runs in training mode; export the model in inference mode (model.eval())");
    const int64_t c = x.strataShape.empty() ? 0 : x.strataShape[0];
    std::vector<std::pair<std::string, Tensor>> weights;
    const char *names[] = {"gamma", "beta", "running_mean", "running_var"};
    const char *what[] = {"scale", "bias (B)", "running mean", "running variance"};
    for (int i = 0; i < 4; ++i) {
        const Tensor &t = floatInput(n, i + 1, what[i]);
        if (t.numel() != c)
            fail(n, "has a " + std::string(what[i]) + " of shape " + toString(t.shape()) + " for " +
                        std::to_string(c) + " channels");
        weights.emplace_back(names[i], t.reshaped({c}));
    }
    const float epsilon = attrFloat(n, "epsilon", 1e-5f);
    const float momentum = attrFloat(n, "momentum", 0.9f);
    ImportValue v = x;
    v.node = addLayer(n, "BatchNorm", {{"momentum", momentum}, {"epsilon", epsilon}}, {x.node},
                      std::move(weights));
    setOutput(n, v);
}

} // namespace strata::internal
