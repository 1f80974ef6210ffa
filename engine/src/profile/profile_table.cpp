// The profile as a terminal table, in the manner of PyTorch profiler's
// key_averages().table(): the nodes sorted by their time, then the totals.

#include "strata/profile.h"

#include "core/text_columns.h"
#include "strata/summary.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace strata {

namespace {

using internal::displayWidth;
using internal::padded;

std::string fixed(double v, int decimals)
{
    char text[48];
    std::snprintf(text, sizeof text, "%.*f", decimals, v);
    return text;
}

std::string milliseconds(double ms)
{
    return fixed(ms, ms >= 100 ? 1 : ms >= 10 ? 2 : 3);
}

std::string percent(double part, double whole)
{
    return whole > 0 ? fixed(100.0 * part / whole, 1) + "%" : "-";
}

struct Column
{
    std::string title;
    bool right;
    size_t width = 0;
};

// The nodes with time of their own, slowest first; those inside a consumer last, in order.
std::vector<const NodeProfile *> rowOrder(const ProfileReport &report)
{
    std::vector<const NodeProfile *> rows;
    for (const NodeProfile &n : report.nodes)
        rows.push_back(&n);
    std::stable_sort(rows.begin(), rows.end(), [](const NodeProfile *a, const NodeProfile *b) {
        if (a->insideConsumer != b->insideConsumer)
            return b->insideConsumer;
        return a->totalMs() > b->totalMs();
    });
    return rows;
}

std::vector<std::string> nodeCells(const NodeProfile &n, double stepMs)
{
    const std::string label = n.name + " (" + n.type + ")";
    if (n.insideConsumer)
        return {label, "-", "-", "-", "-", "-", "-", "-", "-", "inside " + n.consumer};
    const double other = n.phaseMs(ProfilePhase::Loss) + n.phaseMs(ProfilePhase::DataCopy);
    const double gflops = n.forwardGflops();
    return {label,
            milliseconds(n.phaseMs(ProfilePhase::Forward)),
            milliseconds(n.phaseMs(ProfilePhase::Backward)),
            milliseconds(n.phaseMs(ProfilePhase::Reorder)),
            milliseconds(n.phaseMs(ProfilePhase::Update)),
            milliseconds(other),
            percent(n.totalMs(), stepMs),
            gflops > 0 ? fixed(gflops, 1) : "-",
            formatBytes(n.memory.total()),
            n.kernel};
}

std::string phaseTotals(const ProfileReport &report)
{
    std::string out = "By phase:";
    const ProfilePhase order[] = {ProfilePhase::Forward, ProfilePhase::Backward,
                                  ProfilePhase::Reorder, ProfilePhase::Update,
                                  ProfilePhase::Loss,    ProfilePhase::DataCopy};
    bool first = true;
    for (ProfilePhase p : order) {
        out += std::string(first ? " " : ", ") + phaseName(p) + " " +
               milliseconds(report.phaseMs(p)) + " ms";
        first = false;
    }
    return out + "\n";
}

std::string memoryLine(const ProfileReport &report)
{
    const NodeMemory &m = report.memory;
    return "Memory: " + formatBytes(m.total()) + " (activations " + formatBytes(m.activations) +
           ", their gradients " + formatBytes(m.activationGradients) + ", weights " +
           formatBytes(m.weights) + ", weight gradients " + formatBytes(m.weightGradients) +
           ", optimizer state " + formatBytes(m.optimizer) + ", kernel workspace " +
           formatBytes(m.workspace) +
           "); shape inference's estimate: " + formatBytes(report.estimate.total()) + "\n";
}

} // namespace

std::string formatProfileTable(const ProfileReport &report)
{
    const double stepMs = report.stepMs();
    std::vector<Column> columns = {
        {"Node (type)", false}, {"Forward ms", true}, {"Backward ms", true}, {"Reorder ms", true},
        {"Update ms", true},    {"Other ms", true},   {"Share", true},       {"GFLOP/s", true},
        {"Memory", true},       {"Kernel", false}};
    std::vector<std::vector<std::string>> rows;
    for (const NodeProfile *n : rowOrder(report))
        rows.push_back(nodeCells(*n, stepMs));
    std::vector<std::string> total = {
        "Total",
        milliseconds(report.phaseMs(ProfilePhase::Forward)),
        milliseconds(report.phaseMs(ProfilePhase::Backward)),
        milliseconds(report.phaseMs(ProfilePhase::Reorder)),
        milliseconds(report.phaseMs(ProfilePhase::Update)),
        milliseconds(report.phaseMs(ProfilePhase::Loss) + report.phaseMs(ProfilePhase::DataCopy)),
        percent(report.nodesMs(), stepMs),
        "",
        formatBytes(report.memory.total()),
        ""};
    for (size_t c = 0; c < columns.size(); ++c) {
        columns[c].width = displayWidth(columns[c].title);
        for (const auto &row : rows)
            columns[c].width = std::max(columns[c].width, displayWidth(row[c]));
        columns[c].width = std::max(columns[c].width, displayWidth(total[c]));
    }
    columns.back().width = displayWidth(columns.back().title); // the last column runs on
    const auto line = [&](const std::vector<std::string> &cells) {
        std::string out;
        for (size_t c = 0; c < columns.size(); ++c)
            out += (c ? "  " : "") + padded(cells[c], columns[c].width, columns[c].right);
        while (!out.empty() && out.back() == ' ')
            out.pop_back();
        return out + "\n";
    };
    size_t ruleWidth = 0;
    for (const Column &c : columns)
        ruleWidth += c.width + 2;
    const std::string rule(ruleWidth - 2, '-');

    std::string out =
        "Profile of \"" + report.project + "\": " + std::to_string(report.steps.size()) +
        " training steps at batch size " + std::to_string(report.batchSize) +
        (report.epoch >= 0
             ? ", timed during training, up to epoch " + std::to_string(report.epoch + 1) +
                   " batch " + std::to_string(report.batch + 1) + "\n"
             : ", after " + std::to_string(report.warmup) + " warm-up steps\n");
    out += "Device: " + report.device + "; timed with the " + report.clock + "\n\n";
    std::vector<std::string> titles;
    for (const Column &c : columns)
        titles.push_back(c.title);
    out += line(titles) + rule + "\n";
    for (const auto &row : rows)
        out += line(row);
    out += rule + "\n" + line(total) + "\n";
    out += "Other: the loss (on the output node) and the batch copy (on the Input). Share: of "
           "the step.\nGFLOP/s: the forward pass's FLOPs (from shape inference) over its time.\n";
    out += phaseTotals(report);
    const double outside = report.outsideNodesMs();
    out += "Outside the nodes: " + milliseconds(outside) + " ms (" + percent(outside, stepMs) +
           "): the NaN/Inf guard, the loss totals, bookkeeping between kernels\n";
    double fastest = 0, slowest = 0;
    for (size_t i = 0; i < report.steps.size(); ++i) {
        const double ms = report.steps[i].durationUs / 1000.0;
        fastest = i == 0 ? ms : std::min(fastest, ms);
        slowest = i == 0 ? ms : std::max(slowest, ms);
    }
    out += "Step time: " + milliseconds(stepMs) + " ms (mean of " +
           std::to_string(report.steps.size()) + " steps; fastest " + milliseconds(fastest) +
           ", slowest " + milliseconds(slowest) + "), " +
           groupThousands(static_cast<int64_t>(
               stepMs > 0 ? double(report.batchSize) * 1000.0 / stepMs + 0.5 : 0)) +
           " samples/s\n";
    out += memoryLine(report);
    return out;
}

} // namespace strata
