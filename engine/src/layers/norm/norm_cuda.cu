// LayerNorm and GroupNorm on the GPU. One block per row of the batch computes the row's mean
// and variance (two passes, summed in double like the reference) and writes y, or dx; one
// block per affine index sums gamma's and beta's gradients over the batch.

#include "layers/norm/norm_cuda.h"

namespace strata::internal::cuda {

namespace {

constexpr int kThreads = 256;

__device__ int64_t rowOf(const NormDims &d, int64_t p)
{
    return (p / d.rowDiv) % d.rows;
}

__device__ int64_t position(const NormDims &d, int64_t r, int64_t k)
{
    return ((k / d.rowDiv) * d.rows + r) * d.rowDiv + k % d.rowDiv;
}

// The sum of v over the block, in every thread.
__device__ double blockSum(double v, double *shared)
{
    shared[threadIdx.x] = v;
    __syncthreads();
    for (int half = kThreads / 2; half > 0; half /= 2) {
        if (threadIdx.x < half)
            shared[threadIdx.x] += shared[threadIdx.x + half];
        __syncthreads();
    }
    const double total = shared[0];
    __syncthreads();
    return total;
}

// Mean and 1/sqrt(var + ε) of row r of the sample xs.
__device__ void rowStats(const NormDims &d, const float *xs, int64_t r, double *shared,
                         double &mean, double &invStd)
{
    const int64_t count = d.size / d.rows;
    double sum = 0;
    for (int64_t k = threadIdx.x; k < count; k += blockDim.x)
        sum += xs[position(d, r, k)];
    mean = blockSum(sum, shared) / static_cast<double>(count);
    double sq = 0;
    for (int64_t k = threadIdx.x; k < count; k += blockDim.x) {
        const double v = xs[position(d, r, k)] - mean;
        sq += v * v;
    }
    invStd = rsqrt(blockSum(sq, shared) / static_cast<double>(count) + d.epsilon);
}

__global__ void forwardKernel(NormDims d, const float *x, float *y, const float *gamma,
                              const float *beta)
{
    __shared__ double shared[kThreads];
    const int64_t n = blockIdx.x / d.rows, r = blockIdx.x % d.rows;
    const float *xs = x + n * d.size;
    double mean, invStd;
    rowStats(d, xs, r, shared, mean, invStd);
    const int64_t count = d.size / d.rows;
    for (int64_t k = threadIdx.x; k < count; k += blockDim.x) {
        const int64_t p = position(d, r, k), a = p / d.affineDiv;
        y[n * d.size + p] = static_cast<float>(gamma[a] * ((xs[p] - mean) * invStd)) + beta[a];
    }
}

__global__ void backwardRowsKernel(NormDims d, const float *x, const float *dy, float *dx,
                                   const float *gamma, float *meanOut, float *invStdOut)
{
    __shared__ double shared[kThreads];
    const int64_t n = blockIdx.x / d.rows, r = blockIdx.x % d.rows;
    const float *xs = x + n * d.size, *dys = dy + n * d.size;
    double mean, invStd;
    rowStats(d, xs, r, shared, mean, invStd);
    if (threadIdx.x == 0) {
        meanOut[blockIdx.x] = static_cast<float>(mean);
        invStdOut[blockIdx.x] = static_cast<float>(invStd);
    }
    if (!dx)
        return;
    const int64_t count = d.size / d.rows;
    double g = 0, gx = 0; // dL/dx̂ = dy·γ summed, and against x̂
    for (int64_t k = threadIdx.x; k < count; k += blockDim.x) {
        const int64_t p = position(d, r, k);
        const double gp = static_cast<double>(dys[p]) * gamma[p / d.affineDiv];
        g += gp;
        gx += gp * (xs[p] - mean) * invStd;
    }
    const double sumG = blockSum(g, shared), sumGXhat = blockSum(gx, shared);
    const double m = static_cast<double>(count);
    for (int64_t k = threadIdx.x; k < count; k += blockDim.x) {
        const int64_t p = position(d, r, k);
        const double gp = static_cast<double>(dys[p]) * gamma[p / d.affineDiv];
        const double xhat = (xs[p] - mean) * invStd;
        dx[n * d.size + p] = static_cast<float>(invStd / m * (m * gp - sumG - xhat * sumGXhat));
    }
}

__global__ void backwardAffineKernel(NormDims d, const float *x, const float *dy, const float *mean,
                                     const float *invStd, float *dGamma, float *dBeta)
{
    __shared__ double shared[kThreads];
    const int64_t a = blockIdx.x, per = d.batch * d.affineDiv;
    double sumDy = 0, sumDyXhat = 0;
    for (int64_t t = threadIdx.x; t < per; t += blockDim.x) {
        const int64_t n = t / d.affineDiv, p = a * d.affineDiv + t % d.affineDiv;
        const int64_t i = n * d.size + p, nr = n * d.rows + rowOf(d, p);
        sumDy += dy[i];
        sumDyXhat += static_cast<double>(dy[i]) * (x[i] - mean[nr]) * invStd[nr];
    }
    const double totalDy = blockSum(sumDy, shared), totalDyXhat = blockSum(sumDyXhat, shared);
    if (threadIdx.x == 0) {
        dBeta[a] = static_cast<float>(totalDy);
        dGamma[a] = static_cast<float>(totalDyXhat);
    }
}

} // namespace

void normForward(const NormDims &d, const float *x, float *y, const float *gamma, const float *beta,
                 cudaStream_t stream)
{
    if (d.batch * d.rows > 0)
        forwardKernel<<<static_cast<unsigned>(d.batch * d.rows), kThreads, 0, stream>>>(
            d, x, y, gamma, beta);
}

void normBackward(const NormDims &d, const float *x, const float *dy, float *dx, const float *gamma,
                  float *dGamma, float *dBeta, float *mean, float *invStd, cudaStream_t stream)
{
    if (d.batch * d.rows == 0)
        return;
    backwardRowsKernel<<<static_cast<unsigned>(d.batch * d.rows), kThreads, 0, stream>>>(
        d, x, dy, dx, gamma, mean, invStd);
    backwardAffineKernel<<<static_cast<unsigned>(d.size / d.affineDiv), kThreads, 0, stream>>>(
        d, x, dy, mean, invStd, dGamma, dBeta);
}

} // namespace strata::internal::cuda
