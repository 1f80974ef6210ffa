// Conv2D as code. Strata's "same" padding is TensorFlow's: the odd pixel goes at the end.
// Keras writes it as padding="same" and explicit pads as a ZeroPadding2D before a "valid"
// convolution; PyTorch's symmetric `padding` can only say it when the padding is even,
// otherwise the generated forward pads explicitly with F.pad first. A depthwise convolution
// (one input channel per group) is Keras' DepthwiseConv2D.

#include "codegen/python_text.h"
#include "layers/conv2d/conv2d.h"
#include "layers/layer_util.h"

namespace strata::internal {

namespace {

TorchCode torchConv(const CodeContext &c, const WindowSpec &spec, const Window2D &w)
{
    const int64_t filters = intOf(c.params, "filters"), groups = intOf(c.params, "groups");
    const bool bias = boolOf(c.params, "bias");
    TorchCode code;
    const std::string kernel = pyPair(spec.kernelH, spec.kernelW);
    std::string args = pyInt(c.inputs[0][0]) + ", " + pyInt(filters) + ", kernel_size=" + kernel;
    if (spec.strideH != 1 || spec.strideW != 1)
        args += ", stride=" + pyPair(spec.strideH, spec.strideW);
    std::string x = c.inputVars[0];
    if (!unpadded(w)) {
        bool symmetric = false;
        const std::string p = torchPadding(w.rows, w.cols, symmetric);
        if (symmetric) {
            args += ", padding=" + p;
        } else {
            x = "F.pad(" + x + ", " + p + ")";
            code.needs.push_back("F");
            code.comment = spec.padding == "same"
                               ? "\"same\" padding as in TensorFlow: the odd pixel is padded at "
                                 "the end\n(right, bottom), so forward pads before the conv"
                               : "padding differs between sides, so forward pads before the conv";
        }
    }
    if (spec.dilation != 1)
        args += ", dilation=" + pyInt(spec.dilation);
    if (groups != 1)
        args += ", groups=" + pyInt(groups);
    if (!bias)
        args += ", bias=False";
    code.module = "nn.Conv2d(" + args + ")";
    code.forward = "self." + c.attr + "(" + x + ")";
    code.weights.push_back({"weight", "weight", "w", ""});
    if (bias)
        code.weights.push_back({"bias", "bias", "w", ""});
    return code;
}

KerasCode kerasConv(const CodeContext &c, const WindowSpec &spec, const Window2D &w)
{
    const int64_t filters = intOf(c.params, "filters"), groups = intOf(c.params, "groups");
    const int64_t channels = c.inputs[0][0];
    const bool bias = boolOf(c.params, "bias");
    // Keras refuses strides with dilation: convolve every position, then keep every
    // stride-th, which is the same only for padding written out before the convolution.
    const bool strided = spec.strideH != 1 || spec.strideW != 1;
    const bool strideAfter = strided && spec.dilation != 1;
    const std::string kernel = pyPair(spec.kernelH, spec.kernelW);
    KerasCode code;
    std::string args;
    if (strided && !strideAfter)
        args += ", strides=" + pyPair(spec.strideH, spec.strideW);
    if (spec.padding == "same" && !strideAfter) {
        args += ", padding=\"same\"";
    } else if (!unpadded(w)) {
        code.layers.push_back("layers.ZeroPadding2D(((" + pyInt(w.rows.padBefore) + ", " +
                              pyInt(w.rows.padAfter) + "), (" + pyInt(w.cols.padBefore) + ", " +
                              pyInt(w.cols.padAfter) + ")), name=" + pyString(c.attr + "_pad") +
                              ")");
        code.comment = "Keras pads with ZeroPadding2D before a \"valid\" convolution";
    }
    if (spec.dilation != 1)
        args += ", dilation_rate=" + pyInt(spec.dilation);
    if (!bias)
        args += ", use_bias=False";
    args += ", name=" + pyString(c.attr);
    if (groups == channels && groups > 1) {
        // Output channel f reads input channel f / multiplier in both frameworks.
        const int64_t multiplier = filters / channels;
        code.layers.push_back("layers.DepthwiseConv2D(" + kernel +
                              (multiplier != 1 ? ", depth_multiplier=" + pyInt(multiplier) : "") +
                              args + ")");
        code.weights.push_back({"weight", "depthwise_kernel",
                                "w.reshape(" + pyInt(channels) + ", " + pyInt(multiplier) + ", " +
                                    pyInt(spec.kernelH) + ", " + pyInt(spec.kernelW) +
                                    ").transpose(2, 3, 0, 1)",
                                "[in·mult, 1, kh, kw] → [kh, kw, in, mult]"});
    } else {
        code.layers.push_back("layers.Conv2D(" + pyInt(filters) + ", " + kernel +
                              (groups != 1 ? ", groups=" + pyInt(groups) : "") + args + ")");
        code.weights.push_back({"weight", "kernel", "w.transpose(2, 3, 1, 0)",
                                "[out, in, kh, kw] → [kh, kw, in, out]"});
    }
    if (bias)
        code.weights.push_back({"bias", "bias", "w", ""});
    if (strideAfter) {
        const std::string sh = pyInt(spec.strideH), sw = pyInt(spec.strideW);
        code.layers.push_back("layers.Lambda(lambda t: t[:, ::" + sh + ", ::" + sw +
                              ", :], name=" + pyString(c.attr + "_stride") + ")");
        code.comment = "Keras refuses strides with dilation: the padding is written out, the "
                       "dilated\nconvolution runs at stride 1 and the positions " +
                       pyPair(spec.strideH, spec.strideW) + " apart are kept";
    }
    return code;
}

} // namespace

LayerCode conv2DCode(const CodeContext &c)
{
    const WindowSpec spec = convWindow(c.params);
    const Shape &in = c.inputs[0];
    const Window2D w = window2D({1, in[0], in[1], in[2]}, spec);
    return LayerCode{torchConv(c, spec, w), kerasConv(c, spec, w)};
}

} // namespace strata::internal
