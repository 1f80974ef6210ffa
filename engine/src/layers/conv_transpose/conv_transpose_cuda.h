#pragma once
// ConvTranspose2D on the GPU (conv_transpose_cuda.cu): plain gather kernels, one thread per
// value written, so results are deterministic without atomics.

#include <cuda_runtime.h>

#include <cstdint>

namespace strata::internal::cuda {

// The geometry of a transposed convolution, as plain numbers for the device (see
// TransposedWindow in conv_transpose.h; the weight is {channels, filters, k, k}).
struct TransposedGeometry
{
    int batch, channels, filters, kernel;
    int inH, inW, outH, outW;
    int strideH, strideW, cropTop, cropLeft;
};

// y = bias (may be null) + the taps of every input pixel.
void convTransposeForward(const float *x, const float *w, const float *bias, float *y,
                          TransposedGeometry g, cudaStream_t stream);
// dx: each input pixel gathers the output gradients its taps reached.
void convTransposeBackwardData(const float *dy, const float *w, float *dx, TransposedGeometry g,
                               cudaStream_t stream);
// dw, and db when not null.
void convTransposeBackwardWeights(const float *x, const float *dy, float *dw, float *db,
                                  TransposedGeometry g, cudaStream_t stream);

} // namespace strata::internal::cuda
