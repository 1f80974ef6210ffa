#include "strata/weights_file.h"

#include "io/json_text.h"
#include "strata/errors.h"
#include "strata/safetensors.h"

#include <nlohmann/json.hpp>

#include <cmath>

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
    for (const auto &[name, t] : raw.tensors) {
        // A model with NaN or infinite weights answers NaN for everything: refuse it here
        // rather than print rows of nan.
        const float *v = t.data();
        for (int64_t i = 0, n = t.numel(); i < n; ++i)
            if (!std::isfinite(v[i]))
                throw Error(path + ": the tensor '" + name + "' holds " +
                            (std::isnan(v[i]) ? "NaN" : "an infinite value") + " (element " +
                            std::to_string(i) +
                            "): the weights come from a run that diverged or a damaged file; "
                            "use an earlier checkpoint or train again");
    }
    for (auto &[name, t] : raw.tensors) {
        // Checkpoints prefix their weights; accept them wherever weights are asked for.
        if (name.rfind("weight/", 0) == 0)
            file.weights.emplace_back(name.substr(7), t);
        else if (name.find('/') == std::string::npos)
            file.weights.emplace_back(name, t);
    }
    try {
        if (auto it = raw.metadata.find("strata_normalization"); it != raw.metadata.end())
            file.normalization = normalizationFromJson(
                internal::parseJsonText(it->second, path + " (strata_normalization)"));
        if (auto it = raw.metadata.find("strata_classes"); it != raw.metadata.end())
            file.classNames = internal::parseJsonText(it->second, path + " (strata_classes)")
                                  .get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception &e) {
        throw Error(path + ": the weights' metadata is damaged (" +
                    internal::briefQuote(e.what(), 200) + ")");
    }
    return file;
}

} // namespace strata
