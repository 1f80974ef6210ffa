// MaxPool and AveragePool as MaxPool2D and AvgPool2D (any window and stride per axis, any
// pads, ceil_mode and count_include_pad), Strata's own chain for an uneven adaptive pool
// (fused by import/adaptive_chain.cpp) as AdaptiveAvgPool2D, GlobalAveragePool and
// ReduceMean over height and width as GlobalAvgPool2D (keeping the 1×1 image unless only a
// Flatten reads it, or keepdims says).

#include "layers/pooling/pooling.h"
#include "layers/window.h"
#include "onnx/onnx_import.h"

#include "strata/errors.h"
#include "strata/layer.h"

#include <algorithm>

namespace strata::internal {

void OnnxImporter::convertPool(const onnx::NodeProto &n)
{
    requireOneOutput(n);
    const ImportValue &x = layerInput(n, 0);
    if (x.onnxShape.size() != 3 || x.strataShape.size() != 3)
        fail(n, "pools a " + toString(x.onnxShape) + " input; Strata pools images");
    const auto kernel = attrInts(n, "kernel_shape", {});
    if (kernel.size() != 2 || kernel[0] < 1 || kernel[1] < 1)
        fail(n, "has kernel_shape " + intsText(kernel) +
                    "; Strata pools 2-D windows of a positive height and width");
    const auto strides = attrInts(n, "strides", {1, 1});
    if (strides.size() != 2 || strides[0] < 1 || strides[1] < 1)
        fail(n, "has strides " + intsText(strides) +
                    "; Strata's pooling moves by a positive step along height and width");
    const auto dilations = attrInts(n, "dilations", {1, 1});
    if (std::any_of(dilations.begin(), dilations.end(), [](int64_t d) { return d != 1; }))
        fail(n, "is dilated " + intsText(dilations) + "; Strata's pooling is not dilated");
    const bool ceil = attrInt(n, "ceil_mode", 0) != 0;
    nlohmann::json params = windowPadding(n, x.strataShape, kernel, strides, 1, ceil);
    setAxisParams(params, "pool", kernel[0], kernel[1]);
    setAxisParams(params, "stride", strides[0], strides[1]);
    if (ceil)
        params["ceil_mode"] = true;
    const bool average = n.op_type() == "AveragePool";
    if (average && attrInt(n, "count_include_pad", 0) != 0)
        params["count_include_pad"] = true;
    setLayerOutput(
        n, addLayer(n, average ? "AvgPool2D" : "MaxPool2D", std::move(params), {x.node}, {}));
}

void OnnxImporter::convertGlobalPool(const onnx::NodeProto &n)
{
    const ImportValue &x = layerInput(n, 0);
    if (x.onnxShape.size() != 3 || x.strataShape.size() != 3)
        fail(n, "pools a " + toString(x.onnxShape) + " input; Strata pools images");
    // Flat channels when only flattening ops read it (a classifier head: the Flatten then
    // costs nothing); else the C×1×1 image ONNX keeps (a squeeze-and-excitation block's 1×1
    // convolution or gate reads it).
    const auto readers = consumers(n.output(0));
    const bool flattened =
        !readers.empty() && !isGraphOutput(n.output(0)) &&
        std::all_of(readers.begin(), readers.end(), [](const onnx::NodeProto *r) {
            return r->op_type() == "Flatten" || r->op_type() == "Reshape" ||
                   r->op_type() == "Squeeze";
        });
    ImportValue v;
    v.node = addLayer(n, "GlobalAvgPool2D", {{"keep_dims", !flattened}}, {x.node}, {});
    v.strataShape = layerShapes_.at(v.node);
    v.onnxShape = {v.strataShape[0], 1, 1}; // ONNX keeps the 1×1 image
    setOutput(n, v);
}

void OnnxImporter::convertReduceMean(const onnx::NodeProto &n)
{
    const ImportValue &x = layerInput(n, 0);
    std::vector<int64_t> axes = attrInts(n, "axes", {});
    if (hasInput(n, 1)) // opset 18 moved axes to an input
        axes = intsInput(n, 1).ints;
    const auto rank = static_cast<int64_t>(x.onnxShape.size()) + 1;
    for (int64_t &a : axes)
        a = normalizedAxis(a, rank);
    std::sort(axes.begin(), axes.end());
    if (x.onnxShape.size() != 3 || x.strataShape.size() != 3 || axes != std::vector<int64_t>{2, 3})
        fail(n, "averages a " + shapeText(x.onnxShape) + " input over axes " + intsText(axes) +
                    "; Strata averages images over height and width only (axes 2 and 3, "
                    "GlobalAvgPool2D): re-export with the mean over those axes");
    const bool keep = attrInt(n, "keepdims", 1) != 0;
    setLayerOutput(n, addLayer(n, "GlobalAvgPool2D", {{"keep_dims", keep}}, {x.node}, {}));
}

void OnnxImporter::convertAdaptivePool(const onnx::NodeProto &n)
{
    if (attrInt(n, "strata_chain", 0) == 0)
        fail(n, "is no ONNX op; Strata reads an adaptive average pool only as the Slice → "
                "ReduceMean → Concat chain it exports one as");
    const ImportValue &x = layerInput(n, 0);
    if (x.onnxShape.size() != 3 || x.strataShape.size() != 3)
        fail(n, "pools a " + toString(x.onnxShape) + " input; Strata pools images");
    const std::vector<int64_t> axes = attrInts(n, "strata_axes", {});
    const std::vector<int64_t> parts = attrInts(n, "strata_parts", {});
    // What the fusing pass writes; anything else was written by hand.
    int64_t windows = 0;
    bool wellFormed = !axes.empty() && axes.size() == parts.size() && axes.size() <= 2;
    for (size_t s = 0; wellFormed && s < axes.size(); ++s) {
        wellFormed = (axes[s] == 2 || axes[s] == 3) && parts[s] >= 1 && parts[s] <= 4096 &&
                     (s == 0 || axes[s] != axes[0]);
        windows += parts[s];
    }
    if (!wellFormed || n.input_size() != 1 + 3 * windows)
        fail(n, "has strata_axes " + intsText(axes) + ", strata_parts " + intsText(parts) +
                    " and " + std::to_string(n.input_size()) +
                    " inputs, which Strata's import never writes");
    nlohmann::json params{{"height", x.onnxShape[1]}, {"width", x.onnxShape[2]}};
    int arg = 1; // each window's start, end and axes follow the input
    for (size_t s = 0; s < axes.size() && s < parts.size(); ++s) {
        const AdaptiveAxis a{x.onnxShape[static_cast<size_t>(axes[s] - 1)], parts[s]};
        for (int64_t i = 0; i < a.out; ++i, arg += 3) {
            const std::vector<int64_t> start = intsInput(n, arg).ints;
            const std::vector<int64_t> end = intsInput(n, arg + 1).ints;
            const std::vector<int64_t> axis = intsInput(n, arg + 2).ints;
            if (start != std::vector<int64_t>{a.begin(i)} ||
                end != std::vector<int64_t>{a.end(i)} || axis != std::vector<int64_t>{axes[s]})
                fail(n, "averages " + intsText(start) + " to " + intsText(end) + " of axes " +
                            intsText(axis) + " as mean " + std::to_string(i) + " of " +
                            std::to_string(a.out) + " along axis " + std::to_string(axes[s]) +
                            ", where an adaptive average pool of " + std::to_string(a.in) +
                            " pixels averages " + std::to_string(a.begin(i)) + " to " +
                            std::to_string(a.end(i)) +
                            "; Strata reads this chain only as AdaptiveAvgPool2D");
        }
        params[axes[s] == 2 ? "height" : "width"] = a.out;
    }
    setLayerOutput(n, addLayer(n, "AdaptiveAvgPool2D", std::move(params), {x.node}, {}));
}

} // namespace strata::internal
