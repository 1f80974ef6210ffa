// Depthwise weight gradient: each channel block is one task (threads never share an
// output), its B lanes the vector width. For each output pixel and tap inside the image,
// dw[c][kh][kw] += dy[n][c][oh][ow] · x[n][c][oh·s + kh·d − pad][ow·s + kw·d − pad].

#include "layers/conv2d/depthwise_cpu.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace strata::internal {

namespace {

// One channel block; B is the block (a compile-time constant, so the lanes vectorise).
template <int B>
void channelBlock(const DepthwiseGeometry &g, int64_t cb, const float *x, const float *dy,
                  float *dw, float *db)
{
    const DepthwiseAxis &r = g.rows, &c = g.cols;
    const int64_t blocks = g.channels / B, taps = r.kernel * c.kernel;
    std::vector<float> acc(static_cast<size_t>(taps * B), 0.0f);
    float bias[B] = {};
    for (int64_t n = 0; n < g.batch; ++n) {
        const float *xs = x + (n * blocks + cb) * r.in * c.in * B;
        const float *dys = dy + (n * blocks + cb) * r.out * c.out * B;
        for (int64_t oh = 0; oh < r.out; ++oh)
            for (int64_t ow = 0; ow < c.out; ++ow) {
                const float *d = dys + (oh * c.out + ow) * B;
                for (int b = 0; b < B; ++b)
                    bias[b] += d[b];
                for (int64_t kh = 0; kh < r.kernel; ++kh) {
                    const int64_t ih = oh * r.stride + kh * r.dilation - r.padBefore;
                    if (ih < 0 || ih >= r.in)
                        continue;
                    for (int64_t kw = 0; kw < c.kernel; ++kw) {
                        const int64_t iw = ow * c.stride + kw * c.dilation - c.padBefore;
                        if (iw < 0 || iw >= c.in)
                            continue;
                        const float *xp = xs + (ih * c.in + iw) * B;
                        float *a = acc.data() + (kh * c.kernel + kw) * B;
                        for (int b = 0; b < B; ++b)
                            a[b] += d[b] * xp[b];
                    }
                }
            }
    }
    for (int b = 0; b < B; ++b) {
        const int64_t channel = cb * B + b;
        for (int64_t t = 0; t < taps; ++t)
            dw[channel * taps + t] = acc[static_cast<size_t>(t * B + b)];
        if (db)
            db[channel] = bias[b];
    }
}

template <int B>
void allBlocks(const DepthwiseGeometry &g, const float *x, const float *dy, float *dw, float *db)
{
    const int64_t blocks = g.channels / B;
    // Threads only where there is enough to share: a fork and join costs more than a small
    // layer's whole loop, and much more when other programs hold the cores.
    const int64_t work =
        g.batch * g.channels * g.rows.out * g.cols.out * g.rows.kernel * g.cols.kernel;
#pragma omp parallel for schedule(static) if (work > (int64_t(1) << 20) && blocks > 1)
    for (int64_t cb = 0; cb < blocks; ++cb)
        channelBlock<B>(g, cb, x, dy, dw, db);
}

} // namespace

void depthwiseWeightGradient(const DepthwiseGeometry &g, const float *x, const float *dy, float *dw,
                             float *db)
{
    switch (g.block) {
    case 16:
        return allBlocks<16>(g, x, dy, dw, db);
    case 8:
        return allBlocks<8>(g, x, dy, dw, db);
    case 1:
        return allBlocks<1>(g, x, dy, dw, db);
    default:
        throw std::logic_error("depthwise weight gradient: unsupported channel block " +
                               std::to_string(g.block));
    }
}

} // namespace strata::internal
