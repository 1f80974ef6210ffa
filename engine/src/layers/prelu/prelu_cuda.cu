// PReLU as CUDA kernels: an element-wise pass for the output and the input gradient, and one
// block per channel summing the slope's gradient in double, as the reference does.

#include "layers/prelu/prelu_cuda.h"

namespace strata::internal::cuda {

namespace {

constexpr int kThreads = 256;

unsigned blocksFor(int64_t n)
{
    const int64_t blocks = (n + kThreads - 1) / kThreads;
    return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > 4096 ? 4096 : blocks));
}

__global__ void forwardKernel(const float *x, const float *slope, float *y, int64_t n,
                              int64_t channels, int64_t spatial)
{
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<int64_t>(blockDim.x) * gridDim.x) {
        const float v = x[i];
        y[i] = v > 0 ? v : slope[(i / spatial) % channels] * v;
    }
}

__global__ void inputGradKernel(const float *x, const float *slope, const float *dy, float *dx,
                                int64_t n, int64_t channels, int64_t spatial)
{
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<int64_t>(blockDim.x) * gridDim.x)
        dx[i] = x[i] > 0 ? dy[i] : slope[(i / spatial) % channels] * dy[i];
}

// One block per channel.
__global__ void slopeGradKernel(const float *x, const float *dy, float *dSlope, int64_t batch,
                                int64_t channels, int64_t spatial)
{
    __shared__ double partial[kThreads];
    const int64_t c = blockIdx.x;
    const int64_t perChannel = batch * spatial;
    double acc = 0;
    for (int64_t j = threadIdx.x; j < perChannel; j += blockDim.x) {
        const int64_t i = ((j / spatial) * channels + c) * spatial + j % spatial;
        if (x[i] <= 0)
            acc += static_cast<double>(dy[i]) * x[i];
    }
    partial[threadIdx.x] = acc;
    __syncthreads();
    for (int half = kThreads / 2; half > 0; half /= 2) {
        if (threadIdx.x < half)
            partial[threadIdx.x] += partial[threadIdx.x + half];
        __syncthreads();
    }
    if (threadIdx.x == 0)
        dSlope[c] = static_cast<float>(partial[0]);
}

} // namespace

void preluForward(const float *x, const float *slope, float *y, int64_t batch, int64_t channels,
                  int64_t spatial, cudaStream_t stream)
{
    const int64_t n = batch * channels * spatial;
    if (n <= 0)
        return;
    forwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, slope, y, n, channels, spatial);
}

void preluBackward(const float *x, const float *slope, const float *dy, float *dx, float *dSlope,
                   int64_t batch, int64_t channels, int64_t spatial, cudaStream_t stream)
{
    const int64_t n = batch * channels * spatial;
    if (n <= 0)
        return;
    slopeGradKernel<<<static_cast<unsigned>(channels), kThreads, 0, stream>>>(x, dy, dSlope, batch,
                                                                              channels, spatial);
    if (dx)
        inputGradKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, slope, dy, dx, n, channels,
                                                               spatial);
}

} // namespace strata::internal::cuda
