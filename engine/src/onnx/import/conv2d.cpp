// Conv as Conv2D: any kernel and stride per axis (Inception's 1×7 and 7×1), the same
// dilation both ways, any group count that divides the channels, pads as "valid", "same" or
// explicit.

#include "layers/window.h"
#include "onnx/onnx_import.h"

#include "strata/errors.h"
#include "strata/layer.h"

namespace strata::internal {

void OnnxImporter::convertConv(const onnx::NodeProto &n)
{
    requireOneOutput(n);
    const ImportValue &x = layerInput(n, 0);
    const Tensor &w = floatInput(n, 1, "weight");
    if (x.onnxShape.size() != 3 || x.strataShape.size() != 3)
        fail(n, "convolves a " + toString(x.onnxShape) +
                    " input; Strata's Conv2D takes images (channels×height×width)");
    if (w.rank() != 4)
        fail(n, "has a weight of rank " + std::to_string(w.rank()) + "; Conv2D needs 4 (OIHW)");
    const int64_t groups = attrInt(n, "group", 1);
    if (groups < 1)
        fail(n, "has group " + std::to_string(groups) + "; ONNX groups are 1 or more");
    const auto dilations = attrInts(n, "dilations", {1, 1});
    if (dilations.size() != 2 || dilations[0] != dilations[1] || dilations[0] < 1)
        fail(n, "is dilated " + intsText(dilations) +
                    "; Strata's Conv2D dilates by the same positive step both ways");
    const std::vector<int64_t> kernel{w.dim(2), w.dim(3)};
    const auto kernelShape = attrInts(n, "kernel_shape", kernel);
    if (kernelShape != kernel)
        fail(n, "has kernel_shape " + intsText(kernelShape) + " but a weight of " +
                    toString(w.shape()));
    const auto strides = attrInts(n, "strides", {1, 1});
    if (strides.size() != 2 || strides[0] < 1 || strides[1] < 1)
        fail(n, "has strides " + intsText(strides) +
                    "; Strata's Conv2D moves by a positive step along height and width");
    nlohmann::json params = windowPadding(n, x.strataShape, kernel, strides, dilations[0], false);
    std::vector<std::pair<std::string, Tensor>> weights{{"weight", w}};
    const bool bias = hasInput(n, 2);
    if (bias) {
        const Tensor &b = floatInput(n, 2, "bias");
        if (b.numel() != w.dim(0))
            fail(n, "has a bias of shape " + toString(b.shape()) + " for " +
                        std::to_string(w.dim(0)) + " filters; Conv2D adds one value per filter");
        weights.emplace_back("bias", b.reshaped({w.dim(0)}));
    }
    params["filters"] = w.dim(0);
    setAxisParams(params, "kernel", kernel[0], kernel[1]);
    setAxisParams(params, "stride", strides[0], strides[1]);
    if (dilations[0] != 1)
        params["dilation"] = dilations[0];
    if (groups != 1)
        params["groups"] = groups;
    params["bias"] = bias;
    const std::string id = addLayer(n, "Conv2D", std::move(params), {x.node}, std::move(weights));
    setLayerOutput(n, id);
}

} // namespace strata::internal
