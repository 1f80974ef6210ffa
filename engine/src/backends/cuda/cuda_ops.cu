// The CUDA backend's element-wise kernels. Each mirrors the host loop it replaces
// (host_updates.cpp, host_loss.cpp) operation for operation, so results differ from the CPU
// only by rounding (the GPU fuses multiply-adds).

#include "backends/cuda/cuda_ops.h"

#include <cfloat>
#include <cstdint>

namespace strata::internal::cuda {

namespace {

constexpr int kThreads = 256;

// Enough blocks to cover n with grid-stride loops, capped so huge tensors reuse threads.
unsigned blocksFor(int64_t n)
{
    const int64_t blocks = (n + kThreads - 1) / kThreads;
    return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > 4096 ? 4096 : blocks));
}

#define STRATA_GRID_LOOP(i, n)                                                                     \
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < (n);         \
         i += static_cast<int64_t>(blockDim.x) * gridDim.x)

__global__ void accumulateKernel(float *dst, const float *src, int64_t n)
{
    STRATA_GRID_LOOP(i, n)
    dst[i] += src[i];
}

__global__ void sgdPlainKernel(float *w, const float *g, int64_t n, float lr, float wd)
{
    STRATA_GRID_LOOP(i, n)
    w[i] -= lr * (g[i] + wd * w[i]);
}

__global__ void sgdMomentumKernel(float *w, const float *g, float *velocity, int64_t n, float lr,
                                  float mu, float wd, bool nesterov)
{
    STRATA_GRID_LOOP(i, n)
    {
        const float d = g[i] + wd * w[i];
        const float buf = mu * velocity[i] + d;
        velocity[i] = buf;
        w[i] -= lr * (nesterov ? d + mu * buf : buf);
    }
}

__global__ void adamKernel(float *w, const float *g, float *m, float *v, int64_t n, float stepSize,
                           float sqrtCorrection2, float b1, float b2, float eps, float shrink,
                           float l2)
{
    STRATA_GRID_LOOP(i, n)
    {
        const float wi = w[i] * shrink;
        const float gi = g[i] + l2 * wi;
        const float mi = m[i] + (1.0f - b1) * (gi - m[i]);
        const float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] = wi - stepSize * (mi / (sqrtf(vi) / sqrtCorrection2 + eps));
    }
}

__global__ void rmspropKernel(float *w, const float *g, float *square, float *mom, int64_t n,
                              float lr, float rho, float eps, float mu, float wd)
{
    STRATA_GRID_LOOP(i, n)
    {
        const float gi = g[i] + wd * w[i];
        const float sq = rho * square[i] + (1.0f - rho) * gi * gi;
        square[i] = sq;
        const float d = gi / (sqrtf(sq) + eps);
        if (mom) {
            const float buf = mu * mom[i] + d;
            mom[i] = buf;
            w[i] -= lr * buf;
        } else {
            w[i] -= lr * d;
        }
    }
}

__global__ void nonFiniteKernel(const float *x, int64_t n, int *flag)
{
    bool bad = false;
    STRATA_GRID_LOOP(i, n)
    bad = bad || !isfinite(x[i]);
    if (bad)
        *flag = 1;
}

// Single-output models take the label itself as the target; wider ones its one-hot encoding.
__device__ float target(int label, int64_t c, int64_t k)
{
    return k == 1 ? static_cast<float>(label) : (c == label ? 1.0f : 0.0f);
}

