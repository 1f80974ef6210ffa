#pragma once
// The checks a project must pass before it can train, computed without loading the dataset:
// the shape analysis, something to train, and the dataset's sample shape and class count
// against the model's Input and output. The studio's Problems panel and Train button, and
// strata-cli check, show them; the trainer refuses a run with the same rule and words.

#include "strata/dataset.h"
#include "strata/project.h"
#include "strata/shape_inference.h"
#include "strata/training_spec.h"

#include <optional>
#include <string>
#include <vector>

namespace strata {

enum class ProblemSeverity { Error, Warning };

struct ProjectProblem
{
    std::string nodeId; // the layer the problem is about; empty for the project as a whole
    ProblemSeverity severity = ProblemSeverity::Error;
    std::string message; // what is wrong and what to do, naming the layer
    QuickFix fix = QuickFix::None;
};

// The rule that a dataset fits a model's Input and output, shared by the checks and the
// trainer: the problem (its node the Input or the output layer), or nothing when it fits or
// what would decide it is unknown. outputType: the output layer's type, to offer binary
// cross-entropy for one Sigmoid unit.
std::optional<ProjectProblem> datasetMismatch(const GraphAnalysis &analysis,
                                              const DatasetOutline &data, LossKind loss,
                                              const std::string &outputType);

// Every problem that would stop Train: node and graph errors of the analysis, a model with no
// trainable parameters, an unknown loss, and the dataset against the model. Node problems
// come first, in graph order. baseDir: where the project's relative dataset paths start.
std::vector<ProjectProblem> checkProject(const Project &project, const GraphAnalysis &analysis,
                                         const std::string &baseDir);
bool hasErrors(const std::vector<ProjectProblem> &problems);

// A model with no trainable weights (only an Input, or layers without weights): training
// would change nothing. Shared by the checks and the trainer.
std::optional<ProjectProblem> nothingToTrain(const GraphAnalysis &analysis);

} // namespace strata
