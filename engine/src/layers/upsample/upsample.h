#pragma once
// Upsample: enlarges NCHW images by an integer factor per axis, repeating pixels ("nearest")
// or interpolating between them ("bilinear", half-pixel centres: PyTorch's default
// align_corners=False, ONNX Resize's half_pixel and Keras' UpSampling2D). No weights.

#include "core/layer_impl.h"
#include "strata/layer.h"

#include <algorithm>
#include <cmath>
#include <memory>

namespace strata::internal {

struct UpsampleSpec
{
    bool bilinear = false;
    int64_t scaleH = 2, scaleW = 2;
};

// From resolved params.
UpsampleSpec upsampleSpec(const nlohmann::json &params);

// Where output pixel `o` of an axis enlarged `scale` times reads its input, bilinearly: the
// pixels `lo` and `hi` weighted 1 − frac and frac. The source (o + ½) / scale − ½ is clamped
// to the first pixel, and hi to the last.
struct BilinearTap
{
    int64_t lo = 0, hi = 0;
    double frac = 0;
};
inline BilinearTap bilinearTap(int64_t o, int64_t scale, int64_t in)
{
    const double src =
        std::max((static_cast<double>(o) + 0.5) / static_cast<double>(scale) - 0.5, 0.0);
    BilinearTap t;
    t.lo = std::min(static_cast<int64_t>(std::floor(src)), in - 1);
    t.hi = std::min(t.lo + 1, in - 1);
    t.frac = src - static_cast<double>(t.lo);
    return t;
}

std::unique_ptr<Kernel> makeUpsampleCpu(const KernelSetup &setup);
std::unique_ptr<Kernel> makeUpsampleReference(const KernelSetup &setup);
std::unique_ptr<Kernel> makeUpsampleCuda(const KernelSetup &setup); // builds with CUDA only

// The family's registration (called from layers/builtin_layers.cpp) and the hooks it sets:
// code export in upsample_code.cpp, ONNX export in upsample_onnx.cpp.
void registerUpsample(LayerRegistry &registry);
LayerCode upsampleCode(const CodeContext &context);
void upsampleToOnnx(OnnxContext &ctx); // Resize with constant scales

} // namespace strata::internal
