// Max and average pooling as CUDA kernels. cuDNN's pooling pads symmetrically, so it cannot
// express Keras' "same" padding (one more pixel after than before); these kernels follow the
// reference exactly instead: windows clipped to the image, the first maximum on ties, padding
// left out of averages or, counting padding, the declared pads counted (not the overhang of
// a ceil-mode window). Backward gathers: each input pixel sums what the windows covering it
// send back, in output order, so results are deterministic without atomics.

#include "layers/pooling/pooling_cuda.h"

namespace strata::internal::cuda {

namespace {

constexpr int kThreads = 256;

unsigned blocksFor(int64_t n)
{
    const int64_t blocks = (n + kThreads - 1) / kThreads;
    return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > 65535 ? 65535 : blocks));
}

struct Span
{
    int begin, end;
};

// The pixels of window o that lie inside the image.
__device__ Span clip(const PoolAxis &a, int o)
{
    const int start = o * a.stride - a.padBefore;
    return {start > 0 ? start : 0, start + a.kernel < a.in ? start + a.kernel : a.in};
}

// What an average over window o divides by along one axis.
__device__ int divisor(const PoolAxis &a, int o, bool countPad)
{
    const int start = o * a.stride - a.padBefore;
    if (countPad) {
        const int end = start + a.kernel < a.in + a.padAfter ? start + a.kernel : a.in + a.padAfter;
        return end - start;
    }
    const Span s = clip(a, o);
    return s.end - s.begin;
}

// The windows that cover pixel i: first and last output index (last < first when none).
__device__ Span covering(const PoolAxis &a, int i)
{
    const int top = i + a.padBefore;       // position in padded coordinates
    const int lowNum = top - a.kernel + 1; // windows starting at or after this cover i
    int first = lowNum <= 0 ? 0 : (lowNum + a.stride - 1) / a.stride;
    int last = top / a.stride;
    if (last > a.out - 1)
        last = a.out - 1;
    return {first, last};
}

#define STRATA_GRID_LOOP(i, n)                                                                     \
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < (n);         \
         i += static_cast<int64_t>(blockDim.x) * gridDim.x)

__global__ void maxForwardKernel(const float *x, float *y, int *argmax, int64_t planes,
                                 PoolAxis rows, PoolAxis cols)
{
    const int64_t perPlane = static_cast<int64_t>(rows.out) * cols.out;
    STRATA_GRID_LOOP(o, planes * perPlane)
    {
        const int64_t plane = o / perPlane;
        const int oy = static_cast<int>(o % perPlane / cols.out);
        const int ox = static_cast<int>(o % cols.out);
        const Span r = clip(rows, oy), c = clip(cols, ox);
        const float *p = x + plane * rows.in * cols.in;
        int best = r.begin * cols.in + c.begin;
        for (int iy = r.begin; iy < r.end; ++iy)
            for (int ix = c.begin; ix < c.end; ++ix)
                if (p[iy * cols.in + ix] > p[best])
                    best = iy * cols.in + ix;
        y[o] = p[best];
        argmax[o] = best;
    }
}

__global__ void maxBackwardKernel(const float *dy, const int *argmax, float *dx, int64_t planes,
                                  PoolAxis rows, PoolAxis cols)
{
    const int64_t perPlane = static_cast<int64_t>(rows.in) * cols.in;
    const int64_t outPerPlane = static_cast<int64_t>(rows.out) * cols.out;
    STRATA_GRID_LOOP(i, planes * perPlane)
    {
        const int64_t plane = i / perPlane;
        const int pixel = static_cast<int>(i % perPlane);
        const Span r = covering(rows, pixel / cols.in), c = covering(cols, pixel % cols.in);
        float sum = 0;
        for (int oy = r.begin; oy <= r.end; ++oy)
            for (int ox = c.begin; ox <= c.end; ++ox) {
                const int64_t o = plane * outPerPlane + oy * cols.out + ox;
                if (argmax[o] == pixel)
                    sum += dy[o];
            }
        dx[i] = sum;
    }
}

