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

ValueStats valueStats(const float *values, int64_t count, int bins)
{
    if (bins < 1 || kStatsFineBins % bins != 0)
        throw Error("valueStats: " + std::to_string(bins) + " bins do not divide " +
                    std::to_string(kStatsFineBins));
    ValueStats s;
    double sum = 0, squares = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (int64_t i = 0; i < count; ++i) {
        const double v = values[i];
        if (!std::isfinite(v)) {
            ++s.nonFinite;
            continue;
        }
        ++s.count;
        sum += v;
        squares += v * v;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    s.histogram.counts.assign(size_t(bins), 0);
    if (s.count == 0) {
        s.histogram.lo = -0.5;
        s.histogram.hi = 0.5;
        return s;
    }
    const double n = double(s.count);
    s.mean = sum / n;
    s.std = std::sqrt(std::max(0.0, squares / n - s.mean * s.mean));
    s.norm = std::sqrt(squares);
    s.min = lo;
    s.max = hi;
    const double rangeLo = hi > lo ? lo : lo - 0.5;
    const double rangeHi = hi > lo ? hi : hi + 0.5;
    const double width = (rangeHi - rangeLo) / kStatsFineBins;
    std::vector<int64_t> fine(kStatsFineBins, 0);
    for (int64_t i = 0; i < count; ++i) {
        const double v = values[i];
        if (!std::isfinite(v))
            continue;
        const auto b = static_cast<int64_t>((v - rangeLo) / width);
        fine[size_t(std::clamp<int64_t>(b, 0, kStatsFineBins - 1))]++;
    }
    const int merge = kStatsFineBins / bins;
    for (int b = 0; b < kStatsFineBins; ++b)
        s.histogram.counts[size_t(b / merge)] += fine[size_t(b)];
    s.histogram.lo = rangeLo;
    s.histogram.hi = rangeHi;
    for (size_t p = 0; p < kStatsPercentiles.size(); ++p) {
        const double position = kStatsPercentiles[p] / 100 * (n - 1);
        const auto k = static_cast<int64_t>(std::floor(position));
        const double at = orderStatistic(fine, rangeLo, width, k);
        const double next =
            k + 1 < s.count ? orderStatistic(fine, rangeLo, width, k + 1) : at;
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
