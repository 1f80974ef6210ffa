#pragma once
// The samples a model gets wrong, for the studio's gallery of mistakes: which validation
// samples, grouped by (true class, predicted class) as the confusion matrix counts them. And
// the rule that says which samples are the validation data, shared by the trainer and every
// panel that shows them.

#include "strata/dataset.h"
#include "strata/project.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace strata {

class Probe;

// The training and validation parts of a loaded dataset as the trainer splits them: with a
// validation split, Keras' validation_split (the last fraction of the training data, before
// shuffling); else the test set validates; else there is no validation data.
struct DataSplit
{
    Dataset train;
    std::optional<Dataset> validation;
    std::string source; // "validation split 0.20", "test set", "none"
};
// Throws Error when the split leaves no training or no validation sample.
DataSplit splitForTraining(const DatasetBundle &data, const TrainingSpec &spec);

struct Mistake
{
    int64_t index = 0;      // the sample's index in the data evaluated
    int truth = 0;          // its class
    int predicted = 0;      // the class the model chose
    float probability = 0;  // the model's probability of the chosen class
};

// Evaluates the probe on every sample of data (in batches) and returns the ones whose chosen
// class (the rule of the loss's accuracy: the largest output, or above 0.5 for one sigmoid
// output) is not their label, sorted by (truth, predicted) and, within a pair, most confident
// first; at most perPair of each pair. The data must already be normalised as the model's
// training data was. Throws Error when the data's samples do not fit the model's input.
std::vector<Mistake> findMistakes(Probe &probe, const Dataset &data, int perPair = 64,
                                  int batchSize = 256);

} // namespace strata
