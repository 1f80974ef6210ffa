#pragma once
// How a network's weights and their gradients are distributed, per parameter tensor: what
// TensorBoard's histograms and distributions show. The trainer computes them at each epoch's
// end (TrainerOptions::parameterStats): the weights after the epoch and the gradients of its
// last batch, as TensorBoard's histogram at that step. They travel in EpochMetrics and in the
// run's history log, so a resumed or stored run keeps them.
//
// Cost: two passes over each tensor on the host (sums and extremes, then a fine histogram),
// plus one host copy of the gradients; percentiles are read from the fine histogram, so no
// tensor is sorted.

#include "strata/tensor.h"

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace strata {

// Equal-width bins over [lo, hi] (the last bin includes hi). A tensor whose values are all
// equal gets the range [v - 0.5, v + 0.5].
struct ValueHistogram
{
    double lo = 0, hi = 0;
    std::vector<int64_t> counts;
    double binWidth() const { return counts.empty() ? 0 : (hi - lo) / double(counts.size()); }
};

// TensorBoard's distribution bands: the minimum, the percentiles one, 1.5 and two standard
// deviations from the median of a normal distribution, the median, and the maximum.
inline constexpr std::array<double, 9> kStatsPercentiles{0,     6.68,  15.87, 30.85, 50,
                                                         69.15, 84.13, 93.32, 100};
inline constexpr int kStatsBins = 32;       // bins kept per histogram
inline constexpr int kStatsFineBins = 2048; // bins the percentiles are read from

struct ValueStats
{
    int64_t count = 0;     // finite values
    int64_t nonFinite = 0; // NaN or infinite values, left out of everything else
    double mean = 0, std = 0, min = 0, max = 0;
    double norm = 0; // L2 norm
    // At kStatsPercentiles; each within (max - min) / kStatsFineBins of the exact value
    // (linear interpolation between order statistics), the first and last exact.
    std::array<double, kStatsPercentiles.size()> percentiles{};
    ValueHistogram histogram;
};

// The statistics of count values. bins: the histogram's bins (a divisor of kStatsFineBins).
ValueStats valueStats(const float *values, int64_t count, int bins = kStatsBins);

struct ParameterStats
{
    std::string name; // "<node id>.<weight name>", as in weight files
    std::string node; // the node's id
    Shape shape;
    ValueStats weights;
    bool hasGradients = false;
    ValueStats gradients; // of the last batch trained before the statistics were taken
};

// Weights (and gradients, where given: matched by name) as host tensors, in their order.
std::vector<ParameterStats>
parameterStats(const std::vector<std::pair<std::string, Tensor>> &weights,
               const std::vector<std::pair<std::string, Tensor>> &gradients = {});

// One layer's size: the L2 norm over all of its tensors (kernel and bias together).
struct LayerNorm
{
    std::string node;
    double weights = 0;
    double gradients = 0; // 0 where no gradient was taken
    bool hasGradients = false;
};
// In the order the layers first appear in stats.
std::vector<LayerNorm> layerNorms(const std::vector<ParameterStats> &stats);

// The node id of a parameter name "<node id>.<weight name>".
std::string parameterNode(const std::string &name);

} // namespace strata
