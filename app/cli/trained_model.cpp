#include "trained_model.h"

#include "strata/errors.h"
#include "strata/training_spec.h"

namespace strata::cli {

TrainedModel loadTrained(const std::string &projectPath, const Args &args)
{
    if (!args.has("weights"))
        throw UsageError{"needs --weights FILE (final.safetensors or best.safetensors from "
                         "strata-cli train --out DIR)"};
    TrainedModel m;
    m.project = loadProject(projectPath);
    m.weights = loadWeights(args.get("weights"));
    m.backend = createBackend(args.get("device", "cpu"));
    m.network = std::make_unique<Network>(m.project.graph, *m.backend,
                                          parseLossKind(m.project.training.loss),
                                          parseInitConvention(m.project.training.init), 0);
    try {
        m.network->loadWeights(m.weights.weights);
    } catch (const Error &e) {
        throw Error(args.get("weights") + ": " + e.what());
    }
    return m;
}

} // namespace strata::cli
