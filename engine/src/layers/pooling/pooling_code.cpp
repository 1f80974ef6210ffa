// Pooling as code. Keras' pooling layers share Strata's conventions ("same" pads the odd
// pixel at the end; AveragePooling2D leaves padding out of the average), but have no
// explicit pads, ceil mode or counted padding: those are written as padding before a
// "valid" pool (-inf for a max), and for an average a rescaling of each output by the
// window over what it counts, a product of one factor per row and one per column. In
// PyTorch a symmetric padding of at most half the window is the `padding` argument (with
// ceil_mode and count_include_pad as the node says); any other is written out: F.pad with
// -inf before a max pool, and avg_pool_padded (defined in the generated model.py) for an
// average.

#include "codegen/python_text.h"
#include "layers/layer_util.h"
#include "layers/pooling/pooling.h"

namespace strata::internal {

namespace {

LayerCode globalAvgPoolCode(const CodeContext &c)
{
    LayerCode code;
    const bool keep = c.output.size() == 3; // keep_dims: N×C×1×1, channels-last N×1×1×C
    code.torch.forward =
        "torch.mean(" + c.inputVars[0] + ", dim=(2, 3)" + (keep ? ", keepdim=True)" : ")");
    code.keras.layers.push_back("layers.GlobalAveragePooling2D(" +
                                std::string(keep ? "keepdims=True, " : "") +
                                "name=" + pyString(c.attr) + ")");
    return code;
}

// How many pixels an average over window o divides by along one axis.
int64_t counted(const WindowAxis &a, int64_t o, bool countPad)
{
    const int64_t start = o * a.stride - a.padBefore;
    if (countPad)
        return std::min(start + a.kernel, a.in + a.padAfter) - start;
    return std::min(start + a.kernel, a.in) - std::max<int64_t>(start, 0);
}

TorchCode torchPool(const CodeContext &c, const WindowSpec &spec, const Window2D &w, bool max)
{
    TorchCode code;
    const std::string &x = c.inputVars[0];
    const std::string kernel = pyPair(spec.kernelH, spec.kernelW);
    const std::string stride = pyPair(spec.strideH, spec.strideW);
    std::string args = kernel;
    if (spec.strideH != spec.kernelH || spec.strideW != spec.kernelW)
        args += ", stride=" + stride;
    bool symmetric = true;
    const bool padded = !unpadded(w);
    const std::string p = torchPadding(w.rows, w.cols, symmetric);
    // PyTorch's pools refuse a padding of more than half the window.
    const bool native =
        symmetric && 2 * w.rows.padBefore <= spec.kernelH && 2 * w.cols.padBefore <= spec.kernelW;
    if (native) {
        if (w.rows.padBefore + w.cols.padBefore > 0)
            args += ", padding=" + p;
        if (spec.ceilMode)
            args += ", ceil_mode=True";
        if (!max && !spec.countIncludePad && padded)
            args += ", count_include_pad=False";
        code.module = std::string(max ? "nn.MaxPool2d(" : "nn.AvgPool2d(") + args + ")";
        code.forward = "self." + c.attr + "(" + x + ")";
        return code;
    }
    const std::string pads = torchPadTuple(w.rows, w.cols, true);
    if (max) {
        code.module = "nn.MaxPool2d(" + args + ")";
        code.forward = "self." + c.attr + "(F.pad(" + x + ", " + pads + ", value=-math.inf))";
        code.needs = {"F", "math"};
        code.comment = spec.padding == "same"
                           ? "\"same\" padding as in TensorFlow: the odd pixel is padded at "
                             "the end\n(right, bottom) with -inf, so forward pads first"
                           : "this padding is not nn.MaxPool2d's (uneven or over half the "
                             "window):\nforward pads with -inf first";
        return code;
    }
    code.forward = "avg_pool_padded(" + x + ", " + kernel + ", " + stride + ", " + pads;
    if (spec.countIncludePad)
        code.forward += ", counted=" + torchPadTuple(w.rows, w.cols, false);
    code.forward += ")";
    code.needs = {"F", "avg_pool_padded"};
    return code;
}

KerasCode kerasPool(const CodeContext &c, const WindowSpec &spec, const Window2D &w, bool max)
{
    KerasCode code;
    const std::string layer = max ? "layers.MaxPooling2D(" : "layers.AveragePooling2D(";
    std::string args = pyPair(spec.kernelH, spec.kernelW);
    if (spec.strideH != spec.kernelH || spec.strideW != spec.kernelW)
        args += ", strides=" + pyPair(spec.strideH, spec.strideW);
    const bool overhang = w.rows.overhang + w.cols.overhang > 0;
    const bool simple =
        !overhang && (spec.padding == "valid" || (spec.padding == "same" && !spec.countIncludePad));
    if (simple) {
        if (spec.padding == "same")
            args += ", padding=\"same\"";
        code.layers.push_back(layer + args + ", name=" + pyString(c.attr) + ")");
        return code;
    }
    const std::string rows =
        "(" + pyInt(w.rows.padBefore) + ", " + pyInt(w.rows.padAfterRead()) + ")";
    const std::string cols =
        "(" + pyInt(w.cols.padBefore) + ", " + pyInt(w.cols.padAfterRead()) + ")";
    if (max) {
        code.layers.push_back(
            "layers.Lambda(lambda t: keras.ops.pad(t, ((0, 0), " + rows + ", " + cols +
            ", (0, 0)), constant_values=float(\"-inf\")), name=" + pyString(c.attr + "_pad") + ")");
        code.layers.push_back(layer + args + ", name=" + pyString(c.attr) + ")");
        code.comment = "Keras' pools have no such padding: it is written out with -inf before "
                       "a \"valid\" pool";
        return code;
    }
    code.layers.push_back("layers.ZeroPadding2D((" + rows + ", " + cols +
                          "), name=" + pyString(c.attr + "_pad") + ")");
    code.layers.push_back(layer + args + ", name=" + pyString(c.attr) + ")");
    code.comment = "Keras' pools have no such padding: it is written out before a \"valid\" pool";
    // The pool divides by the whole window; rescale to what Strata divides by.
    const auto factors = [&](const WindowAxis &a) {
        std::vector<std::string> f;
        bool ones = true;
        for (int64_t o = 0; o < a.out; ++o) {
            const int64_t n = counted(a, o, spec.countIncludePad);
            ones = ones && n == a.kernel;
            f.push_back(pyFloat(double(a.kernel) / double(n)));
        }
        std::string list;
        for (const std::string &v : f)
            list += (list.empty() ? "" : ", ") + v;
        return ones ? std::string() : "[" + list + "]";
    };
    const std::string fr = factors(w.rows), fc = factors(w.cols);
    if (fr.empty() && fc.empty())
        return code;
    std::string scale = "t";
    if (!fr.empty())
        scale += " * np.array(" + fr + ", \"float32\")[:, None, None]";
    if (!fc.empty())
        scale += " * np.array(" + fc + ", \"float32\")[None, :, None]";
    code.layers.push_back("layers.Lambda(lambda t: " + scale +
                          ", name=" + pyString(c.attr + "_count") + ")");
    code.comment += ",\nthen each average is rescaled to the pixels Strata counts";
    return code;
}

} // namespace

LayerCode poolingCode(const CodeContext &c)
{
    if (c.node.type == "GlobalAvgPool2D")
        return globalAvgPoolCode(c);
    const bool max = c.node.type == "MaxPool2D";
    const WindowSpec spec = poolSpec(c.params);
    const Shape &in = c.inputs[0];
    const Window2D w = window2D({1, in[0], in[1], in[2]}, spec);
    return LayerCode{torchPool(c, spec, w, max), kerasPool(c, spec, w, max)};
}

} // namespace strata::internal
