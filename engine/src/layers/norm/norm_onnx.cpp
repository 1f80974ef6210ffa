// LayerNorm and GroupNorm as ONNX opset 13, which has neither LayerNormalization (opset 17)
// nor GroupNormalization (opset 18): the decompositions PyTorch's exporter writes there.
//   LayerNorm: ReduceMean → Sub → Pow(·, 2) → ReduceMean → Add(·, ε) → Sqrt → Div → Mul(·, γ)
//              → Add(·, β), the means over the sample's axes (-3, -2, -1 on an image, -1 on a
//              flat input) or, over "channels", over axis 1 with γ and β as C×1×1.
//   GroupNorm: Reshape to N×G×(rest) → InstanceNormalization (scale 1, bias 0) → Reshape
//              back → Mul(·, γ) → Add(·, β), γ and β as C×1×1 on an image.
// Constants are Constant nodes, so the initialisers stay the layers' weights. The importer
// recognises both chains (onnx/import/norm.cpp).

#include "layers/layer_util.h"
#include "layers/norm/norm.h"
#include "onnx/onnx_context.h"

namespace strata::internal {

namespace {

std::string scalar(OnnxContext &ctx, const std::string &name, float value)
{
    ctx.addNode("Constant", {}, ctx.intermediate(name), name)
        .attrTensor("value", Tensor::fromVector({}, {value}));
    return ctx.intermediate(name);
}

// γ·x̂ + β with the weights shaped to broadcast against the input.
void scaleAndShift(OnnxContext &ctx, const std::string &normalised, const Shape &weightShape)
{
    ctx.addNode("Mul", {normalised, ctx.weight("gamma", weightShape)}, ctx.intermediate("scaled"),
                "mul");
    ctx.addNode("Add", {ctx.intermediate("scaled"), ctx.weight("beta", weightShape)}, ctx.output());
}

} // namespace

void layerNormToOnnx(OnnxContext &ctx)
{
    const Shape &in = ctx.inputShapes()[0];
    const std::string &x = ctx.inputs()[0];
    const bool image = in.size() == 3;
    const bool channels = image && choiceOf(ctx.params(), "over") == "channels";
    const std::vector<int64_t> axes = !image     ? std::vector<int64_t>{-1}
                                      : channels ? std::vector<int64_t>{-3}
                                                 : std::vector<int64_t>{-3, -2, -1};
    const std::string two = scalar(ctx, "two", 2.0f);
    const std::string eps =
        scalar(ctx, "epsilon", static_cast<float>(floatOf(ctx.params(), "epsilon")));
    ctx.addNode("ReduceMean", {x}, ctx.intermediate("mean"), "mean").attrInts("axes", axes);
    ctx.addNode("Sub", {x, ctx.intermediate("mean")}, ctx.intermediate("centered"), "sub");
    ctx.addNode("Pow", {ctx.intermediate("centered"), two}, ctx.intermediate("squared"), "pow");
    ctx.addNode("ReduceMean", {ctx.intermediate("squared")}, ctx.intermediate("variance"),
                "variance")
        .attrInts("axes", axes);
    ctx.addNode("Add", {ctx.intermediate("variance"), eps}, ctx.intermediate("variance_eps"),
                "add_epsilon");
    ctx.addNode("Sqrt", {ctx.intermediate("variance_eps")}, ctx.intermediate("deviation"), "sqrt");
    ctx.addNode("Div", {ctx.intermediate("centered"), ctx.intermediate("deviation")},
                ctx.intermediate("normalized"), "div");
    scaleAndShift(ctx, ctx.intermediate("normalized"), channels ? Shape{in[0], 1, 1} : in);
}

void groupNormToOnnx(OnnxContext &ctx)
{
    const Shape &in = ctx.inputShapes()[0];
    const int64_t groups = intOf(ctx.params(), "groups");
    const std::string &x = ctx.inputs()[0];
    // Reshape's 0 keeps the (dynamic) batch size.
    std::vector<int64_t> back{0};
    back.insert(back.end(), in.begin(), in.end());
    ctx.addNode("Constant", {}, ctx.intermediate("grouped_shape"), "grouped_shape")
        .attrIntTensor("value", {0, groups, -1});
    ctx.addNode("Constant", {}, ctx.intermediate("shape"), "shape").attrIntTensor("value", back);
    ctx.addNode("Constant", {}, ctx.intermediate("ones"), "ones")
        .attrTensor("value", Tensor::fromVector({groups}, std::vector<float>(size_t(groups), 1)));
    ctx.addNode("Constant", {}, ctx.intermediate("zeros"), "zeros")
        .attrTensor("value", Tensor::fromVector({groups}, std::vector<float>(size_t(groups), 0)));
    ctx.addNode("Reshape", {x, ctx.intermediate("grouped_shape")}, ctx.intermediate("grouped"),
                "group");
    ctx.addNode("InstanceNormalization",
                {ctx.intermediate("grouped"), ctx.intermediate("ones"), ctx.intermediate("zeros")},
                ctx.intermediate("grouped_normalized"), "instance_norm")
        .attrFloat("epsilon", static_cast<float>(floatOf(ctx.params(), "epsilon")));
    ctx.addNode("Reshape", {ctx.intermediate("grouped_normalized"), ctx.intermediate("shape")},
                ctx.intermediate("normalized"), "ungroup");
    scaleAndShift(ctx, ctx.intermediate("normalized"),
                  in.size() == 3 ? Shape{in[0], 1, 1} : Shape{in[0]});
}

} // namespace strata::internal
