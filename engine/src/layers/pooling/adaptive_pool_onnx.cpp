// AdaptiveAvgPool2D as ONNX, which has no adaptive pool. What is exact, in this order:
// - a 1×1 output: GlobalAveragePool;
// - even windows on both axes (in a multiple of out): AveragePool with kernel and stride
//   in/out, which is how PyTorch's exporter writes nn.AdaptiveAvgPool2d (both read back as
//   GlobalAvgPool2D or AvgPool2D: the same numbers);
// - otherwise one axis at a time, the columns then the rows (an axis kept whole is left
//   out): per window a Slice of the axis and a ReduceMean over it (keepdims), then a Concat
//   of the means along the axis. A rectangle's mean is the mean over its rows of the means
//   over its columns, so this is the pool up to rounding; ONNX Runtime and OpenCV run it,
//   and Strata's importer reads the chain back as one AdaptiveAvgPool2D
//   (onnx/import/adaptive_chain.cpp).

#include "layers/pooling/pooling.h"
#include "onnx/onnx_context.h"

namespace strata::internal {

namespace {

// One axis (2: rows, 3: columns, as ONNX numbers them with the batch) of `from` pooled into
// `to`.
void axisMeans(OnnxContext &ctx, const AdaptiveAxis &a, int64_t axis, const std::string &from,
               const std::string &to)
{
    const std::string tag = axis == 2 ? "rows" : "cols";
    const std::string axes = ctx.intermediate(tag + "_axis");
    ctx.addNode("Constant", {}, axes, tag + "_axis").attrIntTensor("value", {axis});
    std::vector<std::string> means;
    for (int64_t i = 0; i < a.out; ++i) {
        const std::string part = tag + "_" + std::to_string(i);
        const std::string starts = ctx.intermediate(part + "_start");
        const std::string ends = ctx.intermediate(part + "_end");
        ctx.addNode("Constant", {}, starts, part + "_start").attrIntTensor("value", {a.begin(i)});
        ctx.addNode("Constant", {}, ends, part + "_end").attrIntTensor("value", {a.end(i)});
        const std::string window = ctx.intermediate(part + "_window");
        ctx.addNode("Slice", {from, starts, ends, axes}, window, part + "_slice");
        means.push_back(ctx.intermediate(part + "_mean"));
        ctx.addNode("ReduceMean", {window}, means.back(), part + "_mean")
            .attrInts("axes", {axis})
            .attrInt("keepdims", 1);
    }
    // The last node is named after the layer, so that an import gives it its id back.
    ctx.addNode("Concat", means, to, to == ctx.output() ? "" : tag).attrInt("axis", axis);
}

} // namespace

void adaptivePoolToOnnx(OnnxContext &ctx)
{
    const AdaptiveWindow w = adaptiveWindow(withBatch(1, ctx.inputShapes()[0]), ctx.params());
    const std::string &x = ctx.inputs()[0];
    if (w.rows.out == 1 && w.cols.out == 1) {
        ctx.addNode("GlobalAveragePool", {x}, ctx.output());
        return;
    }
    if (w.rows.even() && w.cols.even()) {
        const int64_t kh = w.rows.in / w.rows.out, kw = w.cols.in / w.cols.out;
        ctx.addNode("AveragePool", {x}, ctx.output())
            .attrInts("kernel_shape", {kh, kw})
            .attrInts("strides", {kh, kw})
            .attrInts("pads", {0, 0, 0, 0})
            .attrInt("ceil_mode", 0)
            .attrInt("count_include_pad", 0);
        return;
    }
    const bool rows = w.rows.in != w.rows.out, cols = w.cols.in != w.cols.out;
    // Uneven windows along at least one axis, so at least that axis changes.
    if (cols)
        axisMeans(ctx, w.cols, 3, x, rows ? ctx.intermediate("cols") : ctx.output());
    if (rows)
        axisMeans(ctx, w.rows, 2, cols ? ctx.intermediate("cols") : x, ctx.output());
}

} // namespace strata::internal
