// Dropout's mask from a SplitMix64 hash of (seed, index): uniform 53-bit doubles, the same
// resolution as Rng::uniform on the host.

#include "layers/dropout/dropout_cuda.h"

namespace strata::internal::cuda {

namespace {

constexpr int kThreads = 256;

__device__ double uniformAt(uint64_t seed, uint64_t i)
{
    uint64_t z = seed + (i + 1) * 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53;
}

__global__ void applyKernel(const float *x, float *y, int64_t n, uint64_t seed, double rate,
                            float scale)
{
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<int64_t>(blockDim.x) * gridDim.x)
        y[i] = x[i] * (uniformAt(seed, static_cast<uint64_t>(i)) < rate ? 0.f : scale);
}

} // namespace

void dropoutApply(const float *x, float *y, int64_t n, uint64_t seed, double rate, float scale,
                  cudaStream_t stream)
{
    if (n <= 0)
        return;
    const int64_t blocks = (n + kThreads - 1) / kThreads;
    applyKernel<<<static_cast<unsigned>(blocks > 4096 ? 4096 : blocks), kThreads, 0, stream>>>(
        x, y, n, seed, rate, scale);
}

} // namespace strata::internal::cuda
