#include "strata/weights_file.h"

#include "strata/errors.h"
#include "strata/safetensors.h"

#include <nlohmann/json.hpp>

namespace strata {

nlohmann::json toJson(const Normalization &n)
{
    return {{"mode", n.mode}, {"scale", n.scale}, {"mean", n.mean}, {"std", n.std}};
}

Normalization normalizationFromJson(const nlohmann::json &j)
{
    Normalization n;
    n.mode = j.value("mode", std::string("none"));
    n.scale = j.value("scale", 1.0f);
    n.mean = j.value("mean", std::vector<float>{});
    n.std = j.value("std", std::vector<float>{});
    return n;
}

void saveWeights(const std::string &path, const WeightsFile &file)
{
    writeSafetensors(path, file.weights,
                     {{"format", "pt"},
                      {"strata_normalization", toJson(file.normalization).dump()},
                      {"strata_classes", nlohmann::json(file.classNames).dump()}});
}

WeightsFile loadWeights(const std::string &path)
{
    SafetensorsFile raw = readSafetensors(path);
    WeightsFile file;
    for (auto &[name, t] : raw.tensors) {
        // Checkpoints prefix their weights; accept them wherever weights are asked for.
        if (name.rfind("weight/", 0) == 0)
            file.weights.emplace_back(name.substr(7), t);
        else if (name.find('/') == std::string::npos)
            file.weights.emplace_back(name, t);
    }
    try {
        if (auto it = raw.metadata.find("strata_normalization"); it != raw.metadata.end())
            file.normalization = normalizationFromJson(nlohmann::json::parse(it->second));
        if (auto it = raw.metadata.find("strata_classes"); it != raw.metadata.end())
            file.classNames = nlohmann::json::parse(it->second).get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception &e) {
        throw Error(path + ": the weights' metadata is damaged (" + e.what() + ")");
    }
    return file;
}

} // namespace strata
