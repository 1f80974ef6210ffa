#pragma once
// The family's strided copy on the GPU (reshape_cuda.cu).

#include <cuda_runtime.h>

#include <cstdint>

namespace strata::internal::cuda {

constexpr int kMaxCopyRank = 8;

// The output's axes (batch first) and the input's stride along each.
struct CopyAxes
{
    int rank = 0;
    int64_t dims[kMaxCopyRank] = {};
    int64_t strides[kMaxCopyRank] = {};
};

// y[o] = x[in(o)] for the n output elements, in(o) the input index through the strides.
void stridedGather(const float *x, float *y, const CopyAxes &axes, int64_t n, cudaStream_t stream);
// dx[in(o)] = dy[o]: the gradient written back through the same strides.
void stridedScatter(const float *dy, float *dx, const CopyAxes &axes, int64_t n,
                    cudaStream_t stream);

} // namespace strata::internal::cuda
