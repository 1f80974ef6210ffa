// AdaptiveAvgPool2D as code. PyTorch has it: nn.AdaptiveAvgPool2d((h, w)). Keras has no
// adaptive pool, so what is exact: GlobalAveragePooling2D(keepdims=True) for 1×1, an
// AveragePooling2D for even windows (in a multiple of out), and otherwise a Lambda per axis
// that changes, averaging each window of the axis and concatenating the means (a rectangle's
// mean is the mean over its rows of the means over its columns).

#include "codegen/python_text.h"
#include "layers/pooling/pooling.h"

namespace strata::internal {

namespace {

// The windows of one axis of the channels-last Keras tensor (1: rows, 2: columns) as a
// Lambda averaging each, named `name`.
std::string kerasAxisMeans(const AdaptiveAxis &a, int axis, const std::string &name)
{
    std::string windows;
    for (int64_t i = 0; i < a.out; ++i)
        windows += (i ? ", " : "") + pyTuple({a.begin(i), a.end(i)});
    const std::string index = axis == 1 ? "t[:, b:e]" : "t[:, :, b:e]";
    const std::string ax = std::to_string(axis);
    return "layers.Lambda(lambda t: keras.ops.concatenate([keras.ops.mean(" + index +
           ", axis=" + ax + ", keepdims=True) for b, e in [" + windows + "]], axis=" + ax +
           "), name=" + pyString(name) + ")";
}

} // namespace

LayerCode adaptivePoolCode(const CodeContext &c)
{
    const Shape &in = c.inputs[0];
    const AdaptiveWindow w = adaptiveWindow({1, in[0], in[1], in[2]}, c.params);
    LayerCode code;
    code.torch.module = "nn.AdaptiveAvgPool2d(" + pyTuple({w.rows.out, w.cols.out}) + ")";
    code.torch.forward = "self." + c.attr + "(" + c.inputVars[0] + ")";
    KerasCode &k = code.keras;
    if (w.rows.out == 1 && w.cols.out == 1) {
        k.layers.push_back("layers.GlobalAveragePooling2D(keepdims=True, name=" + pyString(c.attr) +
                           ")");
    } else if (w.rows.even() && w.cols.even()) {
        k.layers.push_back("layers.AveragePooling2D(" +
                           pyTuple({w.rows.in / w.rows.out, w.cols.in / w.cols.out}) +
                           ", name=" + pyString(c.attr) + ")");
    } else {
        // The last layer carries the node's name.
        const bool rows = w.rows.in != w.rows.out, cols = w.cols.in != w.cols.out;
        if (cols)
            k.layers.push_back(kerasAxisMeans(w.cols, 2, rows ? c.attr + "_cols" : c.attr));
        if (rows)
            k.layers.push_back(kerasAxisMeans(w.rows, 1, c.attr));
        k.comment = "Keras has no adaptive pool: each window of an axis is averaged and the "
                    "means joined";
    }
    return code;
}

} // namespace strata::internal
