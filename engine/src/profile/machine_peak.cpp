#include "strata/machine_peak.h"

#include "strata/backend.h"

#include <dnnl.hpp>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace strata {

MachinePeak measureFp32Peak(int threads, double seconds)
{
    const int team = threads > 0 ? threads : cpuThreads();
    omp_set_num_threads(team); // this thread's OpenMP teams, which oneDNN's kernels use
    using Clock = std::chrono::steady_clock;
    constexpr int64_t n = 2048;
    constexpr double flops = 2.0 * double(n) * double(n) * double(n);
    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(engine);
    const dnnl::memory::desc desc({n, n}, dnnl::memory::data_type::f32,
                                  dnnl::memory::format_tag::ab);
    const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(desc, desc, desc), engine); // 2.x
    const dnnl::matmul matmul(pd);
    // Filled, so no denormals or NaNs slow anything down.
    std::vector<float> a(size_t(n * n), 0.5f), b(size_t(n * n), 0.25f), c(size_t(n * n));
    dnnl::memory ma(desc, engine, a.data()), mb(desc, engine, b.data()), mc(desc, engine, c.data());
    const auto run = [&] {
        matmul.execute(stream, {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
        stream.wait();
    };
    run(); // warm-up: the kernel's code, the pages
    MachinePeak peak;
    peak.threads = team;
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

std::string describeAgainstPeak(const ProfileReport &report, const MachinePeak &peak)
{
    char line[256];
    std::snprintf(line, sizeof line,
                  "\nfp32 peak on %d thread%s: %.1f GFLOP/s (oneDNN matmul 2048x2048x2048, best "
                  "of %.1f s)\n",
                  peak.threads, peak.threads == 1 ? "" : "s", peak.gflops, peak.seconds);
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
