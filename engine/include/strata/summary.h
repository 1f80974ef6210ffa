#pragma once
// The Keras model.summary() equivalent: one row per layer (name, type, output shape,
// parameters, FLOPs) and the totals, as text for the terminal and as rows for the studio.

#include "strata/graph.h"
#include "strata/shape_inference.h"

#include <string>
#include <vector>

namespace strata {

struct SummaryRow
{
    std::string name, type, outputShape, connectedTo;
    int64_t params = 0;
    int64_t flops = 0;
    std::string problem; // empty when the layer is fine
};

std::vector<SummaryRow> summaryRows(const Graph &graph, const GraphAnalysis &analysis);
// The table, ending with total / trainable / non-trainable parameters and FLOPs.
std::string formatSummary(const std::string &title, const Graph &graph,
                          const GraphAnalysis &analysis);
// 1234567 → "1,234,567"; FLOPs as "12.3 M".
std::string groupThousands(int64_t v);
std::string humanCount(double v);

} // namespace strata
