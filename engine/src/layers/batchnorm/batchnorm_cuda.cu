// BatchNorm's evaluation-mode backward: one block per channel sums dy and dy·x̂ (in double,
// like the reference) and writes dx = γ / sqrt(var + ε) · dy.

#include "layers/batchnorm/batchnorm_cuda.h"

namespace strata::internal::cuda {

namespace {

constexpr int kThreads = 256;

__global__ void evalBackwardKernel(const float *x, const float *dy, float *dx, const float *gamma,
                                   const float *mean, const float *var, float eps, float *dGamma,
                                   float *dBeta, int64_t n, int64_t c, int64_t s)
{
    const int64_t ch = blockIdx.x;
    const double invStd = 1.0 / sqrt(static_cast<double>(var[ch]) + eps);
    const double mu = mean[ch];
    const float scale = static_cast<float>(gamma[ch] * invStd);
    double sumDy = 0, sumDyXhat = 0;
    for (int64_t j = threadIdx.x; j < n * s; j += blockDim.x) {
        const int64_t i = (j / s * c + ch) * s + j % s;
        sumDy += dy[i];
        sumDyXhat += dy[i] * (x[i] - mu) * invStd;
        if (dx)
            dx[i] = scale * dy[i];
    }
    __shared__ double a[kThreads], b[kThreads];
    a[threadIdx.x] = sumDy;
    b[threadIdx.x] = sumDyXhat;
    __syncthreads();
    for (int half = kThreads / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) {
            a[threadIdx.x] += a[threadIdx.x + half];
            b[threadIdx.x] += b[threadIdx.x + half];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        dBeta[ch] = static_cast<float>(a[0]);
        dGamma[ch] = static_cast<float>(b[0]);
    }
}

} // namespace

void batchNormEvalBackward(const float *x, const float *dy, float *dx, const float *gamma,
                           const float *runningMean, const float *runningVar, float epsilon,
                           float *dGamma, float *dBeta, int64_t n, int64_t c, int64_t s,
                           cudaStream_t stream)
{
    if (c > 0)
        evalBackwardKernel<<<static_cast<unsigned>(c), kThreads, 0, stream>>>(
            x, dy, dx, gamma, runningMean, runningVar, epsilon, dGamma, dBeta, n, c, s);
}

} // namespace strata::internal::cuda
