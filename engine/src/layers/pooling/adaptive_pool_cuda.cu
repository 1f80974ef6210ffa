// AdaptiveAvgPool2D as CUDA kernels: one thread per output forward; backward gathers, each
// input pixel summing the shares of the windows covering it (one or two per axis), so it is
// deterministic without atomics.

#include "layers/pooling/adaptive_pool_cuda.h"

namespace strata::internal::cuda {

namespace {

constexpr int kThreads = 256;

unsigned blocksFor(int64_t n)
{
    const int64_t blocks = (n + kThreads - 1) / kThreads;
    return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > 65535 ? 65535 : blocks));
}

__device__ int windowBegin(int i, int in, int out)
{
    return i * in / out;
}
__device__ int windowEnd(int i, int in, int out)
{
    return ((i + 1) * in + out - 1) / out;
}

#define STRATA_GRID_LOOP(i, n)                                                                     \
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < (n);         \
         i += static_cast<int64_t>(blockDim.x) * gridDim.x)

__global__ void adaptiveForwardKernel(const float *x, float *y, int64_t planes, AdaptiveDims d)
{
    const int64_t perPlane = static_cast<int64_t>(d.rowsOut) * d.colsOut;
    STRATA_GRID_LOOP(o, planes * perPlane)
    {
        const int64_t plane = o / perPlane;
        const int oy = static_cast<int>(o % perPlane / d.colsOut);
        const int ox = static_cast<int>(o % d.colsOut);
        const int r0 = windowBegin(oy, d.rowsIn, d.rowsOut),
                  r1 = windowEnd(oy, d.rowsIn, d.rowsOut);
        const int c0 = windowBegin(ox, d.colsIn, d.colsOut),
                  c1 = windowEnd(ox, d.colsIn, d.colsOut);
        const float *p = x + plane * d.rowsIn * d.colsIn;
        double sum = 0;
        for (int iy = r0; iy < r1; ++iy)
            for (int ix = c0; ix < c1; ++ix)
                sum += p[iy * d.colsIn + ix];
        y[o] = static_cast<float>(sum / (static_cast<double>(r1 - r0) * (c1 - c0)));
    }
}

__global__ void adaptiveBackwardKernel(const float *dy, float *dx, int64_t planes, AdaptiveDims d)
{
    const int64_t perPlane = static_cast<int64_t>(d.rowsIn) * d.colsIn;
    const int64_t outPerPlane = static_cast<int64_t>(d.rowsOut) * d.colsOut;
    STRATA_GRID_LOOP(i, planes * perPlane)
    {
        const int64_t plane = i / perPlane;
        const int iy = static_cast<int>(i % perPlane / d.colsIn);
        const int ix = static_cast<int>(i % d.colsIn);
        // The windows covering a pixel p along an axis: floor(p·out/in) up to
        // ceil((p+1)·out/in), excluded.
        const int oy0 = iy * d.rowsOut / d.rowsIn;
        const int oy1 = ((iy + 1) * d.rowsOut + d.rowsIn - 1) / d.rowsIn;
        const int ox0 = ix * d.colsOut / d.colsIn;
        const int ox1 = ((ix + 1) * d.colsOut + d.colsIn - 1) / d.colsIn;
        float sum = 0;
        for (int oy = oy0; oy < oy1; ++oy) {
            const int rows =
                windowEnd(oy, d.rowsIn, d.rowsOut) - windowBegin(oy, d.rowsIn, d.rowsOut);
            for (int ox = ox0; ox < ox1; ++ox) {
                const int cols =
                    windowEnd(ox, d.colsIn, d.colsOut) - windowBegin(ox, d.colsIn, d.colsOut);
                sum += dy[plane * outPerPlane + oy * d.colsOut + ox] / float(rows * cols);
            }
        }
        dx[i] = sum;
    }
}

} // namespace

void adaptiveAvgPoolForward(const float *x, float *y, int64_t planes, AdaptiveDims d,
                            cudaStream_t stream)
{
    const int64_t n = planes * d.rowsOut * d.colsOut;
    if (n > 0)
        adaptiveForwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, y, planes, d);
}

void adaptiveAvgPoolBackward(const float *dy, float *dx, int64_t planes, AdaptiveDims d,
                             cudaStream_t stream)
{
    const int64_t n = planes * d.rowsIn * d.colsIn;
    if (n > 0)
        adaptiveBackwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(dy, dx, planes, d);
}

} // namespace strata::internal::cuda
