// strata-probe-bench: what the live decision boundary costs training. Trains a project (the
// spirals example) with weight snapshots after every batch and a probe thread that evaluates
// the latest one on a 100×100 grid with every hidden unit (boundary and neuron maps) at most
// every 100 ms, as the studio does, against the same training with both off; rounds
// alternate which goes first. --snapshots-only leaves the probe thread out.
// --parameter-stats measures instead what the Weights dock's statistics cost (weights and
// gradients summarised at each epoch's end) on any project, e.g. the MNIST CNN on
// Fashion-MNIST with --limit 6720. Not a test: run it on a quiet machine.

#include "strata/backend.h"
#include "strata/decision_boundary.h"
#include "strata/network.h"
#include "strata/parameter_stats.h"
#include "strata/probe.h"
#include "strata/project.h"
#include "strata/trainer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

using namespace strata;
using Clock = std::chrono::steady_clock;

namespace {

struct Timing
{
    double seconds = 0;
    int probes = 0;
};

enum class Mode { Probes, Snapshots, ParameterStats };

Timing trainOnce(const Project &project, const std::string &baseDir, const GridSpec &grid,
                 int epochs, bool on, Mode mode)
{
    TrainerOptions options;
    options.epochs = epochs;
    options.parameterStats = on && mode == Mode::ParameterStats;
    const bool live = on && mode != Mode::ParameterStats;
    const bool probing = on && mode == Mode::Probes;
    SnapshotMailbox mailbox;
    std::atomic<bool> done{false};
    std::atomic<int> probes{0};
    std::thread prober;
    if (live) {
        options.snapshotEvery = 1;
        options.onSnapshot = [&](SnapshotPtr s) { mailbox.put(std::move(s)); };
    }
    if (live && probing) {
        prober = std::thread([&] {
            Probe probe(project);
            const std::vector<std::string> units = probe.hiddenUnitNodes();
            auto next = Clock::now();
            while (!done) {
                std::this_thread::sleep_until(next);
                next += std::chrono::milliseconds(100);
                if (SnapshotPtr s = mailbox.take()) {
                    probe.load(s);
                    evaluateGrid(probe, grid, units);
                    ++probes;
                }
            }
        });
    }
    Trainer trainer(project, baseDir, options);
    const auto start = Clock::now();
    const FinishedEvent f = trainer.run();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    done = true;
    if (prober.joinable())
        prober.join();
    if (f.reason != FinishedEvent::Reason::Completed) {
        std::fprintf(stderr, "strata-probe-bench: training did not complete: %s\n",
                     f.message.c_str());
        std::exit(1);
    }
    return {seconds, probes};
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    std::string path;
    int rounds = 5, epochs = 2000;
    int64_t limit = 0;
    Mode mode = Mode::Probes;
    for (int i = 1; i < argc; ++i) {
        const bool value = i + 1 < argc;
        if (!std::strcmp(argv[i], "--rounds") && value)
            rounds = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--epochs") && value)
            epochs = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--limit") && value)
            limit = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--snapshots-only"))
            mode = Mode::Snapshots;
        else if (!std::strcmp(argv[i], "--parameter-stats"))
            mode = Mode::ParameterStats;
        else if (argv[i][0] != '-' && path.empty())
            path = argv[i];
        else {
            std::fprintf(stderr, "Usage: strata-probe-bench PROJECT [--rounds N] [--epochs N] "
                                 "[--limit SAMPLES] [--snapshots-only | --parameter-stats]\n"
                                 "(PROJECT: a model on 2 input features, e.g. "
                                 "projects/spirals.strata; any model with "
                                 "--parameter-stats)\n");
            return 2;
        }
    }
    if (path.empty()) {
        std::fprintf(stderr, "strata-probe-bench: give a project, e.g. projects/spirals.strata\n");
        return 2;
    }
    try {
        Project project = loadProject(path);
        if (limit > 0)
            project.dataset.limit = limit;
        const std::string baseDir = projectBaseDir(path);
        // The boundary panel's grid: 100×100 cells around the data.
        GridSpec grid;
        if (mode != Mode::ParameterStats) {
            const DatasetBundle data = loadDataset(project.dataset, baseDir);
            grid = gridAround({&data.train}, 100, 100);
        }
        trainOnce(project, baseDir, grid, 1, false, mode); // warm-up: page in code and data
        std::vector<double> off, on, ratios;
        for (int r = 0; r < rounds; ++r) {
            Timing a, b;
            if (r % 2 == 0) {
                a = trainOnce(project, baseDir, grid, epochs, false, mode);
                b = trainOnce(project, baseDir, grid, epochs, true, mode);
            } else {
                b = trainOnce(project, baseDir, grid, epochs, true, mode);
                a = trainOnce(project, baseDir, grid, epochs, false, mode);
            }
            off.push_back(a.seconds);
            on.push_back(b.seconds);
            ratios.push_back(b.seconds / a.seconds);
            std::printf("round %d: off %.3f s, on %.3f s (%d grids probed): ratio %.3f\n", r + 1,
                        a.seconds, b.seconds, b.probes, b.seconds / a.seconds);
            std::fflush(stdout);
        }
        std::printf("median over %d rounds of %d epochs: off %.3f s, on %.3f s, ratio %.3f\n",
                    rounds, epochs, median(off), median(on), median(ratios));
        if (mode == Mode::ParameterStats) {
            // The rounds' spread hides a cost this small: time what an epoch end adds directly
            // on the CPU (the weights are on the host for the checkpoint already, gradients are
            // read in place): the statistics of both, gradients standing in as a second copy of
            // the weights (the same sizes).
            auto backend = createBackend("cpu");
            Network net(project.graph, *backend, parseLossKind(project.training.loss),
                        parseInitConvention(project.training.init), 1);
            constexpr int kRepeats = 20;
            const auto weights = net.weightsToHost();
            const auto start = Clock::now();
            size_t tensors = 0;
            for (int i = 0; i < kRepeats; ++i)
                tensors += parameterStats(weights, weights).size();
            const double ms =
                std::chrono::duration<double, std::milli>(Clock::now() - start).count() / kRepeats;
            const double epoch = median(off) / epochs;
            std::printf("direct cost at an epoch's end: %.2f ms for %zu tensors, %.3f%% of an "
                        "epoch (%.3f s)\n",
                        ms, tensors / kRepeats, 100 * ms / 1000 / epoch, epoch);
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "strata-probe-bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
