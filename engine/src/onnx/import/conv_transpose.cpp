// ConvTranspose as ConvTranspose2D: square kernels, the same stride both ways, one group, no
// dilation; pads (or auto_pad) and output_padding as "valid", "same" (Keras' crop, output =
// input·stride) or explicit pads with output_padding.

#include "onnx/onnx_import.h"

#include "strata/errors.h"
#include "strata/layer.h"

#include <algorithm>

namespace strata::internal {

namespace {

// Strata's "same" crop of one axis (conv_transpose.cpp): before, after and the extension.
std::vector<int64_t> sameCrop(int64_t kernel, int64_t stride)
{
    const int64_t crop = std::max<int64_t>(kernel - stride, 0);
    return {crop / 2, crop - crop / 2, std::max<int64_t>(stride - kernel, 0)};
}

} // namespace

void OnnxImporter::convertConvTranspose(const onnx::NodeProto &n)
{
    requireOneOutput(n);
    const ImportValue &x = layerInput(n, 0);
    const Tensor &w = floatInput(n, 1, "weight");
    if (x.onnxShape.size() != 3 || x.strataShape.size() != 3)
        fail(n, "convolves a " + toString(x.onnxShape) +
                    " input; Strata's ConvTranspose2D takes images (channels×height×width)");
    if (w.rank() != 4 || w.dim(0) != x.strataShape[0])
        fail(n, "has a weight of shape " + toString(w.shape()) + " for " +
                    std::to_string(x.strataShape[0]) +
                    " input channels; ConvTranspose2D needs {channels, filters, k, k}");
    if (attrInt(n, "group", 1) != 1)
        fail(n, "has group " + std::to_string(attrInt(n, "group", 1)) +
                    "; Strata's ConvTranspose2D is not grouped");
    const auto dilations = attrInts(n, "dilations", {1, 1});
    if (std::any_of(dilations.begin(), dilations.end(), [](int64_t d) { return d != 1; }))
        fail(n, "is dilated " + intsText(dilations) + "; Strata's ConvTranspose2D is not dilated");
    const int64_t k = w.dim(2);
    if (w.dim(3) != k)
        fail(n, "has a " + std::to_string(w.dim(2)) + "×" + std::to_string(w.dim(3)) +
                    " kernel; Strata's ConvTranspose2D kernels are square");
    const auto kernelShape = attrInts(n, "kernel_shape", {k, k});
    if (kernelShape != std::vector<int64_t>{k, k})
        fail(n, "has kernel_shape " + intsText(kernelShape) + " but a weight of " +
                    toString(w.shape()));
    const auto strides = attrInts(n, "strides", {1, 1});
    if (strides.size() != 2 || strides[0] != strides[1])
        fail(n, "has strides " + intsText(strides) +
                    "; Strata's ConvTranspose2D moves by the same step both ways");
    if (attribute(n, "output_shape"))
        fail(n, "sets output_shape; Strata reads pads and output_padding: re-export the model "
                "without output_shape");
    const auto outputPadding = attrInts(n, "output_padding", {0, 0});
    if (outputPadding.size() != 2 || outputPadding[0] != outputPadding[1] || outputPadding[0] < 0)
        fail(n, "has output_padding " + intsText(outputPadding) +
                    "; Strata's ConvTranspose2D adds the same number of pixels both ways");
    const int64_t s = strides[0], op = outputPadding[0];
    const std::vector<int64_t> same = sameCrop(k, s);
    const std::string autoPad = attrString(n, "auto_pad", "NOTSET");
    std::vector<int64_t> pads; // top, left, bottom, right
    nlohmann::json params;
    if (autoPad == "SAME_UPPER" && op == 0 && k >= s) {
        params["padding"] = "same";
    } else if (autoPad == "VALID") {
        pads = {0, 0, 0, 0};
    } else if (autoPad == "NOTSET") {
        pads = attrInts(n, "pads", {0, 0, 0, 0});
    } else {
        fail(n,
             "has auto_pad '" + autoPad +
                 "' here; Strata reads VALID, explicit pads, or SAME_UPPER without output_padding "
                 "and with a kernel at least the stride");
    }
    if (!pads.empty()) {
        if (pads.size() != 4 ||
            std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p < 0; }))
            fail(n, "has pads " + intsText(pads) +
                        "; Strata crops a transposed convolution by 4 values of 0 or more");
        if (std::all_of(pads.begin(), pads.end(), [](int64_t p) { return p == 0; }))
            params["padding"] = "valid";
        else if (pads == std::vector<int64_t>{same[0], same[0], same[1], same[1]} && op == same[2])
            params["padding"] = "same";
        else if (std::all_of(pads.begin(), pads.end(), [&](int64_t p) { return p == pads[0]; }))
            params = {{"padding", "explicit"}, {"pad", pads[0]}};
        else
            params = {{"padding", "explicit"},
                      {"pad_top", pads[0]},
                      {"pad_left", pads[1]},
                      {"pad_bottom", pads[2]},
                      {"pad_right", pads[3]}};
        if (params["padding"] != "same" && op != 0)
            params["output_padding"] = op;
    }
    std::vector<std::pair<std::string, Tensor>> weights{{"weight", w}};
    const bool bias = hasInput(n, 2);
    if (bias) {
        const Tensor &b = floatInput(n, 2, "bias");
        if (b.numel() != w.dim(1))
            fail(n, "has a bias of shape " + toString(b.shape()) + " for " +
                        std::to_string(w.dim(1)) + " filters; one value per filter is needed");
        weights.emplace_back("bias", b.reshaped({w.dim(1)}));
    }
    params["filters"] = w.dim(1);
    params["kernel"] = k;
    params["stride"] = s;
    params["bias"] = bias;
    setLayerOutput(n,
                   addLayer(n, "ConvTranspose2D", std::move(params), {x.node}, std::move(weights)));
}

} // namespace strata::internal
