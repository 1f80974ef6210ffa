#pragma once
// Dropout's mask on the GPU (dropout_cuda.cu): element i is dropped when a counter-based hash
// of (seed, i) maps below `rate`, so forward and backward derive the same mask from the seed
// alone and nothing is stored between them.

#include <cuda_runtime.h>

#include <cstdint>

namespace strata::internal::cuda {

// y = x · mask · scale, where mask_i = 0 when dropped and 1 otherwise. Backward is the same
// operation on the gradients.
void dropoutApply(const float *x, float *y, int64_t n, uint64_t seed, double rate, float scale,
                  cudaStream_t stream);

} // namespace strata::internal::cuda
