// strata-bench: training throughput of the example models on synthetic data.
//
// Each model is loaded from its example project (graph, batch size, optimizer, loss, init),
// compiled for the CPU backend and trained on random inputs of its input shape with random
// labels, for a fixed time after a short warm-up. The step is the trainer's own: gather a
// shuffled batch, Network::trainStep, takeTotals, the NaN/Inf guard (gradientsFinite) and
// Optimizer::step, with plain SGD fused into large Dense layers as the trainer fuses it
// (--unfused: without, to measure what the fusion gains). It prints samples/s per model and the
// training GFLOP/s they mean (FLOPs from shape inference, strata/node_costs.h), as a table or one
// JSON object per line. With
// --peak it first measures the machine's fp32 and bf16 GEMM peaks at the thread count
// (strata/machine_peak.h) and shows each model's GFLOP/s as a share of its precision's peak.
// --project FILE benchmarks any project the same way (an imported torchvision model, say),
// named by its file name without the extension.
//
//   strata-bench [--seconds S] [--threads N] [--models a,b,...] [--projects DIR] [--json]
//                [--project FILE]... [--device cpu|cuda[:N]] [--precision fp32|bf16] [--peak]
//                [--unfused]
//
// This is a benchmark, not a test: its numbers mean something only on a quiet machine.

#include "data/synthetic_data.h"
#include "optim/optimizer.h"
#include "strata/backend.h"
#include "strata/dataset.h"
#include "strata/errors.h"
#include "strata/machine_peak.h"
#include "strata/network.h"
#include "strata/node_costs.h"
#include "strata/project.h"
#include "train/cpu_threads.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// The benchmarked models: a short name and the example project that defines it.
struct ModelEntry
{
    const char *name;
    const char *project;
};

constexpr ModelEntry kExamples[] = {
    {"mlp", "keras_mlp_dummy"},
    {"mnist_cnn", "keras_mnist_cnn"},
    {"cifar10_cnn", "keras_cifar10_cnn"},
    {"lenet", "pytorch_cifar10_lenet"},
    {"or_gate", "or_gate"},
};

// Batches of synthetic data per model: the trainer gathers each batch from a shuffled dataset,
// so the benchmark does too, from a pool this many batches large.
constexpr int kPoolBatches = 16;
// The warm-up: at least this long and this many steps before the clock starts.
constexpr double kWarmupSeconds = 1.0;
constexpr int kWarmupSteps = 5;

// One model to benchmark: its name in the output and its project file.
struct Model
{
    std::string name;
    fs::path project;
};

struct Options
{
    double seconds = 10;
    int threads = 2; // 0: the trainer's automatic choice
    std::vector<std::string> models;
    std::vector<std::string> projects; // --project: any project file
    std::string projectsDir;
    bool json = false;
    std::string device = "cpu"; // "cpu", "cuda" or "cuda:N"
    strata::Precision precision = strata::Precision::Fp32;
    bool peak = false;
    bool fusedUpdates = true; // --unfused: off
};

struct Result
{
    std::string model;
    int batch = 0;
    int64_t steps = 0;
    double seconds = 0;
    double samplesPerSecond = 0;
    int threads = 0;
    double finalLoss = 0; // the last measured step's mean loss, a sanity check
    double gflops = 0;    // training FLOPs per second
};

[[noreturn]] void usage(const std::string &error)
{
    if (!error.empty())
        std::fprintf(stderr, "strata-bench: %s\n\n", error.c_str());
    std::fprintf(error.empty() ? stdout : stderr,
                 "Usage: strata-bench [--seconds S] [--threads N] [--models a,b,...] "
                 "[--projects DIR] [--project FILE]... [--json]\n"
                 "  --seconds S     measured time per model after a warm-up (default 10)\n"
                 "  --threads N     CPU threads (default 2; 0: the trainer's automatic choice)\n"
                 "  --models LIST   comma-separated, from: mlp, mnist_cnn, cifar10_cnn, lenet,"
                 " or_gate\n"
                 "                  (default: all; project file names are accepted too)\n"
                 "  --projects DIR  where the example .strata files are (default:\n"
                 "                  <exe dir>/../../projects, then ./projects)\n"
                 "  --project FILE  also benchmark this project (repeatable), named by its file\n"
                 "                  name without .strata; alone, only the projects given\n"
                 "  --json          one JSON object per model and line\n"
                 "  --device D      cpu (default), cuda or cuda:N\n"
                 "  --precision P   fp32 (default) or bf16 (mixed precision)\n"
                 "  --peak          first measure the fp32 and bf16 GEMM peaks at the thread\n"
                 "                  count; then each model's GFLOP/s as a share of its peak\n"
                 "  --unfused       plain SGD's update of large Dense layers from their\n"
                 "                  gradients, not fused into their GEMM as the trainer does\n");
    std::exit(error.empty() ? 0 : 2);
}

