#pragma once
// Optimizer update rules on host float arrays, with exactly the arithmetic of torch.optim, so
// the CPU and reference backends (and tests) share one implementation. Every function updates
// n elements in place; the loops are plain so the compiler vectorises them.

#include "backends/device_ops.h"

#include <cstdint>

namespace strata::internal {

// torch.optim.SGD with dampening 0:
//   g += wd * w;  buf = momentum * buf + g;  g = nesterov ? g + momentum * buf : buf;
//   w -= lr * g.
// velocity starts at zero, so the first step gives buf = g as in PyTorch. velocity may be
// null when momentum is 0 (plain SGD keeps no state).
void hostSgdUpdate(float *w, const float *g, float *velocity, int64_t n, const SgdStep &s);

// torch.optim.Adam (decoupled = false: g += wd * w) and AdamW (decoupled = true:
// w *= 1 - lr * wd first):
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g²;
//   w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps),  t = s.step (1-based).
void hostAdamUpdate(float *w, const float *g, float *m, float *v, int64_t n, const AdamStep &s);

// torch.optim.RMSprop (alpha = rho, centered = false):
//   g += wd * w;  sq = rho sq + (1 - rho) g²;  d = g / (sqrt(sq) + eps);
//   momentum > 0: buf = momentum buf + d, w -= lr buf;  otherwise w -= lr d.
// mom may be null when momentum is 0.
void hostRmspropUpdate(float *w, const float *g, float *square, float *mom, int64_t n,
                       const RmspropStep &s);

// True when none of the n values is NaN or infinite.
bool hostAllFinite(const float *x, int64_t n);

// The largest |x[i]|, or +infinity when a value is NaN or infinite (0 when n is 0).
float hostMaxAbs(const float *x, int64_t n);

} // namespace strata::internal
