// Pooling as ONNX: MaxPool and AveragePool with explicit pads and ceil_mode (AveragePool
// counts padding in the average as the node's count_include_pad says; ONNX, like PyTorch,
// never counts a ceil-mode window's overhang past the pads), and GlobalAvgPool2D as
// GlobalAveragePool followed by Flatten, since ONNX keeps the 1×1 image the engine drops
// (alone with keep_dims).
//
// ONNX Runtime drops a ceil-mode window that would start in the padding after the image, as
// PyTorch and the engine do, but ONNX's shape inference (onnx.checker) does not. So
// ceil_mode is written only where rounding up adds a window, and an axis where a window
// was dropped gets the pads that make rounding up land on the same windows.

#include "layers/pooling/pooling.h"
#include "onnx/onnx_context.h"

#include "strata/errors.h"

namespace strata::internal {

namespace {

// The output size of one axis padded by padAfter after the image, rounded down or up,
// without dropping any window.
int64_t roundedOut(const WindowAxis &a, int64_t padAfter, bool up)
{
    const int64_t room = a.in + a.padBefore + padAfter - a.kernel;
    return (up ? (room + a.stride - 1) / a.stride : room / a.stride) + 1;
}

struct OnnxPooling
{
    int64_t rowsAfter, colsAfter; // the pads after the image
    bool ceil;
};

OnnxPooling onnxPooling(const Node &node, const Window2D &w, bool countPad)
{
    const bool up = roundedOut(w.rows, w.rows.padAfter, false) < w.rows.out ||
                    roundedOut(w.cols, w.cols.padAfter, false) < w.cols.out;
    if (!up) // every window ends inside the pads: rounding down finds them all
        return {w.rows.padAfter, w.cols.padAfter, false};
    // Where a window was dropped, pad only up to the end of the last window: rounding up
    // then ends there too, and no window reads the pads left out. -1: no such pad.
    const auto after = [](const WindowAxis &a) -> int64_t {
        if (roundedOut(a, a.padAfter, true) == a.out)
            return a.padAfter;
        const int64_t fitted = (a.out - 1) * a.stride + a.kernel - a.in - a.padBefore;
        return fitted >= 0 && roundedOut(a, fitted, true) == a.out ? fitted : -1;
    };
    const int64_t rows = after(w.rows), cols = after(w.cols);
    if (rows >= 0 && cols >= 0)
        return {rows, cols, true};
    // Padding the overhang too, rounding down finds the same windows; only an average
    // counting its padding would then count the overhang.
    if (!countPad)
        return {w.rows.padAfterRead(), w.cols.padAfterRead(), false};
    throw Error("Cannot export " + describe(node) +
                " to ONNX: its ceil-mode windows round up along one axis and drop a window "
                "starting in the padding along the other, which ONNX's AveragePool cannot say "
                "while counting padding: set count_include_pad to false or change the pads");
}

} // namespace

void poolToOnnx(OnnxContext &ctx)
{
    const WindowSpec spec = poolSpec(ctx.params());
    const Window2D w = window2D(withBatch(1, ctx.inputShapes()[0]), spec);
    const bool max = ctx.node().type == "MaxPool2D";
    const OnnxPooling p = onnxPooling(ctx.node(), w, !max && spec.countIncludePad);
    OnnxNode &n = ctx.addNode(max ? "MaxPool" : "AveragePool", {ctx.inputs()[0]}, ctx.output());
    n.attrInts("kernel_shape", {w.rows.kernel, w.cols.kernel})
        .attrInts("strides", {w.rows.stride, w.cols.stride})
        .attrInts("pads", {w.rows.padBefore, w.cols.padBefore, p.rowsAfter, p.colsAfter})
        .attrInt("ceil_mode", p.ceil ? 1 : 0);
    if (!max)
        n.attrInt("count_include_pad", spec.countIncludePad ? 1 : 0);
}

void globalPoolToOnnx(OnnxContext &ctx)
{
    if (ctx.outputShape().size() == 3) { // keep_dims: ONNX's own N×C×1×1
        ctx.addNode("GlobalAveragePool", {ctx.inputs()[0]}, ctx.output());
        return;
    }
    const std::string pooled = ctx.intermediate("pooled");
    ctx.addNode("GlobalAveragePool", {ctx.inputs()[0]}, pooled);
    ctx.addNode("Flatten", {pooled}, ctx.output(), "flatten").attrInt("axis", 1);
}

} // namespace strata::internal
