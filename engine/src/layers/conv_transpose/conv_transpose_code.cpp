// ConvTranspose2D as code. PyTorch's nn.ConvTranspose2d crops the same padding from both
// sides of an axis, so a crop that differs between sides (Keras' "same" with an odd total,
// or explicit pads) is written as padding 0 and a slice in forward. Keras' Conv2DTranspose
// has Strata's "same" itself; "valid" passes output_padding always (without it, Keras makes
// input·stride pixels when the kernel is smaller than the stride), and explicit pads become
// a Cropping2D after it. Weights {in, out, kh, kw} are PyTorch's layout as they are.

#include "codegen/python_text.h"
#include "layers/conv_transpose/conv_transpose.h"
#include "layers/layer_util.h"

namespace strata::internal {

namespace {

std::string pair(int64_t rows, int64_t cols)
{
    return rows == cols ? pyInt(rows) : pyTuple({rows, cols});
}

TorchCode torchConvTranspose(const CodeContext &c, const TransposedWindow &w)
{
    const bool bias = boolOf(c.params, "bias");
    const TransposedAxis &r = w.rows, &q = w.cols;
    const bool symmetric = r.cropBefore == r.cropAfter && q.cropBefore == q.cropAfter;
    TorchCode code;
    std::string args = pyInt(w.channels) + ", " + pyInt(w.filters) +
                       ", kernel_size=" + pyInt(r.kernel) + ", stride=" + pyInt(r.stride);
    if (symmetric && (r.cropBefore != 0 || q.cropBefore != 0))
        args += ", padding=" + pair(r.cropBefore, q.cropBefore);
    if (r.extra != 0 || q.extra != 0)
        args += ", output_padding=" + pair(r.extra, q.extra);
    if (!bias)
        args += ", bias=False";
    code.module = "nn.ConvTranspose2d(" + args + ")";
    code.forward = "self." + c.attr + "(" + c.inputVars[0] + ")";
    if (!symmetric) {
        code.forward += "[:, :, " + pyInt(r.cropBefore) + ":" + pyInt(r.cropBefore + r.out) + ", " +
                        pyInt(q.cropBefore) + ":" + pyInt(q.cropBefore + q.out) + "]";
        code.comment = "the crop differs between sides, so forward slices the uncropped result";
    }
    code.weights.push_back({"weight", "weight", "w", ""});
    if (bias)
        code.weights.push_back({"bias", "bias", "w", ""});
    return code;
}

KerasCode kerasConvTranspose(const CodeContext &c, const TransposedWindow &w)
{
    const bool bias = boolOf(c.params, "bias");
    const std::string padding = choiceOf(c.params, "padding");
    const TransposedAxis &r = w.rows, &q = w.cols;
    KerasCode code;
    std::string args = pyInt(w.filters) + ", " + pyInt(r.kernel);
    if (r.stride != 1)
        args += ", strides=" + pyInt(r.stride);
    if (padding == "same")
        args += ", padding=\"same\"";
    else
        args += ", output_padding=" + pyInt(r.extra);
    if (!bias)
        args += ", use_bias=False";
    code.layers.push_back("layers.Conv2DTranspose(" + args + ", name=" + pyString(c.attr) + ")");
    code.weights.push_back(
        {"weight", "kernel", "w.transpose(2, 3, 1, 0)", "[in, out, kh, kw] → [kh, kw, out, in]"});
    if (bias)
        code.weights.push_back({"bias", "bias", "w", ""});
    if (padding == "explicit" && (r.cropBefore || r.cropAfter || q.cropBefore || q.cropAfter)) {
        code.layers.push_back("layers.Cropping2D(((" + pyInt(r.cropBefore) + ", " +
                              pyInt(r.cropAfter) + "), (" + pyInt(q.cropBefore) + ", " +
                              pyInt(q.cropAfter) + ")), name=" + pyString(c.attr + "_crop") + ")");
        code.comment = "the padding crops the transposed convolution's result";
    }
    return code;
}

} // namespace

LayerCode convTransposeCode(const CodeContext &c)
{
    const TransposedWindow w = transposedWindow(c.params, withBatch(1, c.inputs[0]));
    return LayerCode{torchConvTranspose(c, w), kerasConvTranspose(c, w)};
}

} // namespace strata::internal
