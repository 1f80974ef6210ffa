// The strided copy as CUDA kernels: one thread per output element, its input index from the
// output index axis by axis (memory-bound; the gather reads the input scattered, the writes
// are coalesced).

#include "layers/reshape/reshape_cuda.h"

namespace strata::internal::cuda {

namespace {

constexpr int kThreads = 256;

unsigned blocksFor(int64_t n)
{
    const int64_t blocks = (n + kThreads - 1) / kThreads;
    return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > 4096 ? 4096 : blocks));
}

__device__ int64_t inputIndex(int64_t o, const CopyAxes &a)
{
    int64_t from = 0;
    for (int i = a.rank - 1; i >= 0; --i) {
        from += (o % a.dims[i]) * a.strides[i];
        o /= a.dims[i];
    }
    return from;
}

__global__ void gatherKernel(const float *x, float *y, CopyAxes axes, int64_t n)
{
    for (int64_t o = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; o < n;
         o += static_cast<int64_t>(blockDim.x) * gridDim.x)
        y[o] = x[inputIndex(o, axes)];
}

__global__ void scatterKernel(const float *dy, float *dx, CopyAxes axes, int64_t n)
{
    for (int64_t o = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; o < n;
         o += static_cast<int64_t>(blockDim.x) * gridDim.x)
        dx[inputIndex(o, axes)] = dy[o];
}

} // namespace

void stridedGather(const float *x, float *y, const CopyAxes &axes, int64_t n, cudaStream_t stream)
{
    if (n <= 0)
        return;
    gatherKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, y, axes, n);
}

void stridedScatter(const float *dy, float *dx, const CopyAxes &axes, int64_t n,
                    cudaStream_t stream)
{
    if (n <= 0)
        return;
    scatterKernel<<<blocksFor(n), kThreads, 0, stream>>>(dy, dx, axes, n);
}

} // namespace strata::internal::cuda
