// strata-cli stats: how a model's weights and gradients are distributed, per tensor (what the
// studio's Weights dock draws): from a stored run's history, at one epoch, with each layer's
// weight and gradient norms over the epochs; or from a weights file (weights only).

#include "cli.h"

#include "strata/parameter_stats.h"
#include "strata/project.h"
#include "strata/run_store.h"
#include "strata/weights_file.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace strata::cli {

namespace {

// The histogram as a line of block characters, tallest bin full.
std::string sparkline(const ValueHistogram &h, int width = 16)
{
    static const char *blocks[] = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    const int bins = static_cast<int>(h.counts.size());
    if (bins == 0)
        return {};
    const int merge = std::max(1, bins / width);
    std::vector<int64_t> merged;
    for (int b = 0; b < bins; b += merge) {
        int64_t sum = 0;
        for (int i = b; i < std::min(bins, b + merge); ++i)
            sum += h.counts[size_t(i)];
        merged.push_back(sum);
    }
    const int64_t top = std::max<int64_t>(1, *std::max_element(merged.begin(), merged.end()));
    std::string line;
    for (int64_t c : merged)
        line += blocks[c == 0 ? 0 : 1 + (c * 7) / top];
    return line;
}

std::string shapeText(const Shape &shape)
{
    std::string text;
    for (int64_t d : shape) {
        if (!text.empty())
            text += 'x';
        text += std::to_string(d);
    }
    return text.empty() ? "scalar" : text;
}

void printTable(const std::vector<ParameterStats> &stats)
{
    size_t width = 6;
    for (const ParameterStats &p : stats)
        width = std::max(width, std::min<size_t>(p.name.size(), 40));
    const bool gradients =
        std::any_of(stats.begin(), stats.end(), [](const auto &p) { return p.hasGradients; });
    std::printf("%-*s  %-12s %9s %9s %9s %9s %9s  %-16s%s\n", int(width), "tensor", "shape", "mean",
                "std", "min", "max", "norm", "weights", gradients ? "  grad norm  gradients" : "");
    for (const ParameterStats &p : stats) {
        const ValueStats &w = p.weights;
        std::printf("%-*s  %-12s %9.4f %9.4f %9.4f %9.4f %9.4f  %s", int(width),
                    p.name.substr(0, 40).c_str(), shapeText(p.shape).c_str(), w.mean, w.std, w.min,
                    w.max, w.norm, sparkline(w.histogram).c_str());
        if (p.hasGradients)
            std::printf("  %9.3g  %s", p.gradients.norm, sparkline(p.gradients.histogram).c_str());
        if (w.nonFinite > 0)
            std::printf("  (%lld NaN/Inf)", static_cast<long long>(w.nonFinite));
        std::printf("\n");
    }
}

int fromWeights(const Args &args)
{
    const WeightsFile file = loadWeights(args.get("weights"));
    std::printf("Weights in %s\n", args.get("weights").c_str());
    printTable(parameterStats(file.weights));
    return 0;
}

} // namespace

int runStats(const Args &args)
{
    args.allowOnly({"run", "epoch", "weights"});
    if (args.positional.size() != 1)
        throw UsageError{"expects one project file: strata-cli stats PROJECT.strata "
                         "[--run RUN] [--epoch N], or --weights FILE"};
    if (args.has("weights")) {
        if (args.has("run") || args.has("epoch"))
            throw UsageError{"takes --weights FILE or --run RUN [--epoch N], not both"};
        return fromWeights(args);
    }
    const std::string path = args.positional[0];
    const Project project = loadProject(path);
    RunStore store(runStoreFor(path, project.name));
    const std::vector<RunInfo> runs = store.list();
    if (runs.empty())
        throw Error("no runs yet in " + store.folder() + " ('strata-cli train " + path +
                    "' makes one, or pass --weights FILE)");
    const RunInfo run = args.has("run") ? store.find(args.get("run")) : runs.back();
    const std::vector<EpochMetrics> history = store.historyWithParameters(run);
    std::vector<const EpochMetrics *> epochs;
    for (const EpochMetrics &m : history)
        if (!m.parameters.empty())
            epochs.push_back(&m);
    if (epochs.empty())
        throw Error(run.name + " has no weight statistics: " +
                    (run.history.empty() ? std::string("no epoch of it ended")
                                         : "it was trained by an earlier version of Strata") +
                    "; train again, or pass --weights FILE");
    const int last = epochs.back()->epoch + 1;
    const int chosen = args.getInt("epoch", last);
    auto at = std::find_if(epochs.begin(), epochs.end(),
                           [&](const EpochMetrics *m) { return m->epoch + 1 == chosen; });
    if (at == epochs.end())
        throw UsageError{"--epoch must be one of the run's epochs with statistics: 1 to " +
                         std::to_string(last)};
    std::printf("%s, epoch %d: weights after it, gradients of its last batch\n", run.name.c_str(),
                chosen);
    printTable((*at)->parameters);

    std::printf("\nLayer norms by epoch (weights / gradients):\n%-6s", "epoch");
    const std::vector<LayerNorm> layers = layerNorms(epochs.front()->parameters);
    for (const LayerNorm &l : layers)
        std::printf("  %-21s", l.node.substr(0, 21).c_str());
    std::printf("\n");
    for (const EpochMetrics *m : epochs) {
        std::printf("%-6d", m->epoch + 1);
        for (const LayerNorm &l : layerNorms(m->parameters)) {
            char cell[64];
            std::snprintf(cell, sizeof cell, "%.4g / %.3g", l.weights, l.gradients);
            std::printf("  %-21s", cell);
        }
        std::printf("\n");
    }
    return 0;
}

} // namespace strata::cli
