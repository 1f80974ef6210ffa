#pragma once
// The CPU backend: host memory plus one oneDNN engine and stream that every CPU kernel of a
// network shares. Kernels build their primitives once, at creation, and reuse them.

#include "backends/host_backend.h"
#include "core/profiler.h" // implementationNames, for the kernels

#include <oneapi/dnnl/dnnl.hpp>

namespace strata::internal {

class CpuBackend final : public HostBackend
{
public:
    CpuBackend();
    std::string kind() const override { return "cpu"; }
    std::string description() const override;

    // bf16 when oneDNN finds AVX512-BF16 or AMX on this CPU (without them it would emulate).
    std::string precisionRefusal(Precision precision) const override;

    dnnl::engine &engine() { return engine_; }
    dnnl::stream &stream() { return stream_; }

private:
    dnnl::engine engine_;
    dnnl::stream stream_;
};

// Why a CPU whose best instruction set oneDNN reports as `isa` cannot run bf16 natively
// (names the missing AVX512-BF16 / AMX), or empty when it can. For the backend and the
// machine-peak measurement; a parameter so tests can ask about other CPUs.
std::string bf16Refusal(dnnl::cpu_isa isa);

// The CPU backend behind a kernel setup (kernels registered under "cpu" get one).
CpuBackend &cpuBackendOf(const KernelSetup &setup);

// A oneDNN memory over a tensor's data with a plain (row-major) layout.
dnnl::memory plainMemory(CpuBackend &backend, const Shape &shape, float *data);
dnnl::memory::dims toDims(const Shape &shape);
dnnl::memory::format_tag plainTag(size_t rank);

// An NCHW activation's oneDNN description with channels in blocks of `block`: 1 is plain
// nchw, 8 and 16 are nChw8c and nChw16c (see LayoutUse in strata/layer.h).
dnnl::memory::desc channelBlockedDesc(const dnnl::memory::dims &nchw, int64_t block);
// The channel block (1, 8 or 16) that `md` describes for an NCHW tensor whose channels are a
// multiple of it, or 0 when it is some other layout.
int64_t channelBlockOf(const dnnl::memory::desc &md);

// While alive, what oneDNN creates or runs on this thread uses one thread: no OpenMP region,
// whose fork and join cost more than a small copy, and much more when other programs hold
// the cores (a region then waits for every thread of its team to be scheduled).
class OneThread
{
public:
    explicit OneThread(bool active = true);
    ~OneThread();
    OneThread(const OneThread &) = delete;
    OneThread &operator=(const OneThread &) = delete;

private:
    int saved_ = 0; // the thread count to restore; 0 when inactive
};

// Whether a kernel whose largest tensor has this many bytes, doing this many FLOPs per pass,
// is too small to share between threads (up to 1 MB and 4 MFLOP: tens of microseconds on one
// core). Such kernels create and run their primitives inside a OneThread.
bool fitsOneThread(int64_t largestTensorBytes, double flops = 0);

// For the profiler (Kernel::workspaceBytes): the largest scratchpad the primitives ask for, in
// bytes (oneDNN's library scratchpad is allocated at primitive creation).
int64_t largestScratchpad(const std::vector<const dnnl::primitive_desc_base *> &pds);

} // namespace strata::internal
