// GELU as CUDA kernels: the reference's formulas in float, element for element (cuDNN's
// activation descriptors have no GELU, and it is memory-bound).

#include "layers/gelu/gelu_cuda.h"

namespace strata::internal::cuda {

namespace {

constexpr int kThreads = 256;
constexpr float kInvSqrt2 = 0.70710678118654752f;   // 1/√2
constexpr float kInvSqrt2Pi = 0.39894228040143268f; // 1/√(2π)

unsigned blocksFor(int64_t n)
{
    const int64_t blocks = (n + kThreads - 1) / kThreads;
    return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > 4096 ? 4096 : blocks));
}

__global__ void forwardKernel(const float *x, float *y, int64_t n)
{
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<int64_t>(blockDim.x) * gridDim.x) {
        const float v = x[i];
        y[i] = 0.5f * v * (1.f + erff(v * kInvSqrt2));
    }
}

__global__ void backwardKernel(const float *x, const float *dy, float *dx, int64_t n)
{
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<int64_t>(blockDim.x) * gridDim.x) {
        const float v = x[i];
        const float cdf = 0.5f * (1.f + erff(v * kInvSqrt2));
        const float pdf = kInvSqrt2Pi * expf(-0.5f * v * v);
        dx[i] = dy[i] * (cdf + v * pdf);
    }
}

} // namespace

void geluForward(const float *x, float *y, int64_t n, cudaStream_t stream)
{
    if (n <= 0)
        return;
    forwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, y, n);
}

void geluBackward(const float *x, const float *dy, float *dx, int64_t n, cudaStream_t stream)
{
    if (n <= 0)
        return;
    backwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, dy, dx, n);
}

} // namespace strata::internal::cuda
