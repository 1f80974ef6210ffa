#pragma once
// The element-wise activations on the GPU (activation_cuda.cu). kind is ActivationKind's
// value; alpha and beta are ActivationFunction's constants.

#include <cuda_runtime.h>

#include <cstdint>

namespace strata::internal::cuda {

void activationForward(int kind, float alpha, float beta, const float *x, float *y, int64_t n,
                       cudaStream_t stream);
// dx = dy · f'(x), with f' written in terms of the output y where it can be (as the reference
// does) and of the input x otherwise (SiLU, Hardswish, Softplus).
void activationBackward(int kind, float alpha, float beta, const float *x, const float *y,
                        const float *dy, float *dx, int64_t n, cudaStream_t stream);

} // namespace strata::internal::cuda
