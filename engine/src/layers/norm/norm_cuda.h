#pragma once
// LayerNorm's and GroupNorm's GPU passes (norm_cuda.cu) over a NormLayout, given as plain
// numbers so that the .cu file needs no engine header. mean and invStd hold one value per
// row of the batch (batch · rows); backward recomputes them, so it needs no forward first.

#include <cuda_runtime.h>

#include <cstdint>

namespace strata::internal::cuda {

struct NormDims
{
    int64_t batch, size, rows, rowDiv, affineDiv;
    float epsilon;
};

void normForward(const NormDims &d, const float *x, float *y, const float *gamma, const float *beta,
                 cudaStream_t stream);
// dx may be null (a norm fed by the Input); mean and invStd are scratch of batch · rows.
void normBackward(const NormDims &d, const float *x, const float *dy, float *dx, const float *gamma,
                  float *dGamma, float *dBeta, float *mean, float *invStd, cudaStream_t stream);

} // namespace strata::internal::cuda
