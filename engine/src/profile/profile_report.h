#pragma once
// The ProfileReport of what a Profiler recorded on a network and its optimizer: the nodes'
// mean phase times, their buffers as the plan holds them, their kernels, the steps and their
// events. Shared by profileTraining (a short run of its own) and the trainer's live profile.

#include "strata/profile.h"

#include <cstdint>

namespace strata {
class Backend;
class Network;
class Optimizer;
} // namespace strata

namespace strata::internal {

class Profiler;

// `batch`: the batch size the steps trained (the plan compiled for it describes the buffers).
ProfileReport buildProfileReport(Network &net, const Optimizer &optimizer, const Backend &backend,
                                 const Profiler &profiler, int64_t batch);

} // namespace strata::internal