std::vector<std::string> splitList(const std::string &text)
{
    std::vector<std::string> items;
    std::stringstream stream(text);
    std::string item;
    while (std::getline(stream, item, ','))
        if (!item.empty())
            items.push_back(item);
    return items;
}

double parseNumber(const std::string &flag, const std::string &text)
{
    try {
        size_t used = 0;
        const double value = std::stod(text, &used);
        if (used == text.size())
            return value;
    } catch (const std::exception &) {
    }
    usage(flag + " expects a number but got '" + text + "'");
}

Options parseOptions(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                usage(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            usage("");
        } else if (arg == "--seconds") {
            o.seconds = parseNumber(arg, value());
            if (!(o.seconds > 0))
                usage("--seconds must be positive");
        } else if (arg == "--threads") {
            const double t = parseNumber(arg, value());
            if (t < 0 || t != static_cast<int>(t))
                usage("--threads expects a whole number >= 0");
            o.threads = static_cast<int>(t);
        } else if (arg == "--models") {
            o.models = splitList(value());
        } else if (arg == "--projects") {
            o.projectsDir = value();
        } else if (arg == "--project") {
            o.projects.push_back(value());
        } else if (arg == "--json") {
            o.json = true;
        } else if (arg == "--device") {
            o.device = value();
        } else if (arg == "--precision") {
            try {
                o.precision = strata::parsePrecision(value());
            } catch (const strata::Error &e) {
                usage(e.what());
            }
        } else if (arg == "--peak") {
            o.peak = true;
        } else if (arg == "--unfused") {
            o.fusedUpdates = false;
        } else {
            usage("unknown argument '" + arg + "'");
        }
    }
    if (o.models.empty() && o.projects.empty())
        for (const auto &m : kExamples)
            o.models.push_back(m.name);
    return o;
}

const ModelEntry &findExample(const std::string &name)
{
    for (const auto &m : kExamples)
        if (name == m.name || name == m.project)
            return m;
    usage("unknown model '" + name + "'");
}

// --projects, else <exe dir>/../../projects (build/bench/strata-bench in a source tree),
// else ./projects.
fs::path findProjectsDir(const Options &o, const char *argv0)
{
    if (!o.projectsDir.empty())
        return o.projectsDir;
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec)
        exe = fs::absolute(argv0, ec);
    const fs::path candidates[] = {exe.parent_path() / ".." / ".." / "projects", "projects"};
    for (const auto &dir : candidates)
        if (fs::exists(dir / "keras_mnist_cnn.strata", ec))
            return dir.lexically_normal();
    throw strata::Error("cannot find the example projects (looked in " +
                        candidates[0].lexically_normal().string() +
                        " and ./projects): pass --projects DIR");
}

// The examples named by --models, then the --project files.
std::vector<Model> modelsToRun(const Options &o, const char *argv0)
{
    std::vector<Model> models;
    if (!o.models.empty()) {
        const fs::path dir = findProjectsDir(o, argv0);
        for (const auto &name : o.models) {
            const ModelEntry &entry = findExample(name);
            models.push_back({entry.name, dir / (std::string(entry.project) + ".strata")});
        }
    }
    for (const auto &file : o.projects)
        models.push_back({fs::path(file).stem().string(), file});
    return models;
}

