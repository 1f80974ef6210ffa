#include "io/export_check.h"

#include "strata/errors.h"
#include "strata/layer.h"

namespace strata::internal {

CheckedModel checkExport(const Project &project, const WeightsFile &weights)
{
    CheckedModel m;
    m.analysis = analyze(project.graph);
    if (!m.analysis.ok()) {
        std::string text = "The model cannot be exported until its graph is fixed:";
        for (const std::string &p : m.analysis.problems(project.graph))
            text += "\n  " + p;
        throw Error(text);
    }
    std::map<std::string, const Tensor *> given;
    for (const auto &[name, tensor] : weights.weights)
        given[name] = &tensor;

    const LayerRegistry &registry = LayerRegistry::instance();
    std::vector<std::string> problems;
    for (const std::string &id : project.graph.topologicalOrder()) {
        const Node &node = *project.graph.find(id);
        const NodeAnalysis &a = *m.analysis.find(id);
        for (const WeightSpec &w :
             registry.get(node.type).weights(node, a.resolvedParams, a.inputs)) {
            const std::string name = id + "." + w.name;
            auto it = given.find(name);
            if (it == given.end()) {
                problems.push_back("'" + name + "' (" + toString(w.shape) + ", " + describe(node) +
                                   ") is missing");
                continue;
            }
            if (it->second->shape() != w.shape) {
                problems.push_back("'" + name + "' is " + toString(it->second->shape()) + " but " +
                                   describe(node) + " needs " + toString(w.shape));
                continue;
            }
            m.weights[name] = *it->second;
            given.erase(it);
        }
    }
    if (!problems.empty()) {
        std::string text = "The weights do not fit the project's graph:";
        for (const std::string &p : problems)
            text += "\n  " + p;
        text += "\nPass the weights trained for this project (strata-cli train writes "
                "final.safetensors), or train it again after changing the graph.";
        throw Error(text);
    }
    for (const auto &[name, tensor] : given)
        m.unused.push_back(name);
    return m;
}

} // namespace strata::internal
