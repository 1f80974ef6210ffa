#include "ui/auto_layout.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace strata::ui {

QHash<QString, QPointF> layeredLayout(const Graph &graph, LayoutDirection direction, int wrapAfter)
{
    std::vector<std::string> order;
    try {
        order = graph.topologicalOrder();
    } catch (const GraphError &) {
        for (const Node &n : graph.nodes())
            order.push_back(n.id);
    }
    // Row = longest path from a source, so every link points downwards.
    std::map<std::string, int> depth;
    for (const std::string &id : order) {
        int d = 0;
        for (const Edge &e : graph.edges())
            if (e.to.node == id && depth.count(e.from.node))
                d = std::max(d, depth[e.from.node] + 1);
        depth[id] = d;
    }
    std::map<int, std::vector<std::string>> rows;
    for (const std::string &id : order)
        rows[depth[id]].push_back(id);

    // Across the rows (x top to bottom, y left to right): ordered by the mean place of each
    // node's inputs (barycentre), then by input port.
    const bool leftToRight = direction == LayoutDirection::LeftToRight;
    const double crossStep = leftToRight ? kRowStep : kColumnStep;
    std::map<std::string, double> across;
    for (auto &[row, ids] : rows) {
        std::vector<std::pair<double, std::string>> keyed;
        for (const std::string &id : ids) {
            double sum = 0;
            int count = 0;
            for (const Edge &e : graph.edges())
                if (e.to.node == id && across.count(e.from.node)) {
                    sum += across[e.from.node] + e.to.port * 0.001;
                    ++count;
                }
            keyed.emplace_back(count ? sum / count : 0.0, id);
        }
        std::stable_sort(keyed.begin(), keyed.end(),
                         [](const auto &a, const auto &b) { return a.first < b.first; });
        // Centre the row under its parents when it has them, else around 0 (the nodes' left
        // or top edge throughout).
        double wanted = 0;
        for (const auto &k : keyed)
            wanted += k.first;
        wanted /= static_cast<double>(keyed.size());
        double at = wanted - (static_cast<double>(keyed.size()) - 1) * crossStep / 2;
        for (const auto &k : keyed) {
            across[k.second] = at;
            at += crossStep;
        }
    }

    QHash<QString, QPointF> out;
    if (!leftToRight) {
        for (const auto &[id, x] : across)
            out.insert(QString::fromStdString(id), QPointF(std::round(x), depth[id] * kRowStep));
        return out;
    }
    // Left to right, in bands of wrapAfter columns stacked like lines of text.
    const int wrap = wrapAfter > 0 ? wrapAfter : std::numeric_limits<int>::max();
    std::map<int, std::pair<double, double>> extent; // band: lowest and highest y
    for (const auto &[id, y] : across) {
        const int band = depth[id] / wrap;
        auto [it, fresh] = extent.try_emplace(band, y, y);
        it->second.first = std::min(it->second.first, y);
        it->second.second = std::max(it->second.second, y);
    }
    constexpr double kBandGap = 60; // more than between rows, so bands read apart
    std::map<int, double> shift;
    double top = 0;
    for (const auto &[band, e] : extent) {
        shift[band] = top - e.first;
        top += e.second - e.first + kRowStep + kBandGap;
    }
    for (const auto &[id, y] : across) {
        const int d = depth[id];
        out.insert(QString::fromStdString(id),
                   QPointF((d % wrap) * kColumnStep, std::round(y + shift[d / wrap])));
    }
    return out;
}

} // namespace strata::ui
