// ReLU, LeakyReLU, Sigmoid and Tanh as CUDA kernels: the reference's formulas, element for
// element (cuDNN's activation descriptors have no LeakyReLU, and these are memory-bound).

#include "layers/activation/activation_cuda.h"

namespace strata::internal::cuda {

namespace {

// ActivationKind's values (activation.h, which the CUDA compiler does not read).
enum Kind { ReLU = 0, LeakyReLU = 1, Sigmoid = 2, Tanh = 3 };

constexpr int kThreads = 256;

unsigned blocksFor(int64_t n)
{
    const int64_t blocks = (n + kThreads - 1) / kThreads;
    return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > 4096 ? 4096 : blocks));
}

template <int K> __global__ void forwardKernel(float alpha, const float *x, float *y, int64_t n)
{
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<int64_t>(blockDim.x) * gridDim.x) {
        const float v = x[i];
        if constexpr (K == ReLU || K == LeakyReLU)
            y[i] = v > 0 ? v : alpha * v;
        else if constexpr (K == Sigmoid)
            y[i] = 1.f / (1.f + expf(-v));
        else
            y[i] = tanhf(v);
    }
}

template <int K>
__global__ void backwardKernel(float alpha, const float *y, const float *dy, float *dx, int64_t n)
{
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<int64_t>(blockDim.x) * gridDim.x) {
        const float v = y[i];
        float d;
        if constexpr (K == ReLU || K == LeakyReLU)
            d = v > 0 ? 1.f : alpha;
        else if constexpr (K == Sigmoid)
            d = v * (1.f - v);
        else
            d = 1.f - v * v;
        dx[i] = dy[i] * d;
    }
}

} // namespace

void activationForward(int kind, float alpha, const float *x, float *y, int64_t n,
                       cudaStream_t stream)
{
    if (n <= 0)
        return;
    switch (kind) {
    case ReLU:
    case LeakyReLU:
        forwardKernel<ReLU><<<blocksFor(n), kThreads, 0, stream>>>(alpha, x, y, n);
        break;
    case Sigmoid:
        forwardKernel<Sigmoid><<<blocksFor(n), kThreads, 0, stream>>>(alpha, x, y, n);
        break;
    default:
        forwardKernel<Tanh><<<blocksFor(n), kThreads, 0, stream>>>(alpha, x, y, n);
        break;
    }
}

void activationBackward(int kind, float alpha, const float *y, const float *dy, float *dx,
                        int64_t n, cudaStream_t stream)
{
    if (n <= 0)
        return;
    switch (kind) {
    case ReLU:
    case LeakyReLU:
        backwardKernel<ReLU><<<blocksFor(n), kThreads, 0, stream>>>(alpha, y, dy, dx, n);
        break;
    case Sigmoid:
        backwardKernel<Sigmoid><<<blocksFor(n), kThreads, 0, stream>>>(alpha, y, dy, dx, n);
        break;
    default:
        backwardKernel<Tanh><<<blocksFor(n), kThreads, 0, stream>>>(alpha, y, dy, dx, n);
        break;
    }
}

} // namespace strata::internal::cuda