__global__ void avgForwardKernel(const float *x, float *y, int64_t planes, PoolAxis rows,
                                 PoolAxis cols, bool countPad)
{
    const int64_t perPlane = static_cast<int64_t>(rows.out) * cols.out;
    STRATA_GRID_LOOP(o, planes * perPlane)
    {
        const int64_t plane = o / perPlane;
        const int oy = static_cast<int>(o % perPlane / cols.out),
                  ox = static_cast<int>(o % cols.out);
        const Span r = clip(rows, oy), c = clip(cols, ox);
        const float *p = x + plane * rows.in * cols.in;
        double sum = 0;
        for (int iy = r.begin; iy < r.end; ++iy)
            for (int ix = c.begin; ix < c.end; ++ix)
                sum += p[iy * cols.in + ix];
        const double count =
            static_cast<double>(divisor(rows, oy, countPad)) * divisor(cols, ox, countPad);
        y[o] = static_cast<float>(sum / count);
    }
}

__global__ void avgBackwardKernel(const float *dy, float *dx, int64_t planes, PoolAxis rows,
                                  PoolAxis cols, bool countPad)
{
    const int64_t perPlane = static_cast<int64_t>(rows.in) * cols.in;
    const int64_t outPerPlane = static_cast<int64_t>(rows.out) * cols.out;
    STRATA_GRID_LOOP(i, planes * perPlane)
    {
        const int64_t plane = i / perPlane;
        const int pixel = static_cast<int>(i % perPlane);
        const Span r = covering(rows, pixel / cols.in), c = covering(cols, pixel % cols.in);
        float sum = 0;
        for (int oy = r.begin; oy <= r.end; ++oy) {
            const int wr = divisor(rows, oy, countPad);
            for (int ox = c.begin; ox <= c.end; ++ox) {
                const double count = static_cast<double>(wr) * divisor(cols, ox, countPad);
                sum += static_cast<float>(dy[plane * outPerPlane + oy * cols.out + ox] / count);
            }
        }
        dx[i] = sum;
    }
}

// One warp per plane.
__global__ void globalAvgForwardKernel(const float *x, float *y, int64_t planes, int64_t pixels)
{
    const int64_t warp = (blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x) / 32;
    const int lane = threadIdx.x % 32;
    if (warp >= planes)
        return;
    const float *p = x + warp * pixels;
    double sum = 0;
    for (int64_t i = lane; i < pixels; i += 32)
        sum += p[i];
    for (int offset = 16; offset > 0; offset /= 2)
        sum += __shfl_down_sync(0xffffffffu, sum, offset);
    if (lane == 0)
        y[warp] = static_cast<float>(sum / static_cast<double>(pixels));
}

__global__ void globalAvgBackwardKernel(const float *dy, float *dx, int64_t planes, int64_t pixels)
{
    STRATA_GRID_LOOP(i, planes * pixels)
    dx[i] = static_cast<float>(dy[i / pixels] / static_cast<double>(pixels));
}

} // namespace

void maxPoolForward(const float *x, float *y, int *argmax, int64_t planes, PoolAxis rows,
                    PoolAxis cols, cudaStream_t stream)
{
    const int64_t n = planes * rows.out * cols.out;
    if (n > 0)
        maxForwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, y, argmax, planes, rows, cols);
}

void maxPoolBackward(const float *dy, const int *argmax, float *dx, int64_t planes, PoolAxis rows,
                     PoolAxis cols, cudaStream_t stream)
{
    const int64_t n = planes * rows.in * cols.in;
    if (n > 0)
        maxBackwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(dy, argmax, dx, planes, rows,
                                                                 cols);
}

void avgPoolForward(const float *x, float *y, int64_t planes, PoolAxis rows, PoolAxis cols,
                    bool countPad, cudaStream_t stream)
{
    const int64_t n = planes * rows.out * cols.out;
    if (n > 0)
        avgForwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, y, planes, rows, cols, countPad);
}

void avgPoolBackward(const float *dy, float *dx, int64_t planes, PoolAxis rows, PoolAxis cols,
                     bool countPad, cudaStream_t stream)
{
    const int64_t n = planes * rows.in * cols.in;
    if (n > 0)
        avgBackwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(dy, dx, planes, rows, cols,
                                                                 countPad);
}

void globalAvgPoolForward(const float *x, float *y, int64_t planes, int64_t pixels,
                          cudaStream_t stream)
{
    if (planes <= 0)
        return;
    const int64_t threads = planes * 32;
    globalAvgForwardKernel<<<static_cast<unsigned>((threads + kThreads - 1) / kThreads), kThreads,
                             0, stream>>>(x, y, planes, pixels);
}

void globalAvgPoolBackward(const float *dy, float *dx, int64_t planes, int64_t pixels,
                           cudaStream_t stream)
{
    const int64_t n = planes * pixels;
    if (n > 0)
        globalAvgBackwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(dy, dx, planes, pixels);
}

} // namespace strata::internal::cuda
