#include "strata/decision_boundary.h"

#include "strata/errors.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace strata {

namespace {

// Cells per forward pass: large enough to keep kernels busy, small enough that a wide
// network's hidden outputs stay a few megabytes.
constexpr int64_t kGridBatch = 4096;

} // namespace

BoundaryKind boundaryKind(LossKind loss, int64_t outputs)
{
    if (outputs == 1)
        return loss == LossKind::MeanSquaredError ? BoundaryKind::Regression : BoundaryKind::Binary;
    return BoundaryKind::MultiClass;
}

void requireTwoFeatures(const Shape &inputShape)
{
    if (inputShape.size() == 1 && inputShape[0] == 2)
        return;
    throw Error("A decision boundary needs a model whose input has 2 features, but this "
                "model's input is " +
                toString(inputShape) +
                ": it is drawn over the plane of two inputs, so use a model with an Input of 2 "
                "features on data with two feature columns (such as the xor, moons or spirals "
                "examples)");
}

double GridSpec::x(int column) const
{
    return xMin + (column + 0.5) * (xMax - xMin) / columns;
}

double GridSpec::y(int row) const
{
    return yMin + (row + 0.5) * (yMax - yMin) / rows;
}

GridSpec gridAround(const std::vector<const Dataset *> &sets, int columns, int rows, double margin)
{
    double lo[2] = {std::numeric_limits<double>::infinity(),
                    std::numeric_limits<double>::infinity()};
    double hi[2] = {-lo[0], -lo[1]};
    for (const Dataset *d : sets) {
        if (!d || d->size() == 0)
            continue;
        requireTwoFeatures(d->sampleShape);
        for (int64_t i = 0; i < d->size(); ++i)
            for (int a = 0; a < 2; ++a) {
                const double v = d->sample(i)[a];
                if (std::isfinite(v)) {
                    lo[a] = std::min(lo[a], v);
                    hi[a] = std::max(hi[a], v);
                }
            }
    }
    if (!(lo[0] <= hi[0]) || !(lo[1] <= hi[1]))
        throw Error("The dataset has no samples with finite features to draw a decision "
                    "boundary around: check the dataset settings");
    GridSpec g;
    g.columns = columns;
    g.rows = rows;
    double *edges[2][2] = {{&g.xMin, &g.xMax}, {&g.yMin, &g.yMax}};
    for (int a = 0; a < 2; ++a) {
        const double span = hi[a] > lo[a] ? hi[a] - lo[a] : 1.0;
        *edges[a][0] = lo[a] - margin * span;
        *edges[a][1] = hi[a] + margin * span;
    }
    return g;
}

BoundaryGrid evaluateGrid(Probe &probe, const GridSpec &grid,
                          const std::vector<std::string> &unitNodes)
{
    requireTwoFeatures(probe.inputShape());
    if (grid.columns < 1 || grid.rows < 1)
        throw Error("A decision boundary grid of " + std::to_string(grid.columns) + "×" +
                    std::to_string(grid.rows) + " cells has no cell: ask for at least 1×1");
    BoundaryGrid out;
    out.grid = grid;
    const int64_t cells = grid.cells();
    std::map<std::string, Tensor> batchUnits;
    for (int64_t first = 0; first < cells; first += kGridBatch) {
        const int64_t count = std::min(kGridBatch, cells - first);
        Tensor x({count, 2});
        for (int64_t i = 0; i < count; ++i) {
            const int64_t cell = first + i;
            x.data()[2 * i] = static_cast<float>(grid.x(static_cast<int>(cell % grid.columns)));
            x.data()[2 * i + 1] = static_cast<float>(grid.y(static_cast<int>(cell / grid.columns)));
        }
        const Tensor p = probe.probabilities(x, unitNodes, batchUnits);
        if (first == 0) {
            out.outputs = p.numel() / count;
            out.kind = boundaryKind(probe.loss(), out.outputs);
            out.values.resize(static_cast<size_t>(cells * out.outputs));
            for (const auto &[name, t] : batchUnits) {
                Shape shape = t.shape();
                shape[0] = cells;
                out.units[name] = Tensor(shape);
            }
        }
        std::copy(p.data(), p.data() + p.numel(), out.values.data() + first * out.outputs);
        for (const auto &[name, t] : batchUnits)
            std::copy(t.data(), t.data() + t.numel(),
                      out.units[name].data() + first * (t.numel() / count));
    }
    return out;
}

Verdict verdict(BoundaryKind kind, const float *outputs, int64_t k)
{
    Verdict v;
    if (k == 1) {
        // The rule of the loss's accuracy for one output: above 0.5 is class 1.
        const double p = outputs[0];
        v.predicted = p > 0.5 ? 1 : 0;
        v.confidence = std::clamp(std::fabs(2 * p - 1), 0.0, 1.0);
        return v;
    }
    const float *best = std::max_element(outputs, outputs + k);
    v.predicted = static_cast<int>(best - outputs);
    const double chance = 1.0 / static_cast<double>(k);
    v.confidence = kind == BoundaryKind::MultiClass
                       ? std::clamp((*best - chance) / (1 - chance), 0.0, 1.0)
                       : 1.0;
    return v;
}

std::vector<BoundaryPoint> boundaryPoints(Probe &probe, const Dataset &data, bool validation)
{
    requireTwoFeatures(probe.inputShape());
    requireTwoFeatures(data.sampleShape);
    std::vector<BoundaryPoint> points;
    const int64_t n = data.size();
    if (n == 0)
        return points;
    const Tensor p = probe.probabilities(Tensor::fromVector(
        {n, 2}, std::vector<float>(data.features.begin(), data.features.begin() + 2 * n)));
    const int64_t k = p.numel() / n;
    const BoundaryKind kind = boundaryKind(probe.loss(), k);
    for (int64_t i = 0; i < n; ++i) {
        const float *out = p.data() + i * k;
        const Verdict v = verdict(kind, out, k);
        BoundaryPoint pt;
        pt.x = data.sample(i)[0];
        pt.y = data.sample(i)[1];
        pt.label = data.labels[static_cast<size_t>(i)];
        pt.predicted = v.predicted;
        pt.output = k == 1 ? out[0] : out[v.predicted];
        pt.misclassified = v.predicted != pt.label;
        pt.validation = validation;
        points.push_back(pt);
    }
    return points;
}

} // namespace strata
