#include "strata/parameter_stats.h"

#include "strata/errors.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace strata {

namespace {

// The value of order statistic k (0-based) of the values binned into fine: uniform within its
// bin, so within one bin width of the true value.
double orderStatistic(const std::vector<int64_t> &fine, double lo, double width, int64_t k)
{
    int64_t before = 0;
    for (size_t b = 0; b < fine.size(); ++b) {
        if (k < before + fine[b])
            return lo + width * (double(b) + (double(k - before) + 0.5) / double(fine[b]));
        before += fine[b];
    }
    return lo + width * double(fine.size());
}

} // namespace

namespace {

struct Moments
{
    int64_t finite = 0, nonFinite = 0;
    double sum = 0, squares = 0, lo = INFINITY, hi = -INFINITY;
};

// One value at a time, in double: exact about NaN and infinities.
Moments carefulMoments(const float *values, int64_t count)
{
    Moments m;
    for (int64_t i = 0; i < count; ++i) {
        const double v = values[i];
        if (!std::isfinite(v)) {
            ++m.nonFinite;
            continue;
        }
        ++m.finite;
        m.sum += v;
        m.squares += v * v;
        m.lo = std::min(m.lo, v);
        m.hi = std::max(m.hi, v);
    }
    return m;
}

// The same, vectorised: blocks of floats summed in SIMD lanes, the blocks' sums in double. A
// NaN or an infinity (or a square too large for a float) leaves a block's sums not finite:
// then the careful pass decides.
Moments fastMoments(const float *values, int64_t count)
{
    constexpr int64_t kBlock = 1024;
    Moments m;
    for (int64_t start = 0; start < count; start += kBlock) {
        const int64_t n = std::min(kBlock, count - start);
        const float *v = values + start;
        float sum = 0, squares = 0, lo = INFINITY, hi = -INFINITY;
#pragma omp simd reduction(+ : sum, squares) reduction(min : lo) reduction(max : hi)
        for (int64_t i = 0; i < n; ++i) {
            const float x = v[i];
            sum += x;
            squares += x * x;
            lo = x < lo ? x : lo;
            hi = x > hi ? x : hi;
        }
        if (!std::isfinite(sum) || !std::isfinite(squares) || !std::isfinite(lo) ||
            !std::isfinite(hi))
            return carefulMoments(values, count);
        m.sum += sum;
        m.squares += squares;
        m.lo = std::min(m.lo, double(lo));
        m.hi = std::max(m.hi, double(hi));
    }
    m.finite = count;
    return m;
}

} // namespace

