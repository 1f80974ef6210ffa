#pragma once
// Random data of a network's input and output shape, for timing training where the values do
// not matter (the benchmark, the profiler's --synthetic).

#include "strata/dataset.h"
#include "strata/network.h"

#include <cstdint>

namespace strata::internal {

// Inputs uniform in [0, 1) of the network's input shape and random labels: class indices for
// cross-entropy and mse (one class per output), 0/1 for binary cross-entropy with one output.
Dataset syntheticData(const Network &net, int64_t samples, uint64_t seed);

} // namespace strata::internal
