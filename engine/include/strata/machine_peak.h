#pragma once
// The machine's measured peak in a precision: the GFLOP/s of a large oneDNN matrix product
// (2048³, the best of several runs; in bf16 with bf16 inputs and fp32 accumulation and output)
// on `threads` CPU threads (0: cpuThreads()). Against it, a
// layer's achieved GFLOP/s (NodeProfile::forwardGflops) says how close to the hardware it
// runs; figures from different machines compare as shares of their own peaks. It keeps the
// cores busy for about `seconds` (at least one product). Safe from any thread: the thread
// count applies to the calling thread only.

#include "strata/precision.h"
#include "strata/profile.h"

#include <string>

namespace strata {

struct MachinePeak
{
    double gflops = 0;  // the best run's
    int threads = 0;    // the CPU threads it ran on
    double seconds = 0; // how long measuring took
    Precision precision = Precision::Fp32;
};

// Throws BackendError naming the missing instruction set (AVX512-BF16 / AMX) when the CPU
// cannot compute in bf16 natively: an emulated figure would not be a peak.
MachinePeak measurePeak(Precision precision, int threads = 0, double seconds = 0.5);
MachinePeak measureFp32Peak(int threads = 0, double seconds = 0.5);

// "fp32 peak on 2 threads: 402.3 GFLOP/s (oneDNN matmul 2048³, 0.5 s)" (bf16 for a bf16
// peak), then each layer with
// forward FLOPs, the most first: its forward GFLOP/s and its share of the peak.
std::string describeAgainstPeak(const ProfileReport &report, const MachinePeak &peak);

} // namespace strata
