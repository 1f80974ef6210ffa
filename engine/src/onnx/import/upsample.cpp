// Resize (and opset 9's Upsample) as Upsample: whole enlargement factors for height and width
// from constant scales or sizes, nearest or linear with the coordinates for which Strata's
// kernels read the same pixels. Everything else (cubic, align_corners, fractional or
// shrinking factors) is refused, naming the node.

#include "onnx/onnx_import.h"

#include "strata/errors.h"
#include "strata/layer.h"

#include <cmath>

namespace strata::internal {

namespace {

// "2.5" for messages.
std::string scaleText(double v)
{
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.')
        s.pop_back();
    return s;
}

} // namespace

void OnnxImporter::convertResize(const onnx::NodeProto &n)
{
    requireOneOutput(n);
    const ImportValue &x = layerInput(n, 0);
    if (x.onnxShape.size() != 3 || x.strataShape.size() != 3)
        fail(n, "resizes a " + toString(x.onnxShape) +
                    " input; Strata's Upsample enlarges images (channels×height×width)");
    // Before opset 11 (and in Upsample) the scales are input 2 and the coordinates asymmetric.
    const bool legacy = n.op_type() == "Upsample" || opset_ < 11;
    const std::string mode = attrString(n, "mode", "nearest");
    const std::string coordinates =
        legacy ? "asymmetric" : attrString(n, "coordinate_transformation_mode", "half_pixel");
    const std::string nearestMode =
        legacy ? "floor" : attrString(n, "nearest_mode", "round_prefer_floor");
    const bool halfPixel = coordinates == "half_pixel" || coordinates == "pytorch_half_pixel";
    // For whole factors, nearest with half-pixel centres rounds to the pixel the floor of
    // o / scale names (the fraction never reaches ½).
    if (mode == "nearest" && !(coordinates == "asymmetric" && nearestMode == "floor") &&
        !(halfPixel && (nearestMode == "round_prefer_floor" || nearestMode == "round_prefer_ceil")))
        fail(n, "picks nearest pixels with coordinate_transformation_mode '" + coordinates +
                    "' and nearest_mode '" + nearestMode +
                    "'; Strata's Upsample repeats pixels as asymmetric/floor or "
                    "half_pixel/round_prefer_floor do");
    if (mode == "linear" && !halfPixel)
        fail(n, "interpolates linearly with coordinate_transformation_mode '" + coordinates +
                    "'; Strata's bilinear Upsample uses half_pixel (PyTorch's "
                    "align_corners=False)");
    if (mode != "nearest" && mode != "linear")
        fail(n, "has mode '" + mode + "'; Strata's Upsample is nearest or bilinear (linear)");

    const int scalesAt = legacy ? 1 : 2;
    std::vector<double> scales;
    if (hasInput(n, scalesAt) && input(n, scalesAt).kind == ImportValue::Kind::Floats &&
        input(n, scalesAt).floats.numel() > 0) {
        const Tensor &t = floatInput(n, scalesAt, "scales");
        scales.assign(t.data(), t.data() + t.numel());
    } else if (!legacy && hasInput(n, 3)) {
        const ImportValue &sizes = intsInput(n, 3);
        if (sizes.ints.size() != 4 || sizes.ints[1] != x.onnxShape[0])
            fail(n, "has sizes " + intsText(sizes.ints) + " for a " + shapeText(x.onnxShape) +
                        " input; Strata's Upsample keeps the batch and the channels");
        scales = {1.0, 1.0, double(sizes.ints[2]) / double(x.onnxShape[1]),
                  double(sizes.ints[3]) / double(x.onnxShape[2])};
    } else {
        fail(n, "has no constant scales or sizes; Strata's Upsample needs whole factors known "
                "when the model is read");
    }
    if (scales.size() != 4 || scales[0] != 1.0 || scales[1] != 1.0)
        fail(n, "scales a " + shapeText(x.onnxShape) +
                    " input by other than 1 on the batch or the channels; Strata's Upsample "
                    "enlarges height and width only");
    int64_t factors[2] = {0, 0};
    for (int i = 0; i < 2; ++i) {
        const double v = scales[size_t(i) + 2];
        if (v < 1.0 || std::fabs(v - std::round(v)) > 1e-6 || v > 64.0)
            fail(n, "scales the " + std::string(i == 0 ? "height" : "width") + " by " +
                        scaleText(v) +
                        "; Strata's Upsample enlarges by a whole factor from 1 to 64");
        factors[i] = static_cast<int64_t>(std::round(v));
    }
    setLayerOutput(n, addLayer(n, "Upsample",
                               {{"mode", mode == "linear" ? "bilinear" : "nearest"},
                                {"scale_height", factors[0]},
                                {"scale_width", factors[1]}},
                               {x.node}, {}));
}

} // namespace strata::internal
