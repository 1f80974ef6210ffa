#include "strata/project_check.h"

#include "strata/layer.h"

#include <algorithm>

namespace strata {

std::optional<ProjectProblem> datasetMismatch(const GraphAnalysis &analysis,
                                              const DatasetOutline &data, LossKind loss,
                                              const std::string &outputType)
{
    const NodeAnalysis *input = analysis.find(analysis.inputNode);
    const NodeAnalysis *output = analysis.find(analysis.outputNode);
    if (!input || !output || input->status != NodeStatus::Ok || output->status != NodeStatus::Ok)
        return std::nullopt;
    const Shape &in = input->output;
    if (!data.sampleShape.empty() && numel(in) != numel(data.sampleShape))
        return ProjectProblem{input->id, ProblemSeverity::Error,
                              "The dataset's samples are " + toString(data.sampleShape) +
                                  " but the model's Input expects " + toString(in) +
                                  ": set the Input layer to " + toString(data.sampleShape) +
                                  " or pick a matching dataset",
                              QuickFix::None};
    if (data.classes <= 0)
        return std::nullopt;
    const int64_t k = numel(output->output);
    const int classes = data.classes;
    const std::string out = "The model gives " + std::to_string(k) + " output" +
                            (k == 1 ? "" : "s") + " but the dataset has " +
                            std::to_string(classes) + " classes";
    const std::string setUnits = ": set the last layer's units to " + std::to_string(classes);
    if (k == 1) {
        if (classes > 2)
            return ProjectProblem{output->id, ProblemSeverity::Error, out + setUnits};
        if (loss == LossKind::CrossEntropy) {
            const bool sigmoid = outputType == "Sigmoid";
            return ProjectProblem{
                output->id, ProblemSeverity::Error,
                out + ": cross-entropy needs one output per class; use 2 outputs, or binary "
                      "cross-entropy with a Sigmoid output",
                sigmoid ? QuickFix::UseBinaryCrossEntropy : QuickFix::None};
        }
    } else if (k != classes) {
        return ProjectProblem{output->id, ProblemSeverity::Error, out + setUnits};
    }
    return std::nullopt;
}

std::optional<ProjectProblem> nothingToTrain(const GraphAnalysis &analysis)
{
    if (!analysis.ok() || analysis.trainableParams > 0)
        return std::nullopt;
    return ProjectProblem{"", ProblemSeverity::Error,
                          "Nothing to train: the model has no trainable weights, so training "
                          "would change nothing. Add a layer with weights (Dense or Conv2D) "
                          "between the Input and the output"};
}

std::vector<ProjectProblem> checkProject(const Project &project, const GraphAnalysis &analysis,
                                         const std::string &baseDir)
{
    std::vector<ProjectProblem> out;
    for (const NodeAnalysis &a : analysis.nodes) {
        if (a.status != NodeStatus::Error)
            continue;
        // Most messages already start with the node ("Dense 'fc1' needs ..."): name it once.
        const Node *node = project.graph.find(a.id);
        const std::string who = node ? describe(*node) : std::string();
        const bool named = !who.empty() && a.message.compare(0, who.size(), who) == 0;
        out.push_back({a.id, ProblemSeverity::Error,
                       (who.empty() || named ? std::string() : who + ": ") + a.message, a.fix});
    }
    for (const std::string &e : analysis.errors)
        out.push_back({"", ProblemSeverity::Error, e});
    if (!analysis.ok())
        return out; // the rest needs a model that analyses cleanly
    if (auto p = nothingToTrain(analysis))
        out.push_back(*p);
    const Node *output = project.graph.find(analysis.outputNode);
    if (auto p = datasetMismatch(analysis, outlineDataset(project.dataset, baseDir),
                                 parseLossKind(project.training.loss),
                                 output ? output->type : std::string()))
        out.push_back(*p);
    // Where the samples' shape is known, augmentation must fit them.
    const AugmentationSpec &augmentation = project.dataset.augmentation;
    if (const Shape sample = outlineDataset(project.dataset, baseDir).sampleShape;
        augmentation.active() && !sample.empty())
        if (std::string why =
                augmentationProblem(augmentation, sample, holdsPictureValues(project.dataset));
            !why.empty())
            out.push_back({"", ProblemSeverity::Error, why});
    return out;
}

bool hasErrors(const std::vector<ProjectProblem> &problems)
{
    return std::any_of(problems.begin(), problems.end(), [](const ProjectProblem &p) {
        return p.severity == ProblemSeverity::Error;
    });
}

} // namespace strata
