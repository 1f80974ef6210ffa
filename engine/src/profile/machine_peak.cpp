#include "strata/machine_peak.h"

#include "backends/cpu/cpu_backend.h"
#include "strata/backend.h"
#include "strata/errors.h"

#include <dnnl.hpp>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace strata {

MachinePeak measurePeak(Precision precision, int threads, double seconds)
{
    const bool bf16 = precision == Precision::Bf16;
    if (bf16)
        if (const std::string refusal = internal::bf16Refusal(dnnl::get_effective_cpu_isa());
            !refusal.empty())
            throw BackendError(refusal);
    const int team = threads > 0 ? threads : cpuThreads();
    omp_set_num_threads(team); // this thread's OpenMP teams, which oneDNN's kernels use
    using Clock = std::chrono::steady_clock;
    constexpr int64_t n = 2048;
    constexpr double flops = 2.0 * double(n) * double(n) * double(n);
    using dt = dnnl::memory::data_type;
    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(engine);
    const dnnl::memory::desc in({n, n}, bf16 ? dt::bf16 : dt::f32, dnnl::memory::format_tag::ab);
    const dnnl::memory::desc out({n, n}, dt::f32, dnnl::memory::format_tag::ab);
    const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(in, in, out), engine); // 2.x
    const dnnl::matmul matmul(pd);
    // Filled, so no denormals or NaNs slow anything down: 0.5 and 0.25 (bf16 is the upper
    // half of the fp32 bits, exact for both).
    const size_t count = size_t(n * n);
    std::vector<float> a(bf16 ? 0 : count, 0.5f), b(bf16 ? 0 : count, 0.25f), c(count);
    std::vector<uint16_t> a16(bf16 ? count : 0, 0x3f00), b16(bf16 ? count : 0, 0x3e80);
    dnnl::memory ma(in, engine, bf16 ? static_cast<void *>(a16.data()) : a.data());
    dnnl::memory mb(in, engine, bf16 ? static_cast<void *>(b16.data()) : b.data());
    dnnl::memory mc(out, engine, c.data());
    const auto run = [&] {
        matmul.execute(stream, {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
        stream.wait();
    };
    run(); // warm-up: the kernel's code, the pages
    MachinePeak peak;
    peak.threads = team;
    peak.precision = precision;
    const auto start = Clock::now();
    double best = 0;
    do {
        const auto t0 = Clock::now();
        run();
        best = std::max(best, flops / std::chrono::duration<double>(Clock::now() - t0).count());
    } while (std::chrono::duration<double>(Clock::now() - start).count() < seconds);
    peak.gflops = best / 1e9;
    peak.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return peak;
}

MachinePeak measureFp32Peak(int threads, double seconds)
{
    return measurePeak(Precision::Fp32, threads, seconds);
}

std::string describeAgainstPeak(const ProfileReport &report, const MachinePeak &peak)
{
    char line[256];
    std::snprintf(line, sizeof line,
                  "\n%s peak on %d thread%s: %.1f GFLOP/s (oneDNN matmul 2048x2048x2048, best "
                  "of %.1f s)\n",
                  toString(peak.precision).c_str(), peak.threads, peak.threads == 1 ? "" : "s",
                  peak.gflops, peak.seconds);
    std::string text = line;
    std::vector<const NodeProfile *> nodes;
    for (const NodeProfile &n : report.nodes)
        if (n.forwardGflops() > 0)
            nodes.push_back(&n);
    std::stable_sort(nodes.begin(), nodes.end(),
                     [](const auto *a, const auto *b) { return a->flops > b->flops; });
    for (const NodeProfile *n : nodes) {
        std::snprintf(line, sizeof line, "  %-30s forward %8.1f GFLOP/s  %5.1f%% of the peak\n",
                      (n->name + " (" + n->type + ")").c_str(), n->forwardGflops(),
                      peak.gflops > 0 ? 100.0 * n->forwardGflops() / peak.gflops : 0.0);
        text += line;
    }
    return text;
}

} // namespace strata
