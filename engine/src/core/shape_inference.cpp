#include "strata/shape_inference.h"

#include <algorithm>
#include <map>

namespace strata {

const NodeAnalysis *GraphAnalysis::find(const std::string &id) const
{
    for (const auto &n : nodes)
        if (n.id == id)
            return &n;
    return nullptr;
}

bool GraphAnalysis::ok() const
{
    if (!errors.empty())
        return false;
    for (const auto &n : nodes)
        if (n.status != NodeStatus::Ok)
            return false;
    return true;
}

std::vector<std::string> GraphAnalysis::problems(const Graph &graph) const
{
    std::vector<std::string> out;
    for (const auto &n : nodes) {
        if (n.status != NodeStatus::Error)
            continue;
        const Node *node = graph.find(n.id);
        // Most messages already start with the node ("Dense 'fc1' needs ..."): name it once.
        const std::string who = node ? describe(*node) : std::string();
        const bool named = !who.empty() && n.message.compare(0, who.size(), who) == 0;
        out.push_back((who.empty() || named ? std::string() : who + ": ") + n.message);
    }
    out.insert(out.end(), errors.begin(), errors.end());
    return out;
}

GraphAnalysis analyze(const Graph &graph)
{
    const LayerRegistry &registry = LayerRegistry::instance();
    GraphAnalysis result;
    std::map<std::string, size_t> index;
    for (const Node &node : graph.nodes()) {
        index[node.id] = result.nodes.size();
        NodeAnalysis a;
        a.id = node.id;
        result.nodes.push_back(std::move(a));
    }

    std::vector<std::string> order;
    try {
        order = graph.topologicalOrder();
    } catch (const GraphError &e) {
        result.errors.push_back(e.what());
        for (auto &n : result.nodes)
            n.message = "part of a cycle or after one";
        return result;
    }

    // Counted from the graph, not from the nodes that analysed cleanly: an Input with a bad
    // parameter is still the model's input, and "no Input layer" would mislead.
    std::vector<std::string> inputs;
    for (const Node &node : graph.nodes())
        if (node.type == "Input")
            inputs.push_back(node.id);
    for (const std::string &id : order) {
        const Node &node = *graph.find(id);
        NodeAnalysis &a = result.nodes[index[id]];
        const LayerType &type = registry.get(node.type);
        try {
            a.resolvedParams = registry.resolveParams(node);
        } catch (const ShapeError &e) {
            a.status = NodeStatus::Error;
            a.message = e.what();
            continue;
        }
        const int portCount = type.inputCount(a.resolvedParams);
        a.inputs.assign(static_cast<size_t>(portCount), Shape{});
        // A link into a port the layer no longer has (its input count was lowered after
        // linking) would otherwise be ignored without a word.
        const auto extra =
            std::find_if(graph.edges().begin(), graph.edges().end(),
                         [&](const Edge &e) { return e.to.node == id && e.to.port >= portCount; });
        if (extra != graph.edges().end()) {
            a.status = NodeStatus::Error;
            a.message = describe(node) + " has " + std::to_string(portCount) +
                        (portCount == 1 ? " input" : " inputs") + ", but '" + extra->from.node +
                        "' is still linked to " +
                        Graph::portName(node, extra->to.port, extra->to.port + 1) +
                        ": remove that link or give the layer more inputs";
            continue;
        }
        bool ready = true;
        for (int p = 0; p < portCount; ++p) {
            const Edge *e = graph.edgeInto({id, p});
            if (!e) {
                a.status = NodeStatus::Error;
                a.message = "input '" + Graph::portName(node, p, portCount) +
                            "' is not connected: link a layer's output to it";
                ready = false;
                break;
            }
            const NodeAnalysis &src = result.nodes[index[e->from.node]];
            if (src.status != NodeStatus::Ok) {
                a.status = NodeStatus::Blocked;
                a.message = "waiting for '" + e->from.node + "', which has a problem";
                ready = false;
                break;
            }
            a.inputs[static_cast<size_t>(p)] = src.output;
        }
        if (!ready)
            continue;
        try {
            ShapeInfo info = type.inferShape(node, a.resolvedParams, a.inputs);
            a.output = info.output;
            a.flops = info.flops;
            for (const WeightSpec &w : type.weights(node, a.resolvedParams, a.inputs)) {
                a.params += numel(w.shape);
                if (w.trainable)
                    a.trainableParams += numel(w.shape);
            }
            for (int64_t d : a.output)
                if (d <= 0)
                    throw ShapeError(id, "the output would be " + toString(a.output) +
                                             ", which is empty: the input is too small for "
                                             "these settings");
            a.status = NodeStatus::Ok;
            a.message.clear();
            result.totalParams += a.params;
            result.trainableParams += a.trainableParams;
            result.totalFlops += a.flops;
        } catch (const ShapeError &e) {
            a.status = NodeStatus::Error;
            a.message = e.what();
            a.fix = e.fix();
        }
    }

    if (graph.nodes().empty()) {
        result.errors.push_back("The model is empty: add an Input layer from the palette");
        return result;
    }
    if (inputs.empty())
        result.errors.push_back("The model has no Input layer: add one and link it to the "
                                "first layer");
    else if (inputs.size() > 1)
        result.errors.push_back("The model has " + std::to_string(inputs.size()) +
                                " Input layers; a model takes one input: remove the others");
    else
        result.inputNode = inputs.front();
    auto outputs = graph.outputNodes();
    if (outputs.size() == 1) {
        result.outputNode = outputs.front();
    } else if (outputs.size() > 1) {
        std::string names;
        for (const auto &o : outputs)
            names += (names.empty() ? "'" : ", '") + o + "'";
        result.errors.push_back("The model has " + std::to_string(outputs.size()) +
                                " unconnected outputs (" + names +
                                "); a model has one output: link or remove the others");
    }
    return result;
}

} // namespace strata
