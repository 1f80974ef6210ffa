// The suggestions follow the example projects that learn their sets: the truth tables need
// lr 0.1 and a few hundred steps (the Keras defaults, 10 epochs at lr 0.001 on one batch of
// 4 rows, leave an OR network at 75 %), the generated 2-D sets lr 0.01 and 200 epochs.

#include "strata/training_defaults.h"

namespace strata {

namespace {

bool isTruthTable(const DatasetSpec &d)
{
    return d.kind == "builtin" && (d.name == "or" || d.name == "and" || d.name == "xor");
}

bool isGeneratedPlane(const DatasetSpec &d)
{
    return d.kind == "builtin" &&
           (d.name == "spirals" || d.name == "circles" || d.name == "moons" || d.name == "blobs");
}

bool sameChoices(const TrainingSpec &a, const TrainingSpec &b)
{
    return a.epochs == b.epochs && a.batchSize == b.batchSize && a.optimizer.lr == b.optimizer.lr;
}

} // namespace

TrainingSpec suggestedTraining(const DatasetSpec &dataset, TrainingSpec current)
{
    const TrainingSpec plain;
    current.epochs = plain.epochs;
    current.batchSize = plain.batchSize;
    current.optimizer.lr = plain.optimizer.lr;
    if (isTruthTable(dataset)) {
        current.epochs = 300;
        current.batchSize = 4;
        current.optimizer.lr = 0.1;
    } else if (isGeneratedPlane(dataset)) {
        current.epochs = 200;
        current.optimizer.lr = 0.01;
    }
    return current;
}

bool hasSuggestedTraining(const TrainingSpec &training, const DatasetSpec &dataset)
{
    return sameChoices(training, TrainingSpec{}) ||
           sameChoices(training, suggestedTraining(dataset, training));
}

Project newProject()
{
    Project project;
    project.training = suggestedTraining(project.dataset, project.training);
    return project;
}

} // namespace strata
