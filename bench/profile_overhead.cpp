// strata-profile-bench: what the engine profiler costs a training step. For each project it
// trains the model on synthetic data at its batch size (the trainer's step, as strata-bench
// times it) for --seconds with the profiler off and for --seconds with it attached (every
// node's spans timed and recorded, each step's times read), rounds alternating which goes
// first, and prints the milliseconds per step both ways and the median of the rounds' ratios.
// What the hook costs when off is measured by comparing strata-bench of the commit before the
// profiler with the one after (bench/README.md). Not a test: run it on a quiet machine.
//
//   strata-profile-bench PROJECT [MORE...] [--seconds S] [--rounds N] [--threads N]
//
// --threads: CPU threads (default 2; 0: the trainer's automatic choice).

#include "core/profiler.h"
#include "data/synthetic_data.h"
#include "optim/optimizer.h"
#include "strata/backend.h"
#include "strata/errors.h"
#include "strata/network.h"
#include "strata/project.h"
#include "train/cpu_threads.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

using namespace strata;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int64_t kPoolBatches = 16;

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// One model, compiled once; steps with or without the profiler.
class Run
{
public:
    Run(const Project &project, int threads) : project_(project)
    {
        const TrainingSpec &spec = project.training;
        setCpuThreads(threads);
        backend_ = createBackend("cpu");
        net_ = std::make_unique<Network>(project.graph, *backend_, parseLossKind(spec.loss),
                                         parseInitConvention(spec.init), spec.seed);
        if (threads == 0) // the trainer's rule for an automatic thread count
            setCpuThreads(internal::automaticCpuThreads(net_->analysis(), spec.batchSize));
        optimizer_ = makeOptimizer(spec.optimizer, *backend_, net_->parameters());
        batch_ = spec.batchSize;
        data_ = internal::syntheticData(*net_, batch_ * kPoolBatches, spec.seed + 7);
        order_.resize(static_cast<size_t>(batch_ * kPoolBatches));
        std::iota(order_.begin(), order_.end(), 0);
    }

    int64_t batch() const { return batch_; }

    // Milliseconds per step over about `seconds`.
    double measure(double seconds, bool profiled)
    {
        internal::Profiler profiler(backend_->createClock(),
                                    static_cast<int>(project_.graph.nodes().size()),
                                    net_->parameterNodes());
        internal::Profiler *p = profiled ? &profiler : nullptr;
        net_->setProfiler(p);
        optimizer_->setProfiler(p);
        int64_t steps = 0;
        const auto start = Clock::now();
        double elapsed = 0;
        while (elapsed < seconds) {
            step(p);
            ++steps;
            elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        }
        net_->setProfiler(nullptr);
        optimizer_->setProfiler(nullptr);
        return 1000.0 * elapsed / double(steps);
    }

private:
    void step(internal::Profiler *p)
    {
        data_.gather(order_, next_ * batch_, batch_, x_, y_);
        next_ = (next_ + 1) % kPoolBatches;
        if (p)
            p->beginStep();
        net_->trainStep(x_, y_);
        const LossTotals t = net_->takeTotals();
        if (!std::isfinite(t.lossSum) || !net_->gradientsFinite())
            throw Error("the loss or gradients became NaN or infinite on synthetic data");
        optimizer_->step();
        if (p)
            p->endStep();
    }

    const Project &project_;
    std::unique_ptr<Backend> backend_;
    std::unique_ptr<Network> net_;
    std::unique_ptr<Optimizer> optimizer_;
    int64_t batch_ = 0;
    Dataset data_;
    std::vector<int64_t> order_;
    int64_t next_ = 0;
    Tensor x_, y_;
};

} // namespace

int main(int argc, char **argv)
{
    std::vector<std::string> projects;
    double seconds = 3;
    int rounds = 5, threads = 2;
    for (int i = 1; i < argc; ++i) {
        const bool value = i + 1 < argc;
        if (!std::strcmp(argv[i], "--seconds") && value)
            seconds = std::max(0.1, std::atof(argv[++i]));
        else if (!std::strcmp(argv[i], "--rounds") && value)
            rounds = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--threads") && value)
            threads = std::max(0, std::atoi(argv[++i]));
        else if (argv[i][0] == '-') {
            std::fprintf(stderr, "Usage: strata-profile-bench PROJECT [MORE...] [--seconds S] "
                                 "[--rounds N] [--threads N]\n");
            return 2;
        } else
            projects.push_back(argv[i]);
    }
    if (projects.empty()) {
        std::fprintf(stderr, "strata-profile-bench: name at least one project file\n");
        return 2;
    }
    try {
        std::printf("%-28s %6s %12s %12s %10s  %s\n", "project", "batch", "off ms/step",
                    "on ms/step", "on / off", "per round");
        for (const std::string &path : projects) {
            const Project project = loadProject(path);
            Run run(project, threads);
            run.measure(1.0, false); // warm-up: primitives, caches, the thread pool
            run.measure(0.5, true);
            std::vector<double> off, on, ratios;
            for (int r = 0; r < rounds; ++r) {
                const bool profiledFirst = r % 2 == 1;
                const double first = run.measure(seconds, profiledFirst);
                const double second = run.measure(seconds, !profiledFirst);
                on.push_back(profiledFirst ? first : second);
                off.push_back(profiledFirst ? second : first);
                ratios.push_back(on.back() / off.back());
            }
            std::string perRound;
            for (double r : ratios) {
                char text[16];
                std::snprintf(text, sizeof text, "%s%.3f", perRound.empty() ? "" : ", ", r);
                perRound += text;
            }
            std::printf("%-28s %6lld %12.3f %12.3f %9.3fx  %s\n",
                        project.name.substr(0, 28).c_str(), static_cast<long long>(run.batch()),
                        median(off), median(on), median(ratios), perRound.c_str());
            std::fflush(stdout);
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "strata-profile-bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