ValueStats valueStats(const float *values, int64_t count, int bins)
{
    if (bins < 1 || kStatsFineBins % bins != 0)
        throw Error("valueStats: " + std::to_string(bins) + " bins do not divide " +
                    std::to_string(kStatsFineBins));
    ValueStats s;
    const Moments m = fastMoments(values, count);
    s.count = m.finite;
    s.nonFinite = m.nonFinite;
    s.histogram.counts.assign(size_t(bins), 0);
    if (s.count == 0) {
        s.histogram.lo = -0.5;
        s.histogram.hi = 0.5;
        return s;
    }
    const double lo = m.lo, hi = m.hi;
    const double n = double(s.count);
    s.mean = m.sum / n;
    s.std = std::sqrt(std::max(0.0, m.squares / n - s.mean * s.mean));
    s.norm = std::sqrt(m.squares);
    s.min = lo;
    s.max = hi;
    const double rangeLo = hi > lo ? lo : lo - 0.5;
    const double rangeHi = hi > lo ? hi : hi + 0.5;
    const double width = (rangeHi - rangeLo) / kStatsFineBins;
    // Bin numbers a block at a time (a vectorised loop), then counted into four 32-bit
    // histograms in turn (small enough for the L1 cache; consecutive values in one bin do not
    // wait on each other's increments), added into the 64-bit one often enough not to wrap.
    std::vector<int64_t> fine(kStatsFineBins, 0);
    std::vector<int32_t> lanes(size_t(4 * kStatsFineBins), 0);
    const auto flush = [&] {
        for (size_t b = 0; b < size_t(kStatsFineBins); ++b)
            fine[b] += int64_t(lanes[b]) + lanes[b + kStatsFineBins] +
                       lanes[b + 2 * kStatsFineBins] + lanes[b + 3 * kStatsFineBins];
        std::fill(lanes.begin(), lanes.end(), 0);
    };
    const float flo = float(rangeLo), scale = float(1.0 / width);
    constexpr float kLast = float(kStatsFineBins - 1);
    constexpr int64_t kBlock = 1024, kFlushEvery = int64_t(1) << 30;
    int32_t bins32[kBlock];
    for (int64_t start = 0; start < count; start += kBlock) {
        const int64_t n = std::min(kBlock, count - start);
        const float *v = values + start;
        if (s.nonFinite == 0) {
#pragma omp simd
            for (int64_t i = 0; i < n; ++i)
                bins32[i] = int32_t(std::clamp((v[i] - flo) * scale, 0.f, kLast));
            int64_t i = 0;
            for (; i + 4 <= n; i += 4) {
                lanes[size_t(bins32[i])]++;
                lanes[size_t(kStatsFineBins + bins32[i + 1])]++;
                lanes[size_t(2 * kStatsFineBins + bins32[i + 2])]++;
                lanes[size_t(3 * kStatsFineBins + bins32[i + 3])]++;
            }
            for (; i < n; ++i)
                lanes[size_t(bins32[i])]++;
        } else {
            for (int64_t i = 0; i < n; ++i)
                if (std::isfinite(v[i]))
                    lanes[size_t(std::clamp((v[i] - flo) * scale, 0.f, kLast))]++;
        }
        if ((start + kBlock) % kFlushEvery == 0)
            flush();
    }
    flush();
    const int merge = kStatsFineBins / bins;
    for (int b = 0; b < kStatsFineBins; ++b)
        s.histogram.counts[size_t(b / merge)] += fine[size_t(b)];
    s.histogram.lo = rangeLo;
    s.histogram.hi = rangeHi;
    for (size_t p = 0; p < kStatsPercentiles.size(); ++p) {
        const double position = kStatsPercentiles[p] / 100 * (n - 1);
        const auto k = static_cast<int64_t>(std::floor(position));
        const double at = orderStatistic(fine, rangeLo, width, k);
        const double next = k + 1 < s.count ? orderStatistic(fine, rangeLo, width, k + 1) : at;
        s.percentiles[p] = std::clamp(at + (position - double(k)) * (next - at), lo, hi);
    }
    s.percentiles.front() = lo;
    s.percentiles.back() = hi;
    return s;
}

std::string parameterNode(const std::string &name)
{
    const size_t dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(0, dot);
}

std::vector<ParameterStats>
parameterStats(const std::vector<std::pair<std::string, Tensor>> &weights,
               const std::vector<std::pair<std::string, Tensor>> &gradients)
{
    std::map<std::string, const Tensor *> gradientOf;
    for (const auto &[name, g] : gradients)
        gradientOf[name] = &g;
    std::vector<ParameterStats> out;
    out.reserve(weights.size());
    for (const auto &[name, w] : weights) {
        ParameterStats p;
        p.name = name;
        p.node = parameterNode(name);
        p.shape = w.shape();
        p.weights = valueStats(w.data(), w.numel());
        auto g = gradientOf.find(name);
        if (g != gradientOf.end() && g->second->numel() == w.numel()) {
            p.hasGradients = true;
            p.gradients = valueStats(g->second->data(), g->second->numel());
        }
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<LayerNorm> layerNorms(const std::vector<ParameterStats> &stats)
{
    std::vector<LayerNorm> out;
    for (const ParameterStats &p : stats) {
        auto it = std::find_if(out.begin(), out.end(),
                               [&](const LayerNorm &l) { return l.node == p.node; });
        if (it == out.end()) {
            out.push_back({p.node});
            it = std::prev(out.end());
        }
        // Squares first; the roots are taken at the end.
        it->weights += p.weights.norm * p.weights.norm;
        if (p.hasGradients) {
            it->hasGradients = true;
            it->gradients += p.gradients.norm * p.gradients.norm;
        }
    }
    for (LayerNorm &l : out) {
        l.weights = std::sqrt(l.weights);
        l.gradients = std::sqrt(l.gradients);
    }
    return out;
}

} // namespace strata
