// The element-wise activations as their ONNX namesakes.

#include "layers/activation/activation.h"
#include "layers/layer_util.h"
#include "onnx/onnx_context.h"

#include <stdexcept>

namespace strata::internal {

void activationToOnnx(OnnxContext &ctx)
{
    const std::string &type = ctx.node().type;
    const std::vector<std::string> in{ctx.inputs()[0]};
    if (type == "ReLU")
        ctx.addNode("Relu", in, ctx.output());
    else if (type == "LeakyReLU")
        ctx.addNode("LeakyRelu", in, ctx.output())
            .attrFloat("alpha", static_cast<float>(floatOf(ctx.params(), "alpha")));
    else if (type == "Sigmoid")
        ctx.addNode("Sigmoid", in, ctx.output());
    else if (type == "Tanh")
        ctx.addNode("Tanh", in, ctx.output());
    else
        throw std::logic_error("activationToOnnx: unexpected layer type " + type);
}

} // namespace strata::internal