Result benchmark(const Model &model, const Options &o)
{
    const strata::Project project = strata::loadProject(model.project.string());
    const strata::TrainingSpec &spec = project.training;

    // As the trainer does: threads first, then the backend and the network.
    strata::setCpuThreads(o.threads);
    auto backend = strata::createBackend(o.device);
    strata::Network net(project.graph, *backend, strata::parseLossKind(spec.loss),
                        strata::parseInitConvention(spec.init), spec.seed);
    if (o.threads == 0) // the trainer's rule for an automatic thread count
        strata::setCpuThreads(
            strata::internal::automaticCpuThreads(net.analysis(), spec.batchSize));
    net.setPrecision(o.precision); // refused where the backend would only emulate it
    auto optimizer = strata::makeOptimizer(spec.optimizer, *backend, net.parameters());
    if (o.fusedUpdates) // as the trainer does
        net.setFusedUpdates(strata::connectFusedUpdates(*optimizer, net));

    const int batch = spec.batchSize;
    const int64_t samples = static_cast<int64_t>(batch) * kPoolBatches;
    const strata::Dataset data = strata::internal::syntheticData(net, samples, spec.seed + 7);
    std::vector<int64_t> order(static_cast<size_t>(samples));
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 shuffleRng(spec.seed + 1);

    strata::Tensor x, y;
    int64_t position = samples; // forces a shuffle before the first batch
    double lastLoss = 0;
    auto step = [&] {
        if (position + batch > samples) {
            std::shuffle(order.begin(), order.end(), shuffleRng);
            position = 0;
        }
        data.gather(order, position, batch, x, y);
        position += batch;
        net.trainStep(x, y);
        const strata::LossTotals t = net.takeTotals();
        if (!std::isfinite(t.lossSum) || !net.gradientsFinite()) {
            net.revertStepState();
            throw strata::Error(model.name + ": the loss or gradients became NaN or infinite "
                                             "on synthetic data");
        }
        optimizer->step();
        lastLoss = t.lossSum / static_cast<double>(std::max<int64_t>(t.count, 1));
    };

    // Warm-up: primitives, caches and the thread pool settle.
    const auto warmupStart = Clock::now();
    for (int s = 0;
         s < kWarmupSteps ||
         std::chrono::duration<double>(Clock::now() - warmupStart).count() < kWarmupSeconds;
         ++s)
        step();

    Result r;
    r.model = model.name;
    r.batch = batch;
    r.threads = strata::cpuThreads();
    const auto start = Clock::now();
    double elapsed = 0;
    while (elapsed < o.seconds) {
        step();
        ++r.steps;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    }
    r.seconds = elapsed;
    r.samplesPerSecond = static_cast<double>(r.steps) * batch / elapsed;
    r.finalLoss = lastLoss;
    r.gflops = strata::trainingFlops(net.analysis(), batch) * double(r.steps) / elapsed / 1e9;
    return r;
}

// --peak: the fp32 and bf16 peaks at the thread count (a precision the CPU cannot compute in
// natively is reported and left out). The figure for `o.precision`, or 0 when not measured.
double measurePeaks(const Options &o)
{
    double mine = 0;
    for (strata::Precision p : {strata::Precision::Fp32, strata::Precision::Bf16}) {
        try {
            const strata::MachinePeak peak = strata::measurePeak(p, o.threads, 1.0);
            if (o.json) {
                const nlohmann::json line = {{"peak", strata::toString(p)},
                                             {"gflops", peak.gflops},
                                             {"threads", peak.threads}};
                std::printf("%s\n", line.dump().c_str());
            } else {
                std::printf("%s peak on %d thread%s: %.1f GFLOP/s (oneDNN matmul 2048^3)\n",
                            strata::toString(p).c_str(), peak.threads, peak.threads == 1 ? "" : "s",
                            peak.gflops);
            }
            if (p == o.precision)
                mine = peak.gflops;
        } catch (const strata::BackendError &e) {
            std::printf("%s peak: not measured (%s)\n", strata::toString(p).c_str(), e.what());
        }
        std::fflush(stdout);
    }
    return mine;
}

} // namespace

int main(int argc, char **argv)
{
    const Options o = parseOptions(argc, argv);
    try {
        const std::vector<Model> models = modelsToRun(o, argv[0]);
        const double peak = o.peak ? measurePeaks(o) : 0.0;
        const std::string precision = strata::toString(o.precision);
        if (!o.json) {
            auto backend = strata::createBackend(o.device);
            std::printf("strata-bench: %s, %s, %.3g s per model after a warm-up%s%s\n",
                        backend->description().c_str(), precision.c_str(), o.seconds,
                        o.models.empty() ? "" : ", projects in ",
                        o.models.empty() ? "" : findProjectsDir(o, argv[0]).c_str());
            std::printf("%-12s %6s %8s %8s %8s %14s %10s%s\n", "model", "batch", "threads", "steps",
                        "seconds", "samples/s", "GFLOP/s", peak > 0 ? "  of peak" : "");
            std::fflush(stdout);
        }
        for (const Model &model : models) {
            const Result r = benchmark(model, o);
            const double share = peak > 0 ? r.gflops / peak : 0.0;
            if (o.json) {
                nlohmann::json line = {
                    {"model", r.model},       {"samples_per_second", r.samplesPerSecond},
                    {"steps", r.steps},       {"batch", r.batch},
                    {"seconds", r.seconds},   {"threads", r.threads},
                    {"device", o.device},     {"loss", r.finalLoss},
                    {"precision", precision}, {"gflops", r.gflops}};
                if (peak > 0)
                    line["peak_share"] = share;
                std::printf("%s\n", line.dump().c_str());
            } else {
                std::printf("%-12s %6d %8d %8lld %8.2f %14.1f %10.1f", r.model.c_str(), r.batch,
                            r.threads, static_cast<long long>(r.steps), r.seconds,
                            r.samplesPerSecond, r.gflops);
                if (peak > 0)
                    std::printf("  %6.1f%%", 100 * share);
                std::printf("\n");
            }
            std::fflush(stdout);
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "strata-bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
