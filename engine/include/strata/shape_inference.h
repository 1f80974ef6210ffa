#pragma once
// Shape inference computes nothing: from the graph alone it gives every node its output
// shape, parameter count and FLOPs, or an error that names the node and says how to fix it.
// It runs on every edit in the node editor.

#include "strata/errors.h"
#include "strata/graph.h"
#include "strata/layer.h"

#include <string>
#include <vector>

namespace strata {

enum class NodeStatus {
    Ok,
    Error,   // this node is wrong: see message
    Blocked, // an input is missing or wrong upstream; nothing to fix here
};

struct NodeAnalysis
{
    std::string id;
    NodeStatus status = NodeStatus::Blocked;
    std::string message;           // for Error and Blocked
    QuickFix fix = QuickFix::None; // a repair the studio can offer for an Error
    std::vector<Shape> inputs;     // per input port (empty shape when unknown)
    Shape output;
    int64_t params = 0;
    int64_t trainableParams = 0;
    int64_t flops = 0;
    nlohmann::json resolvedParams; // valid when status is Ok
};

struct GraphAnalysis
{
    std::vector<NodeAnalysis> nodes; // in graph order
    std::vector<std::string> errors; // graph-level problems: cycle, no input, several outputs
    std::string inputNode;           // the single Input node, when there is one
    std::string outputNode;          // the single output node, when there is one
    int64_t totalParams = 0;
    int64_t trainableParams = 0;
    int64_t totalFlops = 0;

    const NodeAnalysis *find(const std::string &id) const;
    // True when every node is Ok and there are no graph-level problems: the model can train.
    bool ok() const;
    // Every problem as one line each, node problems first ("Dense 'fc1': ...").
    std::vector<std::string> problems(const Graph &graph) const;
};

GraphAnalysis analyze(const Graph &graph);

} // namespace strata
