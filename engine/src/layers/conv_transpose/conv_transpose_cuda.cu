// ConvTranspose2D as CUDA kernels. Output pixel o of an axis receives tap t of input pixel
// i when i·stride + t − crop = o. Each kernel gathers what one value it writes receives, in
// a fixed order, so results are deterministic without atomics.

#include "layers/conv_transpose/conv_transpose_cuda.h"

namespace strata::internal::cuda {

namespace {

constexpr int kThreads = 256;

unsigned blocksFor(int64_t n)
{
    const int64_t blocks = (n + kThreads - 1) / kThreads;
    return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > 65535 ? 65535 : blocks));
}

#define STRATA_GRID_LOOP(i, n)                                                                     \
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < (n);         \
         i += static_cast<int64_t>(blockDim.x) * gridDim.x)

__global__ void forwardKernel(const float *x, const float *w, const float *bias, float *y,
                              TransposedGeometry g)
{
    const int64_t plane = static_cast<int64_t>(g.outH) * g.outW;
    STRATA_GRID_LOOP(o, static_cast<int64_t>(g.batch) * g.filters * plane)
    {
        const int64_t n = o / (g.filters * plane);
        const int f = static_cast<int>(o / plane % g.filters);
        const int oy = static_cast<int>(o % plane / g.outW), ox = static_cast<int>(o % g.outW);
        float acc = bias ? bias[f] : 0.0f;
        for (int ky = 0; ky < g.kernel; ++ky) {
            const int ty = oy + g.cropTop - ky; // = iy · stride
            if (ty < 0 || ty % g.strideH != 0 || ty / g.strideH >= g.inH)
                continue;
            const int iy = ty / g.strideH;
            for (int kx = 0; kx < g.kernel; ++kx) {
                const int tx = ox + g.cropLeft - kx;
                if (tx < 0 || tx % g.strideW != 0 || tx / g.strideW >= g.inW)
                    continue;
                const int ix = tx / g.strideW;
                for (int c = 0; c < g.channels; ++c)
                    acc +=
                        x[((n * g.channels + c) * g.inH + iy) * g.inW + ix] *
                        w[((static_cast<int64_t>(c) * g.filters + f) * g.kernel + ky) * g.kernel +
                          kx];
            }
        }
        y[o] = acc;
    }
}

__global__ void backwardDataKernel(const float *dy, const float *w, float *dx, TransposedGeometry g)
{
    const int64_t plane = static_cast<int64_t>(g.inH) * g.inW;
    STRATA_GRID_LOOP(i, static_cast<int64_t>(g.batch) * g.channels * plane)
    {
        const int64_t n = i / (g.channels * plane);
        const int c = static_cast<int>(i / plane % g.channels);
        const int iy = static_cast<int>(i % plane / g.inW), ix = static_cast<int>(i % g.inW);
        float acc = 0.0f;
        for (int f = 0; f < g.filters; ++f)
            for (int ky = 0; ky < g.kernel; ++ky) {
                const int oy = iy * g.strideH + ky - g.cropTop;
                if (oy < 0 || oy >= g.outH)
                    continue;
                for (int kx = 0; kx < g.kernel; ++kx) {
                    const int ox = ix * g.strideW + kx - g.cropLeft;
                    if (ox < 0 || ox >= g.outW)
                        continue;
                    acc +=
                        dy[((n * g.filters + f) * g.outH + oy) * g.outW + ox] *
                        w[((static_cast<int64_t>(c) * g.filters + f) * g.kernel + ky) * g.kernel +
                          kx];
                }
            }
        dx[i] = acc;
    }
}

__global__ void backwardWeightsKernel(const float *x, const float *dy, float *dw,
                                      TransposedGeometry g)
{
    const int taps = g.kernel * g.kernel;
    STRATA_GRID_LOOP(j, static_cast<int64_t>(g.channels) * g.filters * taps)
    {
        const int c = static_cast<int>(j / (static_cast<int64_t>(g.filters) * taps));
        const int f = static_cast<int>(j / taps % g.filters);
        const int ky = static_cast<int>(j % taps / g.kernel), kx = static_cast<int>(j % g.kernel);
        float acc = 0.0f;
        for (int n = 0; n < g.batch; ++n)
            for (int iy = 0; iy < g.inH; ++iy) {
                const int oy = iy * g.strideH + ky - g.cropTop;
                if (oy < 0 || oy >= g.outH)
                    continue;
                for (int ix = 0; ix < g.inW; ++ix) {
                    const int ox = ix * g.strideW + kx - g.cropLeft;
                    if (ox < 0 || ox >= g.outW)
                        continue;
                    acc +=
                        x[((static_cast<int64_t>(n) * g.channels + c) * g.inH + iy) * g.inW + ix] *
                        dy[((static_cast<int64_t>(n) * g.filters + f) * g.outH + oy) * g.outW + ox];
                }
            }
        dw[j] = acc;
    }
}

__global__ void backwardBiasKernel(const float *dy, float *db, TransposedGeometry g)
{
    const int64_t plane = static_cast<int64_t>(g.outH) * g.outW;
    STRATA_GRID_LOOP(f, g.filters)
    {
        float acc = 0.0f;
        for (int n = 0; n < g.batch; ++n)
            for (int64_t p = 0; p < plane; ++p)
                acc += dy[(static_cast<int64_t>(n) * g.filters + f) * plane + p];
        db[f] = acc;
    }
}

} // namespace

void convTransposeForward(const float *x, const float *w, const float *bias, float *y,
                          TransposedGeometry g, cudaStream_t stream)
{
    const int64_t n = static_cast<int64_t>(g.batch) * g.filters * g.outH * g.outW;
    forwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, w, bias, y, g);
}

void convTransposeBackwardData(const float *dy, const float *w, float *dx, TransposedGeometry g,
                               cudaStream_t stream)
{
    const int64_t n = static_cast<int64_t>(g.batch) * g.channels * g.inH * g.inW;
    backwardDataKernel<<<blocksFor(n), kThreads, 0, stream>>>(dy, w, dx, g);
}

void convTransposeBackwardWeights(const float *x, const float *dy, float *dw, float *db,
                                  TransposedGeometry g, cudaStream_t stream)
{
    const int64_t n = static_cast<int64_t>(g.channels) * g.filters * g.kernel * g.kernel;
    backwardWeightsKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, dy, dw, g);
    if (db)
        backwardBiasKernel<<<blocksFor(g.filters), kThreads, 0, stream>>>(dy, db, g);
}

} // namespace strata::internal::cuda
