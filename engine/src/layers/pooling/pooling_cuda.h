#pragma once
// Pooling on the GPU (pooling_cuda.cu). Windows follow window.h's WindowAxis geometry,
// including Keras' "same" padding with the odd pixel after, explicit pads and ceil mode;
// averages leave padding out, or with countPad count the declared pads (not the overhang).

#include <cuda_runtime.h>

#include <cstdint>

namespace strata::internal::cuda {

// The geometry of one axis, as plain numbers for the device.
struct PoolAxis
{
    int in, kernel, stride, padBefore, padAfter, out; // padAfter: declared, overhang excluded
};

// planes = N·C. Max pooling also writes each output's argmax (index within its plane), which
// its backward reads.
void maxPoolForward(const float *x, float *y, int *argmax, int64_t planes, PoolAxis rows,
                    PoolAxis cols, cudaStream_t stream);
void maxPoolBackward(const float *dy, const int *argmax, float *dx, int64_t planes, PoolAxis rows,
                     PoolAxis cols, cudaStream_t stream);
void avgPoolForward(const float *x, float *y, int64_t planes, PoolAxis rows, PoolAxis cols,
                    bool countPad, cudaStream_t stream);
void avgPoolBackward(const float *dy, float *dx, int64_t planes, PoolAxis rows, PoolAxis cols,
                     bool countPad, cudaStream_t stream);
// Averages each plane of `pixels` values.
void globalAvgPoolForward(const float *x, float *y, int64_t planes, int64_t pixels,
                          cudaStream_t stream);
void globalAvgPoolBackward(const float *dy, float *dx, int64_t planes, int64_t pixels,
                           cudaStream_t stream);

} // namespace strata::internal::cuda
