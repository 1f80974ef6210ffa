#pragma once
// AdaptiveAvgPool2D on the GPU (adaptive_pool_cuda.cu): PyTorch's windows, window i along an
// axis covering floor(i·in/out) up to ceil((i+1)·in/out).

#include <cuda_runtime.h>

#include <cstdint>

namespace strata::internal::cuda {

struct AdaptiveDims
{
    int rowsIn, colsIn, rowsOut, colsOut;
};

// planes = N·C.
void adaptiveAvgPoolForward(const float *x, float *y, int64_t planes, AdaptiveDims d,
                            cudaStream_t stream);
void adaptiveAvgPoolBackward(const float *dy, float *dx, int64_t planes, AdaptiveDims d,
                             cudaStream_t stream);

} // namespace strata::internal::cuda
