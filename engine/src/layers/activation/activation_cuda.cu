// The element-wise activations as CUDA kernels: the reference's formulas, element for element
// (cuDNN's activation descriptors have no LeakyReLU, hard swish or hard sigmoid, and these are
// memory-bound).

#include "layers/activation/activation_cuda.h"

namespace strata::internal::cuda {

namespace {

// ActivationKind's values (activation.h, which the CUDA compiler does not read).
enum Kind {
    ReLU = 0,
    LeakyReLU = 1,
    Sigmoid = 2,
    Tanh = 3,
    Clip = 4,
    ELU = 5,
    SiLU = 6,
    Hardswish = 7,
    Hardsigmoid = 8,
    Softplus = 9,
};

constexpr int kThreads = 256;
constexpr float kSoftplusThreshold = 20.f; // PyTorch's; activation.h's

unsigned blocksFor(int64_t n)
{
    const int64_t blocks = (n + kThreads - 1) / kThreads;
    return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > 4096 ? 4096 : blocks));
}

__device__ float sigmoidOf(float v)
{
    return 1.f / (1.f + expf(-v));
}

template <int K> __device__ float apply(float alpha, float beta, float v)
{
    if constexpr (K == ReLU || K == LeakyReLU)
        return v > 0 ? v : alpha * v;
    else if constexpr (K == Sigmoid)
        return sigmoidOf(v);
    else if constexpr (K == Tanh)
        return tanhf(v);
    else if constexpr (K == Clip)
        return fminf(fmaxf(v, alpha), beta);
    else if constexpr (K == ELU)
        return v > 0 ? v : alpha * expm1f(v);
    else if constexpr (K == SiLU)
        return v * sigmoidOf(v);
    else if constexpr (K == Hardswish)
        return v * fminf(fmaxf(v + 3.f, 0.f), 6.f) / 6.f;
    else if constexpr (K == Hardsigmoid)
        return fminf(fmaxf(v / 6.f + 0.5f, 0.f), 1.f);
    else
        return v > kSoftplusThreshold ? v : log1pf(expf(v));
}

// f' from the input x and the output y (each kind reads the one the reference reads).
template <int K> __device__ float slope(float alpha, float beta, float x, float y)
{
    if constexpr (K == ReLU || K == LeakyReLU)
        return y > 0 ? 1.f : alpha;
    else if constexpr (K == Sigmoid)
        return y * (1.f - y);
    else if constexpr (K == Tanh)
        return 1.f - y * y;
    else if constexpr (K == Clip)
        return y > alpha && y < beta ? 1.f : 0.f;
    else if constexpr (K == ELU)
        return y > 0 ? 1.f : y + alpha;
    else if constexpr (K == SiLU) {
        const float s = sigmoidOf(x);
        return s * (1.f + x * (1.f - s));
    } else if constexpr (K == Hardswish)
        return x < -3.f ? 0.f : (x > 3.f ? 1.f : (2.f * x + 3.f) / 6.f);
    else if constexpr (K == Hardsigmoid)
        return y > 0.f && y < 1.f ? 1.f / 6.f : 0.f;
    else
        return x > kSoftplusThreshold ? 1.f : sigmoidOf(x);
}

template <int K>
__global__ void forwardKernel(float alpha, float beta, const float *x, float *y, int64_t n)
{
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<int64_t>(blockDim.x) * gridDim.x)
        y[i] = apply<K>(alpha, beta, x[i]);
}

template <int K>
__global__ void backwardKernel(float alpha, float beta, const float *x, const float *y,
                               const float *dy, float *dx, int64_t n)
{
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<int64_t>(blockDim.x) * gridDim.x)
        dx[i] = dy[i] * slope<K>(alpha, beta, x[i], y[i]);
}

template <int K>
void launchForward(float alpha, float beta, const float *x, float *y, int64_t n,
                   cudaStream_t stream)
{
    forwardKernel<K><<<blocksFor(n), kThreads, 0, stream>>>(alpha, beta, x, y, n);
}

template <int K>
void launchBackward(float alpha, float beta, const float *x, const float *y, const float *dy,
                    float *dx, int64_t n, cudaStream_t stream)
{
    backwardKernel<K><<<blocksFor(n), kThreads, 0, stream>>>(alpha, beta, x, y, dy, dx, n);
}

// The launcher of each kind (LeakyReLU is ReLU with a slope).
using Forward = void (*)(float, float, const float *, float *, int64_t, cudaStream_t);
using Backward = void (*)(float, float, const float *, const float *, const float *, float *,
                          int64_t, cudaStream_t);
constexpr Forward kForward[] = {
    launchForward<ReLU>,     launchForward<ReLU>,      launchForward<Sigmoid>,
    launchForward<Tanh>,     launchForward<Clip>,      launchForward<ELU>,
    launchForward<SiLU>,     launchForward<Hardswish>, launchForward<Hardsigmoid>,
    launchForward<Softplus>,
};
constexpr Backward kBackward[] = {
    launchBackward<ReLU>,     launchBackward<ReLU>,      launchBackward<Sigmoid>,
    launchBackward<Tanh>,     launchBackward<Clip>,      launchBackward<ELU>,
    launchBackward<SiLU>,     launchBackward<Hardswish>, launchBackward<Hardsigmoid>,
    launchBackward<Softplus>,
};
constexpr int kKinds = static_cast<int>(sizeof(kForward) / sizeof(kForward[0]));
static_assert(kKinds == Softplus + 1 &&
              static_cast<int>(sizeof(kBackward) / sizeof(kBackward[0])) == kKinds);

} // namespace

void activationForward(int kind, float alpha, float beta, const float *x, float *y, int64_t n,
                       cudaStream_t stream)
{
    if (n <= 0 || kind < 0 || kind >= kKinds)
        return;
    kForward[kind](alpha, beta, x, y, n, stream);
}

void activationBackward(int kind, float alpha, float beta, const float *x, const float *y,
                        const float *dy, float *dx, int64_t n, cudaStream_t stream)
{
    if (n <= 0 || kind < 0 || kind >= kKinds)
        return;
    kBackward[kind](alpha, beta, x, y, dy, dx, n, stream);
}

} // namespace strata::internal::cuda
