#pragma once
// GELU on the GPU (gelu_cuda.cu).

#include <cuda_runtime.h>

#include <cstdint>

namespace strata::internal::cuda {

// y = x · Φ(x).
void geluForward(const float *x, float *y, int64_t n, cudaStream_t stream);
// dx = dy · (Φ(x) + x · φ(x)), from the input x (as the reference does).
void geluBackward(const float *x, const float *dy, float *dx, int64_t n, cudaStream_t stream);

} // namespace strata::internal::cuda
