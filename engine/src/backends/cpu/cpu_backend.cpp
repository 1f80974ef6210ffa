#include "backends/cpu/cpu_backend.h"

#include <omp.h>

#include <stdexcept>
#include <thread>

namespace strata::internal {

CpuBackend::CpuBackend() : engine_(dnnl::engine::kind::cpu, 0), stream_(engine_)
{
    applyCpuThreads();
}

std::string CpuBackend::description() const
{
    const dnnl_version_t *v = dnnl_version();
    return "CPU (" + std::to_string(cpuThreads()) + " threads, oneDNN " +
           std::to_string(v->major) + "." + std::to_string(v->minor) + ")";
}

CpuBackend &cpuBackendOf(const KernelSetup &setup)
{
    auto *cpu = dynamic_cast<CpuBackend *>(&setup.backend);
    if (!cpu)
        throw std::logic_error("a CPU kernel was created for the " + setup.backend.kind() +
                               " backend");
    return *cpu;
}

dnnl::memory::dims toDims(const Shape &shape)
{
    return dnnl::memory::dims(shape.begin(), shape.end());
}

dnnl::memory::format_tag plainTag(size_t rank)
{
    using tag = dnnl::memory::format_tag;
    switch (rank) {
    case 1:
        return tag::a;
    case 2:
        return tag::ab;
    case 3:
        return tag::abc;
    case 4:
        return tag::abcd;
    case 5:
        return tag::abcde;
    default:
        throw std::logic_error("unsupported tensor rank " + std::to_string(rank));
    }
}

dnnl::memory plainMemory(CpuBackend &backend, const Shape &shape, float *data)
{
    dnnl::memory::desc md(toDims(shape), dnnl::memory::data_type::f32, plainTag(shape.size()));
    return dnnl::memory(md, backend.engine(), data);
}

} // namespace strata::internal
