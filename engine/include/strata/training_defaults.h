#pragma once
// Training settings that let a correct model learn its dataset: a tiny set (a truth table)
// needs a larger learning rate and many more steps than the Keras defaults give it.

#include "strata/dataset.h"
#include "strata/project.h"

namespace strata {

// `current` with epochs, batch size and learning rate suggested for the dataset (the rest
// unchanged). Sets with no particular need keep TrainingSpec's defaults.
TrainingSpec suggestedTraining(const DatasetSpec &dataset, TrainingSpec current = {});

// True when the user has not chosen epochs, batch size and learning rate themselves: they are
// TrainingSpec's defaults or what suggestedTraining gives for `dataset`.
bool hasSuggestedTraining(const TrainingSpec &training, const DatasetSpec &dataset);

// A new, empty project: the default dataset with the training settings suggested for it.
Project newProject();

} // namespace strata
