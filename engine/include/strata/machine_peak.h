#pragma once
// The machine's measured fp32 peak: the GFLOP/s of a large oneDNN matrix product (2048³, the
// best of several runs) on `threads` CPU threads (0: cpuThreads()). Against it, a
// layer's achieved GFLOP/s (NodeProfile::forwardGflops) says how close to the hardware it
// runs; figures from different machines compare as shares of their own peaks. It keeps the
// cores busy for about `seconds` (at least one product). Safe from any thread: the thread
// count applies to the calling thread only.

#include "strata/profile.h"

#include <string>

namespace strata {

struct MachinePeak
{
    double gflops = 0;  // the best run's
    int threads = 0;    // the CPU threads it ran on
    double seconds = 0; // how long measuring took
};

MachinePeak measureFp32Peak(int threads = 0, double seconds = 0.5);

// "fp32 peak on 2 threads: 402.3 GFLOP/s (oneDNN matmul 2048³, 0.5 s)", then each layer with
// forward FLOPs, the most first: its forward GFLOP/s and its share of the peak.
std::string describeAgainstPeak(const ProfileReport &report, const MachinePeak &peak);

} // namespace strata
