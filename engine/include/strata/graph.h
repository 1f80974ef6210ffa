#pragma once
// The model graph: nodes (id, type, name, params) and edges from an output port to an input
// port. DAGs are allowed; cycles, dangling ports and duplicate links are refused with a
// GraphError whose kind says which. The graph knows nothing of screen positions.

#include "strata/errors.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace strata {

struct Node
{
    std::string id;   // unique in the graph; letters, digits, '_' and '-'
    std::string type; // a LayerRegistry type name, e.g. "Conv2D"
    std::string name; // what the user calls it; defaults to the id
    nlohmann::json params = nlohmann::json::object();
};

// Nodes have one output port, "out" (index 0), and numbered input ports: "in" for a layer
// with one input, "in0", "in1", ... for layers with several (Add, Concat).
struct PortRef
{
    std::string node;
    int port = 0;
    bool operator==(const PortRef &) const = default;
};

struct Edge
{
    PortRef from; // an output port
    PortRef to;   // an input port
    bool operator==(const Edge &) const = default;
};

enum class GraphErrorKind {
    DuplicateId,
    InvalidId,
    UnknownType,
    UnknownNode,
    UnknownPort,
    OccupiedInput,
    DuplicateLink,
    SelfLoop,
    Cycle,
};

class GraphError : public Error
{
public:
    GraphError(GraphErrorKind kind, const std::string &what) : Error(what), kind_(kind) {}
    GraphErrorKind kind() const { return kind_; }

private:
    GraphErrorKind kind_;
};

class Graph
{
public:
    const std::vector<Node> &nodes() const { return nodes_; }
    const std::vector<Edge> &edges() const { return edges_; }

    const Node *find(const std::string &id) const;
    Node *find(const std::string &id);
    int indexOf(const std::string &id) const; // -1 when absent

    // Adds a node (the type must be registered; an empty id gets a fresh one, an empty name
    // the id). Returns the id. Throws GraphError.
    std::string addNode(Node node);
    // Inserts at a position (undo uses this to restore order exactly).
    std::string insertNode(size_t index, Node node);
    // Removes the node and every edge touching it.
    void removeNode(const std::string &id);

    // Why the edge cannot be added, or nothing when it can.
    std::optional<GraphError> checkEdge(const Edge &edge) const;
    void connect(const Edge &edge); // throws GraphError
    void insertEdge(size_t index, const Edge &edge);
    void disconnect(const Edge &edge);

    // Number of input ports of a node (from its type and params).
    int inputPortCount(const Node &node) const;
    // The edge feeding an input port, if any.
    const Edge *edgeInto(const PortRef &input) const;
    std::vector<Edge> edgesFrom(const std::string &nodeId) const;

    // Node ids in an order where every node comes after its inputs. Throws GraphError(Cycle).
    std::vector<std::string> topologicalOrder() const;
    // Nodes whose output feeds nothing: the model's outputs.
    std::vector<std::string> outputNodes() const;

    // A fresh id like "conv2d_3" derived from base.
    std::string uniqueId(const std::string &base) const;

    nlohmann::json toJson() const;
    // Throws ProjectError naming jsonPath and what was expected; GraphError problems are
    // reported as ProjectError too, with the edge's path.
    static Graph fromJson(const nlohmann::json &j, const std::string &file,
                          const std::string &jsonPath);

    static std::string portName(const Node &node, int port, int inputCount);
    static std::string portLabel(const PortRef &ref, bool output, int inputCount);

private:
    bool reaches(const std::string &from, const std::string &to) const;

    std::vector<Node> nodes_;
    std::vector<Edge> edges_;
};

} // namespace strata
