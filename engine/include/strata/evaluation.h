#pragma once
// Running a compiled network over a whole dataset: loss, accuracy, confusion matrix, and
// class probabilities (strata-cli eval and predict, validation in the trainer).

#include "strata/dataset.h"
#include "strata/network.h"
#include "strata/training_events.h"

#include <vector>

namespace strata {

struct Evaluation
{
    double loss = 0;
    double accuracy = 0;
    int64_t samples = 0;
    std::vector<std::vector<int64_t>> confusion; // [true class][predicted class]
};

// Inference mode, in batches of batchSize.
Evaluation evaluateDataset(Network &network, const Dataset &data, int batchSize);
// Class probabilities, {N, K}; samples as rows of `features` (N × the model's input size).
Tensor predict(Network &network, const std::vector<float> &features, int64_t count, int batchSize);
// The rows of a truth table for tiny tabular data (feature vectors of at most
// kTruthTableFeatures values): every 0/1 combination when all values are 0 or 1, else the
// distinct inputs when there are at most kTruthTableRows of them; with the first label each
// input has in `sets` (-1 where it has none). Empty for any other data. Outputs are not filled.
inline constexpr int kTruthTableFeatures = 4;
inline constexpr int kTruthTableRows = 16;
std::vector<TruthTableRow> truthTableRows(const std::vector<const Dataset *> &sets);
// Fills each row's outputs and predicted class from the network (inference mode).
void fillTruthTable(Network &network, std::vector<TruthTableRow> &rows);
// The predicted class of one row of probabilities (threshold 0.5 for one output).
int predictedClass(const float *probabilities, int64_t k);

} // namespace strata
