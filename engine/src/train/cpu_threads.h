#pragma once
// The trainer's automatic CPU thread count, shared by everything that trains as it does (the
// profiler, the benchmark).

#include "strata/shape_inference.h"

#include <cstdint>

namespace strata::internal {

// For TrainingSpec::threads 0. Tiny models lose more to thread synchronisation than they gain
// from a second core (and would compete with the GUI thread): below ~20 MFLOP a step, one
// thread; otherwise 0, all cores (see setCpuThreads).
inline int automaticCpuThreads(const GraphAnalysis &analysis, int64_t batchSize)
{
    const double stepFlops = 3.0 * static_cast<double>(analysis.totalFlops) * double(batchSize);
    return stepFlops < 2e7 ? 1 : 0;
}

} // namespace strata::internal
