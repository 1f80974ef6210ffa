#pragma once
// The decision boundary of a model on two input features: its output over a grid of the
// input plane (what the studio's boundary panel and `strata-cli boundary` draw), each hidden
// unit's activation over the same grid (the neuron maps), and the dataset's points with the
// model's verdict on each. Everything is in the model's input space (after the dataset's
// normalisation).

#include "strata/dataset.h"
#include "strata/probe.h"
#include "strata/training_spec.h"

#include <map>
#include <string>
#include <vector>

namespace strata {

// What a model's output means on the plane: the probability of class 1 (one sigmoid output
// under binary cross-entropy), K class probabilities, or one value (mse with one output).
enum class BoundaryKind { Binary, MultiClass, Regression };
BoundaryKind boundaryKind(LossKind loss, int64_t outputs);

// Throws Error saying what is wrong and what to do when a model with this input shape has not
// exactly 2 input features (the plane a boundary is drawn on).
void requireTwoFeatures(const Shape &inputShape);

// A grid of columns × rows cells over [xMin, xMax] × [yMin, yMax]; row 0 is at yMin.
struct GridSpec
{
    double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
    int columns = 100, rows = 100;

    double x(int column) const; // the centre of a cell
    double y(int row) const;
    int64_t cells() const { return int64_t(columns) * rows; }
};

// The smallest box around every sample of the sets, widened by `margin` of its extent on each
// side (a flat extent counts as 1). Throws Error when the sets hold no sample or their samples
// have not 2 features.
GridSpec gridAround(const std::vector<const Dataset *> &sets, int columns, int rows,
                    double margin = 0.1);

struct BoundaryGrid
{
    GridSpec grid;
    BoundaryKind kind = BoundaryKind::MultiClass;
    int64_t outputs = 0;       // K values per cell
    std::vector<float> values; // cell after cell (row-major), K each: Probe::probabilities
    // The requested nodes' outputs per cell, {cells, units} each, keyed as asked.
    std::map<std::string, Tensor> units;

    const float *cell(int column, int row) const
    {
        return values.data() + (int64_t(row) * grid.columns + column) * outputs;
    }
};

// Evaluates the probe's model at every cell centre (in batches; no training state is
// touched). unitNodes: nodes (ids or names) whose outputs to keep per cell, e.g.
// Probe::hiddenUnitNodes() for the neuron maps. Throws Error for a model without 2 input
// features, a grid without cells, or an unknown node.
BoundaryGrid evaluateGrid(Probe &probe, const GridSpec &grid,
                          const std::vector<std::string> &unitNodes = {});

// The class a row of K outputs chooses (the rule of the loss's accuracy), and how sure it is,
// from 0 (a tie) to 1.
struct Verdict
{
    int predicted = 0;
    double confidence = 0;
};
Verdict verdict(BoundaryKind kind, const float *outputs, int64_t k);

// A sample on the plane with the model's verdict on it.
struct BoundaryPoint
{
    float x = 0, y = 0;
    int label = 0;     // its class (the target value under mse)
    float output = 0;  // one output: its value (p of class 1 for Binary); K: the chosen one's
    int predicted = 0; // the class the model chooses
    bool misclassified = false;
    bool validation = false; // held back from training
};

// Every sample of data with the probe's verdict. Throws Error as requireTwoFeatures does.
std::vector<BoundaryPoint> boundaryPoints(Probe &probe, const Dataset &data, bool validation);

} // namespace strata
