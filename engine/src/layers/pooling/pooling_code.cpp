// Pooling as code. Keras' pooling layers share Strata's conventions ("same" pads the odd
// pixel at the end; AveragePooling2D leaves padding out of the average). In PyTorch an even
// padding is the `padding` argument (with count_include_pad=False for the average); an odd
// one is written out: F.pad with -inf before a max pool, and avg_pool_same (defined in the
// generated model.py) for an average.

#include "codegen/python_text.h"
#include "layers/layer_util.h"
#include "layers/pooling/pooling.h"

namespace strata::internal {

namespace {

LayerCode globalAvgPoolCode(const CodeContext &c)
{
    LayerCode code;
    code.torch.forward = "torch.mean(" + c.inputVars[0] + ", dim=(2, 3))";
    code.keras.layers.push_back("layers.GlobalAveragePooling2D(name=" + pyString(c.attr) + ")");
    return code;
}

} // namespace

LayerCode poolingCode(const CodeContext &c)
{
    if (c.node.type == "GlobalAvgPool2D")
        return globalAvgPoolCode(c);
    const bool max = c.node.type == "MaxPool2D";
    const int64_t pool = intOf(c.params, "pool");
    const int64_t stride = intOf(c.params, "stride") == 0 ? pool : intOf(c.params, "stride");
    const std::string padding = choiceOf(c.params, "padding");
    const Shape &in = c.inputs[0];
    const Window2D w = poolWindow({1, in[0], in[1], in[2]}, c.params);
    const bool padded = w.rows.padBefore + w.rows.padAfter + w.cols.padBefore + w.cols.padAfter > 0;

    LayerCode code;
    std::string args = pyInt(pool);
    if (stride != pool)
        args += ", stride=" + pyInt(stride);
    bool symmetric = true;
    const std::string p = padded ? torchPadding(w.rows, w.cols, symmetric) : "0";
    const std::string &x = c.inputVars[0];
    if (max) {
        if (padded && symmetric)
            args += ", padding=" + p;
        code.torch.module = "nn.MaxPool2d(" + args + ")";
        code.torch.forward = "self." + c.attr + "(" + x + ")";
        if (!symmetric) {
            code.torch.forward =
                "self." + c.attr + "(F.pad(" + x + ", " + p + ", value=-math.inf))";
            code.torch.needs = {"F", "math"};
            code.torch.comment = "\"same\" padding as in TensorFlow: the odd pixel is padded at "
                                 "the end\n(right, bottom) with -inf, so forward pads first";
        }
    } else if (symmetric) {
        if (padded)
            args += ", padding=" + p + ", count_include_pad=False";
        code.torch.module = "nn.AvgPool2d(" + args + ")";
        code.torch.forward = "self." + c.attr + "(" + x + ")";
    } else {
        code.torch.forward =
            "avg_pool_same(" + x + ", " + pyInt(pool) + ", " + pyInt(stride) + ", " + p + ")";
        code.torch.needs = {"F", "avg_pool_same"};
    }

    std::string kargs = pyInt(pool);
    if (stride != pool)
        kargs += ", strides=" + pyInt(stride);
    if (padding == "same")
        kargs += ", padding=\"same\"";
    code.keras.layers.push_back(
        std::string(max ? "layers.MaxPooling2D(" : "layers.AveragePooling2D(") + kargs +
        ", name=" + pyString(c.attr) + ")");
    return code;
}

} // namespace strata::internal
