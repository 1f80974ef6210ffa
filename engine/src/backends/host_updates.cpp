#include "backends/host_updates.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace strata::internal {

// Below this many weights a second thread costs more than it saves.
constexpr int64_t kParallelFrom = 1 << 16;

void hostSgdUpdate(float *w, const float *g, float *velocity, int64_t n, const SgdStep &s)
{
    const float lr = s.lr, mu = s.momentum, wd = s.weightDecay;
    if (mu == 0.0f) {
#pragma omp parallel for simd schedule(static) if (n > kParallelFrom)
        for (int64_t i = 0; i < n; ++i)
            w[i] -= lr * (g[i] + wd * w[i]);
        return;
    }
    if (!velocity)
        throw std::logic_error("hostSgdUpdate: momentum needs a velocity buffer");
    if (s.nesterov) {
#pragma omp parallel for simd schedule(static) if (n > kParallelFrom)
        for (int64_t i = 0; i < n; ++i) {
            const float d = g[i] + wd * w[i];
            const float buf = mu * velocity[i] + d;
            velocity[i] = buf;
            w[i] -= lr * (d + mu * buf);
        }
    } else {
#pragma omp parallel for simd schedule(static) if (n > kParallelFrom)
        for (int64_t i = 0; i < n; ++i) {
            const float d = g[i] + wd * w[i];
            const float buf = mu * velocity[i] + d;
            velocity[i] = buf;
            w[i] -= lr * buf;
        }
    }
}

void hostAdamUpdate(float *w, const float *g, float *m, float *v, int64_t n, const AdamStep &s)
{
    if (s.step < 1)
        throw std::logic_error("hostAdamUpdate: step is 1-based");
    // The bias corrections are computed once in double, as PyTorch does on the host.
    const double t = static_cast<double>(s.step);
    const double correction1 = 1.0 - std::pow(static_cast<double>(s.beta1), t);
    const double correction2 = 1.0 - std::pow(static_cast<double>(s.beta2), t);
    const float stepSize = static_cast<float>(s.lr / correction1);
    const float sqrtCorrection2 = static_cast<float>(std::sqrt(correction2));
    const float b1 = s.beta1, b2 = s.beta2, eps = s.eps;
    // AdamW shrinks the weight before the moment update and does not touch the gradient;
    // Adam folds the decay into the gradient (L2 regularisation).
    const float shrink = s.decoupled ? 1.0f - s.lr * s.weightDecay : 1.0f;
    const float l2 = s.decoupled ? 0.0f : s.weightDecay;
#pragma omp parallel for simd schedule(static) if (n > kParallelFrom)
    for (int64_t i = 0; i < n; ++i) {
        const float wi = w[i] * shrink;
        const float gi = g[i] + l2 * wi;
        // PyTorch's exp_avg.lerp_(g, 1 - b1), rounded the same way.
        const float mi = m[i] + (1.0f - b1) * (gi - m[i]);
        const float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] = wi - stepSize * (mi / (std::sqrt(vi) / sqrtCorrection2 + eps));
    }
}

void hostRmspropUpdate(float *w, const float *g, float *square, float *mom, int64_t n,
                       const RmspropStep &s)
{
    const float lr = s.lr, rho = s.rho, eps = s.eps, mu = s.momentum, wd = s.weightDecay;
    if (mu == 0.0f) {
#pragma omp parallel for simd schedule(static) if (n > kParallelFrom)
        for (int64_t i = 0; i < n; ++i) {
            const float gi = g[i] + wd * w[i];
            const float sq = rho * square[i] + (1.0f - rho) * gi * gi;
            square[i] = sq;
            w[i] -= lr * (gi / (std::sqrt(sq) + eps));
        }
        return;
    }
    if (!mom)
        throw std::logic_error("hostRmspropUpdate: momentum needs a momentum buffer");
#pragma omp parallel for simd schedule(static) if (n > kParallelFrom)
    for (int64_t i = 0; i < n; ++i) {
        const float gi = g[i] + wd * w[i];
        const float sq = rho * square[i] + (1.0f - rho) * gi * gi;
        square[i] = sq;
        const float buf = mu * mom[i] + gi / (std::sqrt(sq) + eps);
        mom[i] = buf;
        w[i] -= lr * buf;
    }
}

bool hostAllFinite(const float *x, int64_t n)
{
    // Tests the exponent bits (all ones for NaN and ±inf) rather than calling std::isfinite:
    // an integer OR-reduction vectorises, and stays correct under -ffast-math.
    constexpr uint32_t exponent = 0x7f800000u;
    uint32_t bad = 0;
#pragma omp parallel for simd schedule(static) reduction(| : bad) if (n > kParallelFrom)
    for (int64_t i = 0; i < n; ++i)
        bad |= static_cast<uint32_t>((std::bit_cast<uint32_t>(x[i]) & exponent) == exponent);
    return bad == 0;
}

float hostMaxAbs(const float *x, int64_t n)
{
    // With the sign bit cleared, finite floats order as their bit patterns do as integers, and
    // NaN and infinity lie above every finite value: one integer max-reduction.
    constexpr uint32_t magnitude = 0x7fffffffu, exponent = 0x7f800000u;
    uint32_t top = 0;
#pragma omp parallel for simd schedule(static) reduction(max : top) if (n > kParallelFrom)
    for (int64_t i = 0; i < n; ++i)
        top = std::max(top, std::bit_cast<uint32_t>(x[i]) & magnitude);
    return top >= exponent ? std::numeric_limits<float>::infinity() : std::bit_cast<float>(top);
}

} // namespace strata::internal
