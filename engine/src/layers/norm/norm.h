#pragma once
// LayerNorm and GroupNorm: normalisations within each sample, so they behave the same in
// training and evaluation and keep no running statistics. Both split a sample of D values
// into rows, normalise each row to mean 0 and variance 1 (the biased variance, plus epsilon,
// as PyTorch and Keras do), then scale by gamma and shift by beta per affine index:
//   LayerNorm over "sample":   one row of all D values; gamma and beta have the sample's shape
//                              (PyTorch's nn.LayerNorm(normalized_shape=[C, H, W]) or (F)).
//   LayerNorm over "channels": on an image, one row per position (h, w) over the C channels,
//                              gamma and beta per channel (the transformers' and ConvNeXt's
//                              form); on a flat input the same as "sample".
//   GroupNorm:                 one row per group of C / groups consecutive channels (all their
//                              positions); gamma and beta per channel.
// Weights, in order: gamma, beta.

#include "core/layer_impl.h"
#include "strata/layer.h"

#include <memory>

namespace strata::internal {

// How the kernels see one node: value p of a sample (0 ≤ p < size, row-major C×H×W or F)
// belongs to row (p / rowDiv) % rows and is scaled by gamma[p / affineDiv]. The k-th value
// of row r (0 ≤ k < size / rows) is at ((k / rowDiv) · rows + r) · rowDiv + k % rowDiv.
struct NormLayout
{
    int64_t batch = 0;
    int64_t size = 0; // values per sample
    int64_t rows = 1; // normalised groups per sample
    int64_t rowDiv = 1;
    int64_t affineDiv = 1;
    float epsilon = 1e-5f;

    int64_t count() const { return size / rows; } // values per row
    int64_t affineSize() const { return size / affineDiv; }
    int64_t rowOf(int64_t p) const { return (p / rowDiv) % rows; }
    int64_t position(int64_t r, int64_t k) const
    {
        return ((k / rowDiv) * rows + r) * rowDiv + k % rowDiv;
    }
};

NormLayout layerNormLayout(const KernelSetup &setup);
NormLayout groupNormLayout(const KernelSetup &setup);

// The kernels serve both types; the layout says which values form a row.
std::unique_ptr<Kernel> makeNormCpu(const KernelSetup &setup, const NormLayout &layout);
std::unique_ptr<Kernel> makeNormReference(const KernelSetup &setup, const NormLayout &layout);
std::unique_ptr<Kernel> makeNormCuda(const KernelSetup &setup,
                                     const NormLayout &layout); // builds with CUDA only

// The family's registration (called from layers/builtin_layers.cpp) and the hooks it sets:
// code export in norm_code.cpp, ONNX export in norm_onnx.cpp.
void registerNorms(LayerRegistry &registry);
LayerCode layerNormCode(const CodeContext &context);
LayerCode groupNormCode(const CodeContext &context);
void layerNormToOnnx(OnnxContext &ctx);
void groupNormToOnnx(OnnxContext &ctx);

} // namespace strata::internal
