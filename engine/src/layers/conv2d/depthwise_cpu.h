#pragma once
// The weight gradient of a depthwise convolution (one filter per channel) on the CPU, as a
// loop over channel blocks. oneDNN 2.6 has a jitted depthwise weight gradient only where its
// window fits inside the image; elsewhere (MobileNet's last blocks, at 2×2 and 1×1 on 32×32
// inputs) it falls back to one small GEMM per channel, plus reorders of the input and the
// output gradient to plain layouts, tens of times slower than this loop.

#include <cstdint>

namespace strata::internal {

// One spatial axis of the convolution, as layers/window.h describes it.
struct DepthwiseAxis
{
    int64_t in = 0, out = 0, kernel = 1, stride = 1, dilation = 1, padBefore = 0;
};

struct DepthwiseGeometry
{
    int64_t batch = 0;
    int64_t channels = 0; // = filters = groups
    int64_t block = 1;    // channel block of x and dy: 1 (plain), 8 or 16; divides channels
    DepthwiseAxis rows, cols;
};

// Overwrites dw ({channels, 1, kh, kw}, Strata's layout) and, when not null, db ({channels})
// with the gradients from the input x and the output gradient dy, both in channels blocks of
// g.block ([N][C/B][H][W][B]).
void depthwiseWeightGradient(const DepthwiseGeometry &g, const float *x, const float *dy, float *dw,
                             float *db);

} // namespace strata::internal
