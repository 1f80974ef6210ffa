#include "layers/conv_transpose/conv_transpose.h"

#include "layers/layer_util.h"
#include "layers/window.h"

#include <algorithm>

namespace strata::internal {

namespace {

TransposedAxis transposedAxis(int64_t in, int64_t kernel, int64_t stride,
                              const std::string &padding, int64_t cropBefore, int64_t cropAfter,
                              int64_t outputPadding)
{
    TransposedAxis a{in, kernel, stride, 0, 0, 0, 0};
    if (padding == "same") { // Keras: out = in · stride, the odd pixel cropped at the end
        const int64_t crop = std::max<int64_t>(kernel - stride, 0);
        a.cropBefore = crop / 2;
        a.cropAfter = crop - a.cropBefore;
        a.extra = std::max<int64_t>(stride - kernel, 0);
    } else {
        if (padding == "explicit") {
            a.cropBefore = cropBefore;
            a.cropAfter = cropAfter;
        }
        a.extra = outputPadding;
    }
    a.out = a.full() - a.cropBefore - a.cropAfter + a.extra;
    return a;
}

void checkSettings(const Node &node, const Shape &in, const nlohmann::json &p,
                   const TransposedWindow &w)
{
    const WindowSpec spec = windowSpec(p, intOf(p, "kernel"), intOf(p, "stride"));
    const int64_t k = spec.kernelH, s = spec.strideH; // square: ConvTranspose2D has one of each
    const std::string name = describe(node);
    if (spec.padding != "same" && intOf(p, "output_padding") >= s)
        throw ShapeError(node.id, name + ": output_padding " +
                                      std::to_string(intOf(p, "output_padding")) +
                                      " is not smaller than the stride " + std::to_string(s) +
                                      " (it picks one of the sizes a stride-" + std::to_string(s) +
                                      " convolution maps back from, as in PyTorch and Keras): "
                                      "set it below " +
                                      std::to_string(s) + " or raise the stride");
    if (spec.padding == "explicit") {
        const std::pair<const char *, int64_t> pads[] = {
            {"top", spec.top}, {"bottom", spec.bottom}, {"left", spec.left}, {"right", spec.right}};
        for (const auto &[side, pad] : pads)
            if (pad >= k)
                throw ShapeError(node.id, name + ": padding " + std::to_string(pad) +
                                              " pixels on the " + side +
                                              " is not smaller than the " + toString({k, k}) +
                                              " kernel: a transposed convolution crops at most " +
                                              std::to_string(k - 1) + " on each side");
    }
    if (w.rows.out < 1 || w.cols.out < 1)
        throw ShapeError(node.id, name + ": the input " + toString({in[1], in[2]}) +
                                      " (height×width) grows to only " +
                                      toString({w.rows.full(), w.cols.full()}) +
                                      " pixels, fewer than the padding crops: pad less");
}

} // namespace

TransposedWindow transposedWindow(const nlohmann::json &p, const Shape &input)
{
    const int64_t k = intOf(p, "kernel"), s = intOf(p, "stride");
    const WindowSpec spec = windowSpec(p, k, s);
    const int64_t op = intOf(p, "output_padding");
    TransposedWindow w;
    w.batch = input.at(0);
    w.channels = input.at(1);
    w.filters = intOf(p, "filters");
    w.rows = transposedAxis(input.at(2), k, s, spec.padding, spec.top, spec.bottom, op);
    w.cols = transposedAxis(input.at(3), k, s, spec.padding, spec.left, spec.right, op);
    return w;
}

void registerConvTranspose(LayerRegistry &registry)
{
    LayerDefinition t;
    t.name = "ConvTranspose2D";
    t.category = "Convolution";
    t.help = "Transposed 2-D convolution: learned filters that enlarge an image (decoders)";
    t.params = {
        intParam("filters", 32, 1, 65536, "Number of output channels (learned filters)"),
        intParam("kernel", 3, 1, 64, "Filter height and width in pixels"),
        intParam("stride", 2, 1, 64, "Spacing of the input pixels in the output (2: doubles)"),
    };
    for (ParamSpec &p : paddingParams()) {
        if (p.name == "padding")
            p.help = "valid: keep the whole result, (input − 1)·stride + kernel; same: output "
                     "= input·stride, as Keras; explicit: crop the pad values from the result";
        else if (p.name == "pad")
            p.help = "Explicit padding: pixels cropped from every side of the result";
        t.params.push_back(std::move(p));
    }
    t.params.push_back(intParam("output_padding", 0, 0, 63,
                                "Pixels added at the bottom and right (below the stride; not "
                                "with \"same\"), as PyTorch's output_padding"));
    t.params.push_back(boolParam("bias", true, "Add a learned bias to each output channel"));
    t.unusedParams = [](const nlohmann::json &p) {
        std::vector<std::string> unused = unusedPaddingParams(p);
        if (p.contains("padding") && p.at("padding") == "same")
            unused.push_back("output_padding");
        return unused;
    };
    t.inferShape = [](const Node &node, const nlohmann::json &p, const std::vector<Shape> &in) {
        requireRank(node, in[0], 3, "an image input (channels×height×width)",
                    "place this layer where the network still has images, or turn the flat "
                    "vector back into an image first");
        const TransposedWindow w = transposedWindow(p, withBatch(1, in[0]));
        checkSettings(node, withBatch(1, in[0]), p, w);
        const int64_t k = intOf(p, "kernel");
        // Every input pixel sends k·k taps to each filter; the bias is added once per output.
        const int64_t macs = in[0][0] * in[0][1] * in[0][2] * k * k * w.filters;
        const int64_t outputs = w.filters * w.rows.out * w.cols.out;
        return ShapeInfo{{w.filters, w.rows.out, w.cols.out},
                         2 * macs + (boolOf(p, "bias") ? outputs : 0)};
    };
    t.weights = [](const Node &, const nlohmann::json &p, const std::vector<Shape> &in) {
        const int64_t filters = intOf(p, "filters"), k = intOf(p, "kernel");
        // As PyTorch and Keras count them: the weight's second axis (filters) is the fan-in.
        const int64_t fanIn = filters * k * k, fanOut = in[0][0] * k * k;
        std::vector<WeightSpec> w{{"weight",
                                   {in[0][0], filters, k, k},
                                   Init::GlorotUniform,
                                   Init::KaimingUniform,
                                   fanIn,
                                   fanOut,
                                   true}};
        if (boolOf(p, "bias"))
            w.push_back({"bias", {filters}, Init::Zeros, Init::BiasFanIn, fanIn, fanOut, true});
        return w;
    };
    t.kernels["cpu"] = makeConvTransposeCpu;
    t.kernels["reference"] = makeConvTransposeReference;
#ifdef STRATA_WITH_CUDA
    t.kernels["cuda"] = makeConvTransposeCuda;
#endif
    t.code = convTransposeCode;
    t.onnx = convTransposeToOnnx;
    registry.add(std::move(t));
}

} // namespace strata::internal
