// MaxPool and AveragePool as MaxPool2D and AvgPool2D (square windows, any pads, ceil_mode
// and count_include_pad), GlobalAveragePool and ReduceMean over height and width as
// GlobalAvgPool2D (keeping the 1×1 image unless only a Flatten reads it, or keepdims says).

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
    if (kernel.size() != 2 || kernel[0] != kernel[1])
        fail(n, "has kernel_shape " + intsText(kernel) + "; Strata's pooling windows are square");
    const auto strides = attrInts(n, "strides", {1, 1});
    if (strides.size() != 2 || strides[0] != strides[1])
        fail(n, "has strides " + intsText(strides) +
                    "; Strata's pooling moves by the same step both ways");
    const auto dilations = attrInts(n, "dilations", {1, 1});
    if (std::any_of(dilations.begin(), dilations.end(), [](int64_t d) { return d != 1; }))
        fail(n, "is dilated " + intsText(dilations) + "; Strata's pooling is not dilated");
    const int64_t k = kernel[0], s = strides[0];
    const bool ceil = attrInt(n, "ceil_mode", 0) != 0;
    nlohmann::json params = windowPadding(n, x.strataShape, k, s, 1, ceil);
    params["pool"] = k;
    params["stride"] = s;
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

} // namespace strata::internal
