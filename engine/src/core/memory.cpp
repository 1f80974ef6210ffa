#include "strata/memory.h"

#include "optim/optimizer.h"
#include "strata/training_spec.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include <unistd.h>

namespace strata {

namespace {

// "123", "64M", "2G", "1.5g" → bytes; NaN when it is not such a number.
double parseSize(std::string text)
{
    if (text.empty())
        return std::nan("");
    double unit = 1;
    switch (std::toupper(static_cast<unsigned char>(text.back()))) {
    case 'K':
        unit = 1024.0;
        break;
    case 'M':
        unit = 1024.0 * 1024;
        break;
    case 'G':
        unit = 1024.0 * 1024 * 1024;
        break;
    }
    if (unit != 1)
        text.pop_back();
    char *end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0' || !(v >= 0))
        return std::nan("");
    return v * unit;
}

double meminfoAvailable()
{
    std::ifstream in("/proc/meminfo");
    std::string key, unit;
    double kb = 0;
    while (in >> key >> kb) {
        std::getline(in, unit);
        if (key == "MemAvailable:")
            return kb * 1024;
    }
    const long pages = sysconf(_SC_AVPHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? double(pages) * double(size)
                                 : std::numeric_limits<double>::infinity();
}

// cgroup v2: what the group may still use (memory.max - memory.current); unlimited: inf.
double cgroupAvailable()
{
    std::ifstream maxFile("/sys/fs/cgroup/memory.max"),
        currentFile("/sys/fs/cgroup/memory.current");
    std::string max;
    double current = 0;
    if (!(maxFile >> max) || max == "max" || !(currentFile >> current))
        return std::numeric_limits<double>::infinity();
    const double limit = parseSize(max);
    return std::isnan(limit) ? std::numeric_limits<double>::infinity()
                             : std::max(0.0, limit - current);
}

} // namespace

TrainingMemory estimateTrainingMemory(const GraphAnalysis &analysis, int64_t batchSize,
                                      const OptimizerSpec &optimizer)
{
    constexpr double kFloat = sizeof(float);
    TrainingMemory m;
    m.weights = double(analysis.totalParams) * kFloat;
    m.gradients = double(analysis.trainableParams) * kFloat;
    m.optimizer =
        double(optimizerSlotNames(optimizer).size()) * double(analysis.trainableParams) * kFloat;
    for (const NodeAnalysis &node : analysis.nodes) {
        double values = double(batchSize);
        for (int64_t d : node.output)
            values *= double(d);
        // The output, and its gradient except for the input batch (nothing flows back there).
        m.activations += values * kFloat * (node.id == analysis.inputNode ? 1 : 2);
    }
    return m;
}

std::string describeTrainingMemory(const TrainingMemory &m, int64_t batchSize)
{
    return "Training memory at batch size " + std::to_string(batchSize) + ": about " +
           formatBytes(m.total()) + " (weights " + formatBytes(m.weights) + ", gradients " +
           formatBytes(m.gradients) + ", optimizer " + formatBytes(m.optimizer) + ", activations " +
           formatBytes(m.activations) + ")";
}

double availableMemory()
{
    double available = std::min(meminfoAvailable(), cgroupAvailable());
    if (const char *limit = std::getenv("STRATA_MEMORY_LIMIT"); limit && *limit) {
        const double v = parseSize(limit);
        if (!std::isnan(v))
            available = std::min(available, v);
    }
    return available;
}

std::string formatBytes(double bytes)
{
    static const char *units[] = {"bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
    int u = 0;
    while (bytes >= 1024 && u < 6) {
        bytes /= 1024;
        ++u;
    }
    char text[32];
    if (u == 0)
        std::snprintf(text, sizeof text, "%.0f bytes", bytes);
    else
        std::snprintf(text, sizeof text, bytes < 10 ? "%.1f %s" : "%.0f %s", bytes, units[u]);
    return text;
}

std::string memoryShortfall(double bytes, const std::string &what, const std::string &hint)
{
    const double available = availableMemory();
    if (bytes <= available)
        return {};
    return what + " needs about " + formatBytes(bytes) + " of memory, but only " +
           formatBytes(available) + " is available" + (hint.empty() ? "" : "; " + hint);
}

} // namespace strata
