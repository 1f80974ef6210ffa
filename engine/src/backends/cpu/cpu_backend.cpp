#include "backends/cpu/cpu_backend.h"

#include <omp.h>

#include <algorithm>
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
    const int threads = cpuThreads();
    return "CPU (" + std::to_string(threads) + (threads == 1 ? " thread" : " threads") +
           ", oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + ")";
}

namespace {

std::string isaName(dnnl::cpu_isa isa)
{
    using I = dnnl::cpu_isa;
    const std::pair<I, const char *> names[] = {{I::avx512_core_amx, "AMX"},
                                                {I::avx512_core_bf16, "AVX512-BF16"},
                                                {I::avx512_core_vnni, "AVX512-VNNI"},
                                                {I::avx512_core, "AVX-512"},
                                                {I::avx2_vnni, "AVX2-VNNI"},
                                                {I::avx2, "AVX2"},
                                                {I::avx, "AVX"},
                                                {I::sse41, "SSE4.1"}};
    for (const auto &[candidate, name] : names)
        if (isa == candidate)
            return name;
    return "an older one";
}

} // namespace

std::string bf16Refusal(dnnl::cpu_isa isa)
{
    // oneDNN's ISA values are bit sets: each one holds the bits of what it extends.
    const auto bits = static_cast<unsigned>(isa);
    const auto bf16 = static_cast<unsigned>(dnnl::cpu_isa::avx512_core_bf16);
    if ((bits & bf16) == bf16)
        return {};
    return "bf16 mixed precision needs a CPU with AVX512-BF16 or AMX (oneDNN would only emulate "
           "bf16 here, slower than fp32); this CPU's best instruction set is " +
           isaName(isa) + ": choose fp32";
}

std::string CpuBackend::precisionRefusal(Precision precision) const
{
    return precision == Precision::Fp32 ? std::string()
                                        : bf16Refusal(dnnl::get_effective_cpu_isa());
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

dnnl::memory::desc channelBlockedDesc(const dnnl::memory::dims &nchw, int64_t block)
{
    using tag = dnnl::memory::format_tag;
    const tag t = block == 16 ? tag::nChw16c : block == 8 ? tag::nChw8c : tag::nchw;
    if (t == tag::nchw && block != 1)
        throw std::logic_error("unsupported channel block " + std::to_string(block));
    return {nchw, dnnl::memory::data_type::f32, t};
}

int64_t channelBlockOf(const dnnl::memory::desc &md)
{
    const dnnl::memory::dims dims = md.dims();
    if (dims.size() != 4 || md.data_type() != dnnl::memory::data_type::f32)
        return 0;
    for (int64_t block : {1, 8, 16})
        if (dims[1] % block == 0 && md == channelBlockedDesc(dims, block))
            return block;
    return 0;
}

dnnl::memory plainMemory(CpuBackend &backend, const Shape &shape, float *data)
{
    dnnl::memory::desc md(toDims(shape), dnnl::memory::data_type::f32, plainTag(shape.size()));
    return dnnl::memory(md, backend.engine(), data);
}

OneThread::OneThread(bool active)
{
    if (active) {
        saved_ = omp_get_max_threads();
        omp_set_num_threads(1);
    }
}

OneThread::~OneThread()
{
    if (saved_ > 0)
        omp_set_num_threads(saved_);
}

bool fitsOneThread(int64_t largestTensorBytes, double flops)
{
    return largestTensorBytes <= (int64_t(1) << 20) && flops <= 4e6;
}

int64_t largestScratchpad(const std::vector<const dnnl::primitive_desc_base *> &pds)
{
    size_t bytes = 0;
    for (const dnnl::primitive_desc_base *pd : pds)
        bytes = std::max(bytes, pd->scratchpad_desc().get_size());
    return static_cast<int64_t>(bytes);
}

} // namespace strata::internal
