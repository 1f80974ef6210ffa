// Upsample as CUDA kernels, reading the pixels the reference reads (upsample.h): nearest
// takes pixel o / scale, bilinear mixes the two pixels around (o + ½) / scale − ½ on each
// axis. Backward gathers: each input pixel sums the gradients of the outputs that read it,
// which lie within `scale` pixels of its own block of outputs.

#include "layers/upsample/upsample_cuda.h"

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

struct Tap
{
    int lo, hi;
    float frac;
};

// Output pixel o of an axis `scale` times larger than `in` pixels (see bilinearTap).
__device__ Tap tapOf(int o, int scale, int in)
{
    float src = (o + 0.5f) / scale - 0.5f;
    src = src > 0.0f ? src : 0.0f;
    int lo = static_cast<int>(floorf(src));
    lo = lo < in - 1 ? lo : in - 1;
    return {lo, lo + 1 < in ? lo + 1 : in - 1, src - lo};
}

// The weight output pixel o gives input pixel i along one axis.
__device__ float weightOf(int o, int i, int scale, int in, bool bilinear)
{
    if (!bilinear)
        return o / scale == i ? 1.0f : 0.0f;
    const Tap t = tapOf(o, scale, in);
    return (t.lo == i ? 1.0f - t.frac : 0.0f) + (t.hi == i ? t.frac : 0.0f);
}

__global__ void forwardKernel(const float *x, float *y, UpsampleGeometry g)
{
    const int outH = g.inH * g.scaleH, outW = g.inW * g.scaleW;
    const int64_t perPlane = static_cast<int64_t>(outH) * outW;
    STRATA_GRID_LOOP(o, g.planes * perPlane)
    {
        const float *p = x + o / perPlane * g.inH * g.inW;
        const int oy = static_cast<int>(o % perPlane / outW), ox = static_cast<int>(o % outW);
        if (!g.bilinear) {
            y[o] = p[(oy / g.scaleH) * g.inW + ox / g.scaleW];
            continue;
        }
        const Tap r = tapOf(oy, g.scaleH, g.inH), c = tapOf(ox, g.scaleW, g.inW);
        y[o] =
            (1.0f - r.frac) *
                ((1.0f - c.frac) * p[r.lo * g.inW + c.lo] + c.frac * p[r.lo * g.inW + c.hi]) +
            r.frac * ((1.0f - c.frac) * p[r.hi * g.inW + c.lo] + c.frac * p[r.hi * g.inW + c.hi]);
    }
}

__global__ void backwardKernel(const float *dy, float *dx, UpsampleGeometry g)
{
    const int outH = g.inH * g.scaleH, outW = g.inW * g.scaleW;
    const int64_t perPlane = static_cast<int64_t>(g.inH) * g.inW;
    STRATA_GRID_LOOP(i, g.planes * perPlane)
    {
        const float *p = dy + i / perPlane * outH * outW;
        const int iy = static_cast<int>(i % perPlane / g.inW), ix = static_cast<int>(i % g.inW);
        // Nearest: the outputs of the pixel's own block; bilinear: one scale more each side.
        const int reachH = g.bilinear ? g.scaleH : 0, reachW = g.bilinear ? g.scaleW : 0;
        const int y0 = max(iy * g.scaleH - reachH, 0), y1 = min((iy + 1) * g.scaleH + reachH, outH);
        const int x0 = max(ix * g.scaleW - reachW, 0), x1 = min((ix + 1) * g.scaleW + reachW, outW);
        float acc = 0.0f;
        for (int oy = y0; oy < y1; ++oy) {
            const float wy = weightOf(oy, iy, g.scaleH, g.inH, g.bilinear);
            if (wy == 0.0f)
                continue;
            for (int ox = x0; ox < x1; ++ox)
                acc += wy * weightOf(ox, ix, g.scaleW, g.inW, g.bilinear) * p[oy * outW + ox];
        }
        dx[i] = acc;
    }
}

} // namespace

void upsampleForward(const float *x, float *y, UpsampleGeometry g, cudaStream_t stream)
{
    const int64_t n = g.planes * g.inH * g.scaleH * g.inW * g.scaleW;
    forwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, y, g);
}

void upsampleBackward(const float *dy, float *dx, UpsampleGeometry g, cudaStream_t stream)
{
    backwardKernel<<<blocksFor(g.planes * g.inH * g.inW), kThreads, 0, stream>>>(dy, dx, g);
}

} // namespace strata::internal::cuda
