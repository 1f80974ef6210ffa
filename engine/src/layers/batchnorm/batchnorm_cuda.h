#pragma once
// The one BatchNorm pass cuDNN has no call for (batchnorm_cuda.cu): backward in evaluation
// mode, where the running statistics are constants. x, dy, dx are {N, C, S}; dx may be null.

#include <cuda_runtime.h>

#include <cstdint>

namespace strata::internal::cuda {

void batchNormEvalBackward(const float *x, const float *dy, float *dx, const float *gamma,
                           const float *runningMean, const float *runningVar, float epsilon,
                           float *dGamma, float *dBeta, int64_t n, int64_t c, int64_t s,
                           cudaStream_t stream);

} // namespace strata::internal::cuda
