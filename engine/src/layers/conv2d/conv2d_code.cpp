// Conv2D as code. Strata's "same" padding is TensorFlow's: the odd pixel goes at the end.
// Keras writes it as padding="same"; PyTorch's symmetric `padding` can only say it when the
// padding is even, otherwise the generated forward pads explicitly with F.pad first.

#include "codegen/python_text.h"
#include "layers/conv2d/conv2d.h"
#include "layers/layer_util.h"

namespace strata::internal {

LayerCode conv2DCode(const CodeContext &c)
{
    const int64_t filters = intOf(c.params, "filters"), k = intOf(c.params, "kernel");
    const int64_t stride = intOf(c.params, "stride");
    const std::string padding = choiceOf(c.params, "padding");
    const bool bias = boolOf(c.params, "bias");
    const Shape &in = c.inputs[0];
    const Window2D w = window2D({1, in[0], in[1], in[2]}, k, stride, padding);
    const bool padded = w.rows.padBefore + w.rows.padAfter + w.cols.padBefore + w.cols.padAfter > 0;

    LayerCode code;
    std::string args = pyInt(in[0]) + ", " + pyInt(filters) + ", kernel_size=" + pyInt(k);
    if (stride != 1)
        args += ", stride=" + pyInt(stride);
    std::string x = c.inputVars[0];
    if (padded) {
        bool symmetric = false;
        const std::string p = torchPadding(w.rows, w.cols, symmetric);
        if (symmetric) {
            args += ", padding=" + p;
        } else {
            x = "F.pad(" + x + ", " + p + ")";
            code.torch.needs.push_back("F");
            code.torch.comment = "\"same\" padding as in TensorFlow: the odd pixel is padded at "
                                 "the end\n(right, bottom), so forward pads before the conv";
        }
    }
    if (!bias)
        args += ", bias=False";
    code.torch.module = "nn.Conv2d(" + args + ")";
    code.torch.forward = "self." + c.attr + "(" + x + ")";
    code.torch.weights.push_back({"weight", "weight", "w", ""});
    if (bias)
        code.torch.weights.push_back({"bias", "bias", "w", ""});

    std::string kargs = pyInt(filters) + ", " + pyInt(k);
    if (stride != 1)
        kargs += ", strides=" + pyInt(stride);
    if (padding == "same")
        kargs += ", padding=\"same\"";
    if (!bias)
        kargs += ", use_bias=False";
    code.keras.layers.push_back("layers.Conv2D(" + kargs + ", name=" + pyString(c.attr) + ")");
    code.keras.weights.push_back(
        {"weight", "kernel", "w.transpose(2, 3, 1, 0)", "[out, in, kh, kw] → [kh, kw, in, out]"});
    if (bias)
        code.keras.weights.push_back({"bias", "bias", "w", ""});
    return code;
}

} // namespace strata::internal
