#pragma once
// Checkpoint files: one safetensors file holding the weights ("weight/<name>"), the
// optimizer state ("optim/<name>/<slot>", "optim/step"), the best weights when keep-best is
// on ("best/<name>"), and in its metadata under "strata_checkpoint" a JSON object with the
// position (epoch, batch), every RNG stream, the schedule, the partial epoch totals, the
// early-stopping state and the name of the history log beside it (history_log.h; checkpoints
// of earlier versions held the history inline, and still resume).

#include "strata/tensor.h"
#include "strata/training_events.h"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace strata::internal {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

struct Checkpoint
{
    NamedTensors weights;
    NamedTensors optimizer;
    NamedTensors best; // empty unless keep-best has a best epoch
    nlohmann::json state;
};

constexpr int kCheckpointFormat = 1;

// Written atomically: a crash mid-write leaves the previous checkpoint intact.
void writeCheckpoint(const std::string &path, const Checkpoint &checkpoint);
// Throws Error naming the file when it is not a Strata checkpoint.
Checkpoint readCheckpoint(const std::string &path);

nlohmann::json toJson(const EpochMetrics &m);
EpochMetrics epochMetricsFromJson(const nlohmann::json &j);

} // namespace strata::internal