// One thread per sample row; the row sums run in double like the host's.
__global__ void lossKernel(LossOp op, bool fused, const float *output, const float *labels,
                           float *grad, int64_t n, int64_t k, LossAccumulator *totals)
{
    const int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
    if (i >= n)
        return;
    const float *row = output + i * k;
    float *grow = grad ? grad + i * k : nullptr;
    int label = static_cast<int>(labels[i]);
    double rowLoss = 0;
    int predicted = 0;
    switch (op) {
    case LossOp::CrossEntropy: {
        const int safe = label < 0 ? 0 : (label >= k ? static_cast<int>(k - 1) : label);
        float best = row[0];
        for (int64_t c = 1; c < k; ++c)
            if (row[c] > best) {
                best = row[c];
                predicted = static_cast<int>(c);
            }
        if (fused) {
            rowLoss = -log(fmax(static_cast<double>(row[safe]), 1e-12));
            if (grow)
                for (int64_t c = 0; c < k; ++c)
                    grow[c] = (row[c] - (c == label ? 1.0f : 0.0f)) / static_cast<float>(n);
        } else {
            const float mx = best;
            double sum = 0;
            for (int64_t c = 0; c < k; ++c)
                sum += exp(static_cast<double>(row[c] - mx));
            rowLoss = -(static_cast<double>(row[safe] - mx) - log(sum));
            if (grow)
                for (int64_t c = 0; c < k; ++c) {
                    const float p = static_cast<float>(exp(static_cast<double>(row[c] - mx)) / sum);
                    grow[c] = (p - (c == label ? 1.0f : 0.0f)) / static_cast<float>(n);
                }
        }
        break;
    }
    case LossOp::BinaryCrossEntropy: {
        double sum = 0;
        float best = -FLT_MAX;
        float first = 0;
        for (int64_t c = 0; c < k; ++c) {
            const float t = target(label, c, k);
            const float z = row[c];
            const float pc = fused ? z : 1.0f / (1.0f + expf(-z));
            if (fused) {
                const float eps = 1e-7f;
                const float pcl = fminf(fmaxf(pc, eps), 1.0f - eps);
                sum += -(t * logf(pcl) + (1 - t) * logf(1 - pcl));
            } else {
                sum += log1pf(expf(-fabsf(z))) + fmaxf(z, 0.0f) - z * t;
            }
            if (grow)
                grow[c] = (pc - t) / static_cast<float>(n * k);
            if (c == 0)
                first = pc;
            if (c == 0 || pc > best) {
                best = pc;
                predicted = static_cast<int>(c);
            }
        }
        if (k == 1)
            predicted = first > 0.5f ? 1 : 0;
        rowLoss = sum / static_cast<double>(k);
        break;
    }
    case LossOp::MeanSquaredError: {
        double sum = 0;
        float best = row[0];
        for (int64_t c = 0; c < k; ++c) {
            const float d = row[c] - target(label, c, k);
            sum += static_cast<double>(d) * d;
            if (grow)
                grow[c] = 2.0f * d / static_cast<float>(n * k);
            if (row[c] > best) {
                best = row[c];
                predicted = static_cast<int>(c);
            }
        }
        if (k == 1)
            predicted = row[0] > 0.5f ? 1 : 0;
        rowLoss = sum / static_cast<double>(k);
        break;
    }
    }
    atomicAdd(&totals->lossSum, rowLoss);
    if (predicted == label)
        atomicAdd(&totals->correct, 1ull);
}

} // namespace

void accumulate(float *dst, const float *src, int64_t n, cudaStream_t stream)
{
    if (n > 0)
        accumulateKernel<<<blocksFor(n), kThreads, 0, stream>>>(dst, src, n);
}

void sgdUpdate(float *w, const float *g, float *velocity, int64_t n, float lr, float momentum,
               float weightDecay, bool nesterov, cudaStream_t stream)
{
    if (n <= 0)
        return;
    if (momentum == 0.0f)
        sgdPlainKernel<<<blocksFor(n), kThreads, 0, stream>>>(w, g, n, lr, weightDecay);
    else
        sgdMomentumKernel<<<blocksFor(n), kThreads, 0, stream>>>(w, g, velocity, n, lr, momentum,
                                                                 weightDecay, nesterov);
}

void adamUpdate(float *w, const float *g, float *m, float *v, int64_t n, float stepSize,
                float sqrtCorrection2, float beta1, float beta2, float eps, float shrink, float l2,
                cudaStream_t stream)
{
    if (n > 0)
        adamKernel<<<blocksFor(n), kThreads, 0, stream>>>(w, g, m, v, n, stepSize, sqrtCorrection2,
                                                          beta1, beta2, eps, shrink, l2);
}

void rmspropUpdate(float *w, const float *g, float *square, float *mom, int64_t n, float lr,
                   float rho, float eps, float momentum, float weightDecay, cudaStream_t stream)
{
    if (n > 0)
        rmspropKernel<<<blocksFor(n), kThreads, 0, stream>>>(
            w, g, square, momentum == 0.0f ? nullptr : mom, n, lr, rho, eps, momentum, weightDecay);
}

void flagNonFinite(const float *x, int64_t n, int *flag, cudaStream_t stream)
{
    if (n > 0)
        nonFiniteKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, n, flag);
}

void loss(LossOp op, bool fused, const float *output, const float *labels, float *grad, int64_t n,
          int64_t k, LossAccumulator *totals, cudaStream_t stream)
{
    if (n <= 0)
        return;
    const unsigned blocks = static_cast<unsigned>((n + 127) / 128);
    lossKernel<<<blocks, 128, 0, stream>>>(op, fused, output, labels, grad, n, k, totals);
}

} // namespace strata::internal::cuda
