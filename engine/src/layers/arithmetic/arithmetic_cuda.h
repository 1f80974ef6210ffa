#pragma once
// Multiply and Subtract on the GPU (arithmetic_cuda.cu), over the {outer, inner} view of
// ArithmeticLayout: an input with perChannel set holds `outer` values broadcast over inner.

#include <cuda_runtime.h>

#include <cstdint>

namespace strata::internal::cuda {

struct ArithmeticShape
{
    int64_t outer, inner;
    bool perChannel0, perChannel1;
    bool multiply; // else subtract (in0 − in1)
};

void arithmeticForward(const float *a, const float *b, float *y, ArithmeticShape s,
                       cudaStream_t stream);
// Writes the gradient of input `port` (0 or 1); `other` is the other input.
void arithmeticBackward(const float *dy, const float *other, float *g, int port, ArithmeticShape s,
                        cudaStream_t stream);

} // namespace strata::internal::cuda
