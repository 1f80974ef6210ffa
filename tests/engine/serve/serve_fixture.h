#pragma once
// Served models for the serve tests: a project written to a folder with weights of its own
// (freshly initialised, each seed different), and the engine's own predictions to compare.

#include "source_dir.h"
#include "training_projects.h"

#include "strata/backend.h"
#include "strata/evaluation.h"
#include "strata/network.h"
#include "strata/project.h"
#include "strata/training_spec.h"
#include "strata/weights_file.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace strata::test {

struct ServedFiles
{
    std::string project, weights;
};

// Fresh weights of `project` under `seed`, with class names and a normalisation, as a file.
inline WeightsFile freshWeights(const Project &project, uint64_t seed)
{
    auto backend = createBackend("cpu");
    Network net(project.graph, *backend, parseLossKind(project.training.loss),
                parseInitConvention(project.training.init), seed);
    WeightsFile w;
    w.weights = net.weightsToHost();
    const int64_t k = numel(net.outputShape());
    for (int64_t c = 0; c < (k == 1 ? 2 : k); ++c)
        w.classNames.push_back("class " + std::to_string(c));
    w.normalization.mode = "scale";
    w.normalization.scale = 0.5f;
    return w;
}

// The spirals project (2 features, 2 classes) in `dir` with weights of `seed`.
inline ServedFiles writeSpirals(const std::string &dir, uint64_t seed)
{
    const Project p = spirals(1);
    std::filesystem::create_directories(dir);
    ServedFiles f{dir + "/spirals.strata", dir + "/spirals.safetensors"};
    saveProject(p, f.project);
    saveWeights(f.weights, freshWeights(p, seed));
    return f;
}

// The engine's class probabilities for rows of raw features, as strata-cli predict computes
// them: the file's normalisation, then the network.
inline std::vector<float> enginePredict(const std::string &projectPath,
                                        const std::string &weightsPath,
                                        const std::vector<float> &rows, int64_t count)
{
    const Project p = loadProject(projectPath);
    const WeightsFile w = loadWeights(weightsPath);
    auto backend = createBackend("cpu");
    Network net(p.graph, *backend, parseLossKind(p.training.loss),
                parseInitConvention(p.training.init), 0);
    net.loadWeights(w.weights);
    Dataset d;
    d.sampleShape = net.inputShape();
    d.features = rows;
    d.labels.assign(size_t(count), 0);
    w.normalization.apply(d);
    const Tensor t = predict(net, d.features, count, 64);
    return std::vector<float>(t.data(), t.data() + t.numel());
}

// Every probability of a predict reply, in order.
inline std::vector<float> replyProbabilities(const std::string &body)
{
    std::vector<float> out;
    const nlohmann::json reply = nlohmann::json::parse(body);
    for (const auto &p : reply.at("predictions"))
        for (const auto &v : p.at("probabilities"))
            out.push_back(v.get<float>());
    return out;
}

} // namespace strata::test
