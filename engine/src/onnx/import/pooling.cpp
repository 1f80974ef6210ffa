// MaxPool and AveragePool as MaxPool2D and AvgPool2D (square windows, any pads, ceil_mode
// and count_include_pad), GlobalAveragePool as GlobalAvgPool2D.

#include "onnx/onnx_import.h"

#include "strata/errors.h"
#include "strata/layer.h"

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
    ImportValue v;
    v.node = addLayer(n, "GlobalAvgPool2D", nlohmann::json::object(), {x.node}, {});
    v.strataShape = layerShapes_.at(v.node);
    v.onnxShape = {v.strataShape[0], 1, 1}; // ONNX keeps the 1×1 image
    setOutput(n, v);
}

} // namespace strata::internal
