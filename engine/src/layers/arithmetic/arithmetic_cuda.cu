// Multiply and Subtract as CUDA kernels. A per-channel input's gradient is a sum over the
// pixels it was broadcast to: one warp per channel row, reduced with shuffles, so results are
// deterministic without atomics.

#include "layers/arithmetic/arithmetic_cuda.h"

namespace strata::internal::cuda {

namespace {

constexpr int kThreads = 256;

unsigned blocksFor(int64_t n)
{
    const int64_t blocks = (n + kThreads - 1) / kThreads;
    return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > 65535 ? 65535 : blocks));
}

#define STRATA_GRID_LOOP(i, n)                                                                     \
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < (n);         \
         i += static_cast<int64_t>(blockDim.x) * gridDim.x)

__device__ float valueAt(const float *x, bool perChannel, int64_t k, int64_t inner)
{
    return perChannel ? x[k / inner] : x[k];
}

__global__ void forwardKernel(const float *a, const float *b, float *y, ArithmeticShape s)
{
    STRATA_GRID_LOOP(k, s.outer * s.inner)
    {
        const float x0 = valueAt(a, s.perChannel0, k, s.inner);
        const float x1 = valueAt(b, s.perChannel1, k, s.inner);
        y[k] = s.multiply ? x0 * x1 : x0 - x1;
    }
}

// d(a·b)/da = b; d(a − b)/da = 1, d(a − b)/db = −1.
__device__ float gradAt(const float *dy, const float *other, bool otherPerChannel, float sign,
                        bool multiply, int64_t k, int64_t inner)
{
    return multiply ? dy[k] * valueAt(other, otherPerChannel, k, inner) : sign * dy[k];
}

__global__ void fullGradKernel(const float *dy, const float *other, float *g, bool otherPerChannel,
                               float sign, ArithmeticShape s)
{
    STRATA_GRID_LOOP(k, s.outer * s.inner)
    g[k] = gradAt(dy, other, otherPerChannel, sign, s.multiply, k, s.inner);
}

// One warp per row of `inner` values.
__global__ void channelGradKernel(const float *dy, const float *other, float *g,
                                  bool otherPerChannel, float sign, ArithmeticShape s)
{
    const int64_t row = (blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x) / 32;
    const int lane = threadIdx.x % 32;
    if (row >= s.outer)
        return;
    double sum = 0;
    for (int64_t i = lane; i < s.inner; i += 32)
        sum += gradAt(dy, other, otherPerChannel, sign, s.multiply, row * s.inner + i, s.inner);
    for (int offset = 16; offset > 0; offset /= 2)
        sum += __shfl_down_sync(0xffffffffu, sum, offset);
    if (lane == 0)
        g[row] = static_cast<float>(sum);
}

} // namespace

void arithmeticForward(const float *a, const float *b, float *y, ArithmeticShape s,
                       cudaStream_t stream)
{
    const int64_t n = s.outer * s.inner;
    if (n > 0)
        forwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(a, b, y, s);
}

void arithmeticBackward(const float *dy, const float *other, float *g, int port, ArithmeticShape s,
                        cudaStream_t stream)
{
    const bool perChannel = port == 0 ? s.perChannel0 : s.perChannel1;
    const bool otherPerChannel = port == 0 ? s.perChannel1 : s.perChannel0;
    const float sign = !s.multiply && port == 1 ? -1.f : 1.f;
    const int64_t n = s.outer * s.inner;
    if (n <= 0)
        return;
    if (!perChannel) {
        fullGradKernel<<<blocksFor(n), kThreads, 0, stream>>>(dy, other, g, otherPerChannel, sign,
                                                              s);
        return;
    }
    const int64_t threads = s.outer * 32;
    channelGradKernel<<<static_cast<unsigned>((threads + kThreads - 1) / kThreads), kThreads, 0,
                        stream>>>(dy, other, g, otherPerChannel, sign, s);
}

} // namespace strata::internal::cuda
