#pragma once
// Upsample on the GPU (upsample_cuda.cu): one thread per value written, gathering, so
// results are deterministic without atomics.

#include <cuda_runtime.h>

#include <cstdint>

namespace strata::internal::cuda {

// planes = N·C; each plane inH×inW grows to (inH·scaleH)×(inW·scaleW).
struct UpsampleGeometry
{
    int64_t planes;
    int inH, inW, scaleH, scaleW;
    bool bilinear;
};

void upsampleForward(const float *x, float *y, UpsampleGeometry g, cudaStream_t stream);
void upsampleBackward(const float *dy, float *dx, UpsampleGeometry g, cudaStream_t stream);

} // namespace strata::internal::cuda
