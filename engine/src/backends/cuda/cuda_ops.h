#pragma once
// The CUDA backend's own device kernels (cuda_ops.cu): element-wise updates, the optimizer
// rules, the finiteness check and the losses. Plain launch functions, so host code compiled by
// the C++ compiler calls them; every one enqueues on `stream` and returns at once. Launch
// errors surface through checkLaunch.

#include <cuda_runtime.h>

#include <cstdint>

namespace strata::internal::cuda {

// dst[i] += src[i].
void accumulate(float *dst, const float *src, int64_t n, cudaStream_t stream);

// The rules of host_updates.h, element for element (see there for the formulas).
void sgdUpdate(float *w, const float *g, float *velocity, int64_t n, float lr, float momentum,
               float weightDecay, bool nesterov, cudaStream_t stream);
// stepSize = lr / (1 - b1^t), sqrtCorrection2 = sqrt(1 - b2^t), computed on the host in double
// as PyTorch does; shrink = 1 - lr wd for AdamW (else 1); l2 = wd for Adam (else 0).
void adamUpdate(float *w, const float *g, float *m, float *v, int64_t n, float stepSize,
                float sqrtCorrection2, float beta1, float beta2, float eps, float shrink, float l2,
                cudaStream_t stream);
void rmspropUpdate(float *w, const float *g, float *square, float *mom, int64_t n, float lr,
                   float rho, float eps, float momentum, float weightDecay, cudaStream_t stream);

// Sets *flag to 1 when any of the n values is NaN or infinite (leaves it alone otherwise).
void flagNonFinite(const float *x, int64_t n, int *flag, cudaStream_t stream);

// Device-side running totals of a loss.
struct LossAccumulator
{
    double lossSum;
    unsigned long long correct;
};

enum class LossOp { CrossEntropy, BinaryCrossEntropy, MeanSquaredError };

// The losses of host_loss.cpp, row for row: output {n, k}, labels {n} (class indices as
// floats); writes the gradient of the batch-mean loss into grad when not null and adds the
// loss sum and the correct count to *totals.
void loss(LossOp op, bool fused, const float *output, const float *labels, float *grad, int64_t n,
          int64_t k, LossAccumulator *totals, cudaStream_t stream);

} // namespace strata::internal::cuda
