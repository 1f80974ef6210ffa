#pragma once
// PReLU on the GPU (prelu_cuda.cu), over N samples of C channels with S values each.

#include <cuda_runtime.h>

#include <cstdint>

namespace strata::internal::cuda {

void preluForward(const float *x, const float *slope, float *y, int64_t batch, int64_t channels,
                  int64_t spatial, cudaStream_t stream);
// dSlope[c] = Σ dy·x over the channel's inputs x ≤ 0; dx (when not null) = x > 0 ? dy :
// slope[c]·dy.
void preluBackward(const float *x, const float *slope, const float *dy, float *dx, float *dSlope,
                   int64_t batch, int64_t channels, int64_t spatial, cudaStream_t stream);

} // namespace strata::internal::cuda
