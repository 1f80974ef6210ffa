#pragma once
// What every export checks first: the project's graph analyses cleanly, and the weights file
// holds every weight the graph needs, with the shape the graph gives it.

#include "strata/project.h"
#include "strata/shape_inference.h"
#include "strata/weights_file.h"

#include <map>
#include <string>
#include <vector>

namespace strata::internal {

struct CheckedModel
{
    GraphAnalysis analysis;
    std::map<std::string, Tensor> weights; // "<node id>.<weight>", every one the graph needs
    std::vector<std::string> unused;       // names in the weights file the graph does not use
};

// Throws Error listing the graph's problems, or every missing and mis-shaped weight.
CheckedModel checkExport(const Project &project, const WeightsFile &weights);

} // namespace strata::internal
