#include "strata/summary.h"

#include "core/text_columns.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace strata {

std::string groupThousands(int64_t v)
{
    // The magnitude in unsigned arithmetic: -v overflows for the most negative value.
    const uint64_t magnitude = v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v);
    std::string digits = std::to_string(magnitude);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return v < 0 ? "-" + out : out;
}

std::string humanCount(double v)
{
    const char *units[] = {"", " K", " M", " G", " T"};
    int u = 0;
    // Move up a unit while the value, rounded as it will be printed, reaches 1000: 999,999
    // reads "1.00 M", not "1000.00 K".
    auto rounded = [&] { return u == 0 ? std::round(v) : std::round(v * 100) / 100; };
    while (std::fabs(rounded()) >= 1000 && u < 4) {
        v /= 1000;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f%s" : "%.2f%s", v, units[u]);
    return buf;
}

std::vector<SummaryRow> summaryRows(const Graph &graph, const GraphAnalysis &analysis)
{
    std::vector<SummaryRow> rows;
    std::vector<std::string> order;
    try {
        order = graph.topologicalOrder();
    } catch (const GraphError &) {
        for (const Node &n : graph.nodes())
            order.push_back(n.id);
    }
    for (const std::string &id : order) {
        const Node &n = *graph.find(id);
        const NodeAnalysis *a = analysis.find(id);
        SummaryRow r;
        r.name = n.name.empty() ? n.id : n.name;
        r.type = n.type;
        const bool known = a && a->status == NodeStatus::Ok;
        // Built as one string and moved in: assigning the literal "?" trips a false GCC 12
        // -Wrestrict warning at -O3.
        r.outputShape = known ? "(None, " + toString(a->output) + ")" : std::string("?");
        if (known) {
            r.params = a->params;
            r.flops = a->flops;
        } else if (a && a->status == NodeStatus::Error) {
            r.problem = a->message;
        }
        for (const Edge &e : graph.edges())
            if (e.to.node == id)
                r.connectedTo += (r.connectedTo.empty() ? "" : ", ") + e.from.node;
        rows.push_back(std::move(r));
    }
    return rows;
}

using internal::displayWidth;
using internal::padded;

std::string formatSummary(const std::string &title, const Graph &graph,
                          const GraphAnalysis &analysis)
{
    auto rows = summaryRows(graph, analysis);
    size_t wName = 12, wShape = 12;
    for (const auto &r : rows) {
        wName = std::max(wName, displayWidth(r.name) + displayWidth(r.type) + 3);
        wShape = std::max(wShape, displayWidth(r.outputShape));
    }
    const size_t wParams = 12, wFlops = 12;
    const size_t total = wName + wShape + wParams + wFlops + 6;
    std::string out = "Model: \"" + title + "\"\n";
    out += std::string(total, '_') + "\n";
    out += padded("Layer (type)", wName) + "  " + padded("Output Shape", wShape) + "  " +
           padded("Param #", wParams, true) + "  " + padded("FLOPs", wFlops, true) + "\n";
    out += std::string(total, '=') + "\n";
    for (const auto &r : rows) {
        out += padded(r.name + " (" + r.type + ")", wName) + "  " + padded(r.outputShape, wShape) +
               "  " + padded(groupThousands(r.params), wParams, true) + "  " +
               padded(r.outputShape == "?" ? "" : humanCount(static_cast<double>(r.flops)), wFlops,
                      true) +
               "\n";
        if (!r.problem.empty())
            out += "    ! " + r.problem + "\n";
    }
    out += std::string(total, '=') + "\n";
    out += "Total params: " + groupThousands(analysis.totalParams) + "\n";
    out += "Trainable params: " + groupThousands(analysis.trainableParams) + "\n";
    out +=
        "Non-trainable params: " + groupThousands(analysis.totalParams - analysis.trainableParams) +
        "\n";
    out += "FLOPs per sample (forward): " + humanCount(static_cast<double>(analysis.totalFlops)) +
           "\n";
    out += std::string(total, '_') + "\n";
    for (const auto &e : analysis.errors)
        out += "! " + e + "\n";
    return out;
}

} // namespace strata
