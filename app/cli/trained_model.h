#pragma once
// Trained weights on their project's network: what eval and predict run.

#include "cli.h"

#include "strata/backend.h"
#include "strata/network.h"
#include "strata/project.h"
#include "strata/weights_file.h"

#include <memory>
#include <string>

namespace strata::cli {

struct TrainedModel
{
    Project project;
    std::unique_ptr<Backend> backend;
    std::unique_ptr<Network> network;
    WeightsFile weights;
};

// The project's network with the weights of --weights FILE, on --device (cpu by default).
// Throws UsageError without --weights, Error naming the file that cannot be used.
TrainedModel loadTrained(const std::string &projectPath, const Args &args);

} // namespace strata::cli
