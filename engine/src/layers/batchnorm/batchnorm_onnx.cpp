// BatchNorm as ONNX BatchNormalization in inference mode: it normalises with the running
// statistics. ONNX's momentum has the engine's (Keras') meaning: the share of the running
// statistics each batch keeps.

#include "layers/batchnorm/batchnorm.h"
#include "layers/layer_util.h"
#include "onnx/onnx_context.h"

namespace strata::internal {

void batchNormToOnnx(OnnxContext &ctx)
{
    const nlohmann::json &p = ctx.params();
    ctx.addNode("BatchNormalization",
                {ctx.inputs()[0], ctx.weight("gamma"), ctx.weight("beta"),
                 ctx.weight("running_mean"), ctx.weight("running_var")},
                ctx.output())
        .attrFloat("epsilon", static_cast<float>(floatOf(p, "epsilon")))
        .attrFloat("momentum", static_cast<float>(floatOf(p, "momentum")));
}

} // namespace strata::internal
