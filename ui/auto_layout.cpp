#include "ui/auto_layout.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace strata::ui {

QHash<QString, QPointF> layeredLayout(const Graph &graph)
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

    QHash<QString, QPointF> out;
    std::map<std::string, double> centreX;
    for (auto &[row, ids] : rows) {
        // Order a row by the mean x of its inputs (barycentre), then by input port.
        std::vector<std::pair<double, std::string>> keyed;
        for (const std::string &id : ids) {
            double sum = 0;
            int count = 0;
            for (const Edge &e : graph.edges())
                if (e.to.node == id && centreX.count(e.from.node)) {
                    sum += centreX[e.from.node] + e.to.port * 0.001;
                    ++count;
                }
            keyed.emplace_back(count ? sum / count : 0.0, id);
        }
        std::stable_sort(keyed.begin(), keyed.end(),
                         [](const auto &a, const auto &b) { return a.first < b.first; });
        // Centre the row under its parents when it has them, else around x = 0 (x is the
        // nodes' left edge throughout).
        double wanted = 0;
        for (const auto &k : keyed)
            wanted += k.first;
        wanted /= static_cast<double>(keyed.size());
        const double width = (static_cast<double>(keyed.size()) - 1) * kColumnStep;
        double x = wanted - width / 2;
        for (const auto &k : keyed) {
            centreX[k.second] = x;
            out.insert(QString::fromStdString(k.second), QPointF(std::round(x), row * kRowStep));
            x += kColumnStep;
        }
    }
    return out;
}

} // namespace strata::ui
