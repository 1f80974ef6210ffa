#pragma once
// Trained weights as safetensors (readable by PyTorch tooling), with what a model needs to
// be used later in the metadata: the class names and the input normalisation.

#include "strata/dataset.h"
#include "strata/tensor.h"

#include <string>
#include <utility>
#include <vector>

namespace strata {

struct WeightsFile
{
    std::vector<std::pair<std::string, Tensor>> weights; // "<node id>.<weight>"
    Normalization normalization;
    std::vector<std::string> classNames;
};

// Atomic write. Throws Error naming the path.
void saveWeights(const std::string &path, const WeightsFile &file);
// Throws Error (SafetensorsError) naming the file and what is wrong.
WeightsFile loadWeights(const std::string &path);

nlohmann::json toJson(const Normalization &n);
Normalization normalizationFromJson(const nlohmann::json &j);

} // namespace strata
