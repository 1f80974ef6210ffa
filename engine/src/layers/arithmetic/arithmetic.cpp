// Multiply and Subtract: registration, the shape rule and the broadcast layout. The shape
// errors name both ports and shapes and say how to make them agree.

#include "layers/arithmetic/arithmetic.h"

#include "layers/layer_util.h"

namespace strata::internal {

namespace {

std::string port(const Node &node, int i)
{
    return Graph::portName(node, i, 2);
}

// A per-channel value for the image `image` ({C,H,W}): {C,1,1} or {C}.
bool perChannelOf(const Shape &value, const Shape &image)
{
    return image.size() == 3 && (value == Shape{image[0], 1, 1} || value == Shape{image[0]}) &&
           value != image;
}

std::string arithmeticFix(const Node &node, const std::vector<Shape> &in)
{
    for (int i = 0; i < 2; ++i) {
        const Shape &image = in[i], &other = in[1 - i];
        const bool perChannelLike =
            other.size() == 1 || (other.size() == 3 && other[1] == 1 && other[2] == 1);
        if (image.size() == 3 && perChannelLike)
            return "give the layer feeding " + port(node, 1 - i) + " " + std::to_string(image[0]) +
                   " units or filters, one per channel of " + port(node, i);
    }
    if (in[0].size() == 3 && in[1].size() == 3 && in[0][0] == in[1][0])
        return "use the same strides and pooling on both paths, or reduce one input to one "
               "value per channel with a GlobalAvgPool2D keeping dims";
    return "make the layers feeding them produce the same shape, or reduce one image to one "
           "value per channel with a GlobalAvgPool2D";
}

ShapeInfo arithmeticShape(const Node &node, const nlohmann::json &, const std::vector<Shape> &in)
{
    Shape out;
    if (in[0] == in[1] || perChannelOf(in[1], in[0]))
        out = in[0];
    else if (perChannelOf(in[0], in[1]))
        out = in[1];
    else
        throw ShapeError(node.id, describe(node) +
                                      " needs inputs of one shape, or an image (channels×"
                                      "height×width) and one value per channel of it (C×1×1 or "
                                      "C), but " +
                                      port(node, 0) + " is " + toString(in[0]) + " and " +
                                      port(node, 1) + " is " + toString(in[1]) + ": " +
                                      arithmeticFix(node, in));
    return ShapeInfo{out, numel(out)}; // one operation per output element
}

LayerDefinition arithmeticType(const std::string &name, const std::string &help)
{
    LayerDefinition t;
    t.name = name;
    t.category = "Merge";
    t.help = help;
    t.inputCount = [](const nlohmann::json &) { return 2; };
    t.inferShape = arithmeticShape;
    t.kernels["cpu"] = makeArithmeticCpu;
    t.kernels["reference"] = makeArithmeticReference;
#ifdef STRATA_WITH_CUDA
    t.kernels["cuda"] = makeArithmeticCuda;
#endif
    t.code = arithmeticCode;
    t.onnx = arithmeticToOnnx;
    return t;
}

} // namespace

ArithmeticOp arithmeticOpOf(const Node &node)
{
    return node.type == "Subtract" ? ArithmeticOp::Subtract : ArithmeticOp::Multiply;
}

ArithmeticLayout::ArithmeticLayout(const std::vector<Shape> &inputShapes, const Shape &outputShape)
    : outer(numel(outputShape))
{
    for (int i = 0; i < 2; ++i)
        perChannel[i] = inputShapes.at(static_cast<size_t>(i)) != outputShape;
    if (perChannel[0] || perChannel[1]) { // outputShape is {N, C, H, W}
        outer = outputShape.at(0) * outputShape.at(1);
        inner = outputShape.at(2) * outputShape.at(3);
    }
}

void registerArithmetic(LayerRegistry &registry)
{
    registry.add(arithmeticType("Multiply",
                                "Multiplies two inputs element by element; one may be a value "
                                "per channel (squeeze-and-excitation gates)"));
    registry.add(arithmeticType("Subtract", "Subtracts in1 from in0 element by element; one may "
                                            "be a value per channel"));
}

} // namespace strata::internal
