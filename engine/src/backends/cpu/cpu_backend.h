#pragma once
// The CPU backend: host memory plus one oneDNN engine and stream that every CPU kernel of a
// network shares. Kernels build their primitives once, at creation, and reuse them.

#include "backends/host_backend.h"

#include <oneapi/dnnl/dnnl.hpp>

namespace strata::internal {

class CpuBackend final : public HostBackend
{
public:
    CpuBackend();
    std::string kind() const override { return "cpu"; }
    std::string description() const override;

    dnnl::engine &engine() { return engine_; }
    dnnl::stream &stream() { return stream_; }

private:
    dnnl::engine engine_;
    dnnl::stream stream_;
};

// The CPU backend behind a kernel setup (kernels registered under "cpu" get one).
CpuBackend &cpuBackendOf(const KernelSetup &setup);

// A oneDNN memory over a tensor's data with a plain (row-major) layout.
dnnl::memory plainMemory(CpuBackend &backend, const Shape &shape, float *data);
dnnl::memory::dims toDims(const Shape &shape);
dnnl::memory::format_tag plainTag(size_t rank);

} // namespace strata::internal
