#pragma once
// A project: the model graph, the dataset spec, the training spec and a free `ui` section
// the engine carries unread. Stored as JSON (.strata) with a format_version; newer versions
// are refused with a message, older ones migrated step by step.

#include "strata/dataset.h"
#include "strata/graph.h"
#include "strata/training_spec.h"

#include <nlohmann/json.hpp>

#include <string>

namespace strata {

constexpr int kProjectFormatVersion = 1;

struct TrainingSpec
{
    int epochs = 10;
    int batchSize = 32;
    OptimizerSpec optimizer;
    ScheduleSpec schedule;
    std::string loss = "cross_entropy"; // "cross_entropy", "binary_cross_entropy", "mse"
    // Keras' validation_split: the last fraction of the training set (before shuffling) is
    // held out. 0: validate on the test set when there is one.
    double validationSplit = 0.0;
    bool shuffle = true;
    int earlyStoppingPatience = 0; // epochs without val_loss improvement; 0: off
    bool keepBest = false;         // restore the best-validation weights at the end
    uint64_t seed = 42;
    std::string device = "cpu";
    std::string init = "keras"; // "keras" or "pytorch" default initialisation
    int threads = 0;            // CPU threads; 0: all cores
    // "fp32" or "bf16" (mixed precision; see strata/precision.h). Written only when not fp32.
    std::string precision = "fp32";
};

struct Project
{
    std::string name = "Untitled";
    std::string description;
    Graph graph;
    DatasetSpec dataset;
    TrainingSpec training;
    nlohmann::json ui = nlohmann::json::object();
};

TrainingSpec trainingSpecFromJson(const nlohmann::json &j, const std::string &jsonPath);
nlohmann::json toJson(const TrainingSpec &spec);

// Throws ProjectError naming the file, the JSON path and what was expected.
Project projectFromJson(const nlohmann::json &j, const std::string &file = "");
nlohmann::json toJson(const Project &project);

// Reads a .strata file. Throws ProjectError (unreadable file, bad JSON with its line and
// column, newer format_version, any malformed field).
Project loadProject(const std::string &path);
// Writes atomically (a temporary file renamed over the target), so a failed save never
// damages the previous file. Throws Error naming the path.
void saveProject(const Project &project, const std::string &path);

// The folder relative dataset paths are resolved against: the project file's folder.
std::string projectBaseDir(const std::string &projectPath);

} // namespace strata
