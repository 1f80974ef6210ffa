// MaxPool and AveragePool as MaxPool2D and AvgPool2D (square windows), GlobalAveragePool
// as GlobalAvgPool2D.

#include "onnx/onnx_import.h"

#include "layers/window.h"
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
    const std::string padding = windowPadding(n, x.strataShape, k, s);
    if (attrInt(n, "ceil_mode", 0) != 0) {
        // Rounding up changes nothing when the windows tile the padded image exactly.
        const bool same = padding == "same";
        for (int64_t size : {x.strataShape[1], x.strataShape[2]}) {
            const WindowAxis a = windowAxis(size, k, s, same);
            const int64_t span = size + a.padBefore + a.padAfter - k;
            if (span >= 0 && span % s != 0)
                fail(n, "rounds its output size up (ceil_mode = 1) where Strata rounds down; "
                        "export it with ceil_mode=False");
        }
    }
    const bool average = n.op_type() == "AveragePool";
    if (average && padding == "same" && attrInt(n, "count_include_pad", 0) != 0)
        fail(n, "counts the padding in its averages (count_include_pad = 1); Strata's "
                "AvgPool2D leaves padding out");
    setLayerOutput(n, addLayer(n, average ? "AvgPool2D" : "MaxPool2D",
                               {{"pool", k}, {"stride", s}, {"padding", padding}}, {x.node}, {}));
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
