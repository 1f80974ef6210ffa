// The element-wise activations in ONNX (opset 13): their namesakes where opset 13 has one,
// and otherwise the form PyTorch's exporter writes at opset 13, which the importer reads back:
//   ReLU6, Clip  Clip(x, min, max), the bounds as scalar Constant nodes
//   SiLU         Mul(x, Sigmoid(x))
//   Hardsigmoid  HardSigmoid with alpha 1/6, beta 0.5 (ONNX's default alpha is 0.2)
//   Hardswish    Mul(x, HardSigmoid(x)) (HardSwish arrives in opset 14)

#include "layers/activation/activation.h"
#include "layers/layer_util.h"
#include "onnx/onnx_context.h"

#include <stdexcept>

namespace strata::internal {

namespace {

void clipToOnnx(OnnxContext &ctx, float lo, float hi)
{
    // Scalar Constant nodes with a tensor value, as PyTorch writes them (the initialisers
    // stay the layers' weights; OpenCV's importer crashes on value_float).
    auto constant = [&ctx](const std::string &name, float value) {
        ctx.addNode("Constant", {}, ctx.intermediate(name), name)
            .attrTensor("value", Tensor::fromVector({}, {value}));
        return ctx.intermediate(name);
    };
    const std::string min = constant("min", lo);
    const std::string max = constant("max", hi);
    ctx.addNode("Clip", {ctx.inputs()[0], min, max}, ctx.output());
}

void hardSigmoid(OnnxContext &ctx, const std::string &output, const std::string &suffix = "")
{
    ctx.addNode("HardSigmoid", {ctx.inputs()[0]}, output, suffix)
        .attrFloat("alpha", 1.f / 6.f)
        .attrFloat("beta", 0.5f);
}

} // namespace

void activationToOnnx(OnnxContext &ctx)
{
    const std::string &type = ctx.node().type;
    const std::string &x = ctx.inputs()[0];
    const std::vector<std::string> in{x};
    if (type == "ReLU")
        ctx.addNode("Relu", in, ctx.output());
    else if (type == "LeakyReLU")
        ctx.addNode("LeakyRelu", in, ctx.output())
            .attrFloat("alpha", static_cast<float>(floatOf(ctx.params(), "alpha")));
    else if (type == "Sigmoid")
        ctx.addNode("Sigmoid", in, ctx.output());
    else if (type == "Tanh")
        ctx.addNode("Tanh", in, ctx.output());
    else if (type == "ReLU6")
        clipToOnnx(ctx, 0.f, 6.f);
    else if (type == "Clip")
        clipToOnnx(ctx, static_cast<float>(floatOf(ctx.params(), "min")),
                   static_cast<float>(floatOf(ctx.params(), "max")));
    else if (type == "ELU")
        ctx.addNode("Elu", in, ctx.output())
            .attrFloat("alpha", static_cast<float>(floatOf(ctx.params(), "alpha")));
    else if (type == "SiLU") {
        ctx.addNode("Sigmoid", in, ctx.intermediate("sigmoid"), "sigmoid");
        ctx.addNode("Mul", {x, ctx.intermediate("sigmoid")}, ctx.output());
    } else if (type == "Hardswish") {
        hardSigmoid(ctx, ctx.intermediate("hardsigmoid"), "hardsigmoid");
        ctx.addNode("Mul", {x, ctx.intermediate("hardsigmoid")}, ctx.output());
    } else if (type == "Hardsigmoid")
        hardSigmoid(ctx, ctx.output());
    else if (type == "Softplus")
        ctx.addNode("Softplus", in, ctx.output());
    else
        throw std::logic_error("activationToOnnx: unexpected layer type " + type);
}

} // namespace strata::internal
