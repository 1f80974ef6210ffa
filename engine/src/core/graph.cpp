#include "strata/graph.h"

#include "strata/layer.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>

namespace strata {

namespace {

bool validId(const std::string &id)
{
    if (id.empty() || id.size() > 64)
        return false;
    for (char c : id)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
            return false;
    return true;
}

std::string lowerCase(std::string s)
{
    for (char &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

} // namespace

const Node *Graph::find(const std::string &id) const
{
    int i = indexOf(id);
    return i < 0 ? nullptr : &nodes_[static_cast<size_t>(i)];
}

Node *Graph::find(const std::string &id)
{
    int i = indexOf(id);
    return i < 0 ? nullptr : &nodes_[static_cast<size_t>(i)];
}

int Graph::indexOf(const std::string &id) const
{
    for (size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i].id == id)
            return static_cast<int>(i);
    return -1;
}

std::string Graph::addNode(Node node)
{
    return insertNode(nodes_.size(), std::move(node));
}

std::string Graph::insertNode(size_t index, Node node)
{
    if (!LayerRegistry::instance().find(node.type))
        throw GraphError(GraphErrorKind::UnknownType, "Unknown layer type '" + node.type + "'");
    if (node.id.empty())
        node.id = uniqueId(lowerCase(node.type));
    if (!validId(node.id))
        throw GraphError(GraphErrorKind::InvalidId,
                         "Node id '" + node.id +
                             "' is not valid: use letters, digits, '_' and '-' (at most 64)");
    if (find(node.id))
        throw GraphError(GraphErrorKind::DuplicateId,
                         "A node with id '" + node.id + "' already exists; choose another id");
    if (node.name.empty())
        node.name = node.id;
    if (!node.params.is_object())
        node.params = nlohmann::json::object();
    std::string id = node.id;
    nodes_.insert(nodes_.begin() + static_cast<std::ptrdiff_t>(std::min(index, nodes_.size())),
                  std::move(node));
    return id;
}

void Graph::removeNode(const std::string &id)
{
    int i = indexOf(id);
    if (i < 0)
        throw GraphError(GraphErrorKind::UnknownNode, "There is no node '" + id + "'");
    std::erase_if(edges_, [&](const Edge &e) { return e.from.node == id || e.to.node == id; });
    nodes_.erase(nodes_.begin() + i);
}

int Graph::inputPortCount(const Node &node) const
{
    const LayerType *type = LayerRegistry::instance().find(node.type);
    if (!type)
        return 0;
    try {
        return type->inputCount(LayerRegistry::instance().resolveParams(node));
    } catch (const Error &) {
        // Invalid params: fall back to the defaults so the graph stays editable.
        Node plain = node;
        plain.params = nlohmann::json::object();
        return type->inputCount(LayerRegistry::instance().resolveParams(plain));
    }
}

bool Graph::reaches(const std::string &from, const std::string &to) const
{
    if (from == to)
        return true;
    std::set<std::string> seen;
    std::vector<std::string> stack{from};
    while (!stack.empty()) {
        std::string n = stack.back();
        stack.pop_back();
        if (n == to)
            return true;
        if (!seen.insert(n).second)
            continue;
        for (const Edge &e : edges_)
            if (e.from.node == n)
                stack.push_back(e.to.node);
    }
    return false;
}

std::optional<GraphError> Graph::checkEdge(const Edge &edge) const
{
    const Node *src = find(edge.from.node);
    const Node *dst = find(edge.to.node);
    if (!src)
        return GraphError(GraphErrorKind::UnknownNode, "There is no node '" + edge.from.node + "'");
    if (!dst)
        return GraphError(GraphErrorKind::UnknownNode, "There is no node '" + edge.to.node + "'");
    if (edge.from.port != 0)
        return GraphError(GraphErrorKind::UnknownPort,
                          describe(*src) + " has one output port, 'out'");
    const int inputs = inputPortCount(*dst);
    if (edge.to.port < 0 || edge.to.port >= inputs)
        return GraphError(GraphErrorKind::UnknownPort,
                          inputs == 0 ? describe(*dst) + " takes no input"
                                      : describe(*dst) + " has no input port " +
                                            std::to_string(edge.to.port) + " (it has " +
                                            std::to_string(inputs) + ")");
    if (src->id == dst->id)
        return GraphError(GraphErrorKind::SelfLoop,
                          describe(*src) + " cannot feed itself: that would be a cycle");
    for (const Edge &e : edges_) {
        if (e == edge)
            return GraphError(GraphErrorKind::DuplicateLink,
                              "These ports are already connected");
        if (e.to == edge.to)
            return GraphError(GraphErrorKind::OccupiedInput,
                              "Input '" + portName(*dst, edge.to.port, inputs) + "' of " +
                                  describe(*dst) + " is already fed by '" + e.from.node +
                                  "'; remove that link first");
    }
    if (reaches(dst->id, src->id))
        return GraphError(GraphErrorKind::Cycle,
                          "Linking " + describe(*src) + " to " + describe(*dst) +
                              " would make a cycle: " + describe(*dst) + " already feeds " +
                              describe(*src));
    return std::nullopt;
}

void Graph::connect(const Edge &edge)
{
    insertEdge(edges_.size(), edge);
}

void Graph::insertEdge(size_t index, const Edge &edge)
{
    if (auto err = checkEdge(edge))
        throw *err;
    edges_.insert(edges_.begin() + static_cast<std::ptrdiff_t>(std::min(index, edges_.size())),
                  edge);
}

void Graph::disconnect(const Edge &edge)
{
    auto it = std::find(edges_.begin(), edges_.end(), edge);
    if (it == edges_.end())
        throw GraphError(GraphErrorKind::UnknownNode, "There is no such link");
    edges_.erase(it);
}

const Edge *Graph::edgeInto(const PortRef &input) const
{
    for (const Edge &e : edges_)
        if (e.to == input)
            return &e;
    return nullptr;
}

std::vector<Edge> Graph::edgesFrom(const std::string &nodeId) const
{
    std::vector<Edge> out;
    for (const Edge &e : edges_)
        if (e.from.node == nodeId)
            out.push_back(e);
    return out;
}

std::vector<std::string> Graph::topologicalOrder() const
{
    // Kahn's algorithm, taking ready nodes in file order so the order is stable.
    std::map<std::string, int> pending;
    for (const Node &n : nodes_)
        pending[n.id] = 0;
    for (const Edge &e : edges_)
        pending[e.to.node]++;
    std::vector<std::string> order;
    std::vector<bool> done(nodes_.size(), false);
    while (order.size() < nodes_.size()) {
        bool progressed = false;
        for (size_t i = 0; i < nodes_.size(); ++i) {
            if (done[i] || pending[nodes_[i].id] != 0)
                continue;
            done[i] = true;
            progressed = true;
            order.push_back(nodes_[i].id);
            for (const Edge &e : edges_)
                if (e.from.node == nodes_[i].id)
                    pending[e.to.node]--;
        }
        if (!progressed) {
            std::string members;
            for (size_t i = 0; i < nodes_.size(); ++i)
                if (!done[i])
                    members += (members.empty() ? "'" : ", '") + nodes_[i].id + "'";
            throw GraphError(GraphErrorKind::Cycle,
                             "The model has a cycle through " + members +
                                 "; remove one of the links between them");
        }
    }
    return order;
}

std::vector<std::string> Graph::outputNodes() const
{
    std::vector<std::string> out;
    for (const Node &n : nodes_) {
        bool feeds = std::any_of(edges_.begin(), edges_.end(),
                                 [&](const Edge &e) { return e.from.node == n.id; });
        if (!feeds)
            out.push_back(n.id);
    }
    return out;
}

std::string Graph::uniqueId(const std::string &base) const
{
    std::string stem = base.empty() ? "node" : base;
    for (int i = 1;; ++i) {
        std::string id = stem + "_" + std::to_string(i);
        if (!find(id))
            return id;
    }
}

std::string Graph::portName(const Node &, int port, int inputCount)
{
    return inputCount <= 1 ? std::string("in") : "in" + std::to_string(port);
}

std::string Graph::portLabel(const PortRef &ref, bool output, int inputCount)
{
    if (output)
        return ref.node + ".out";
    return ref.node + "." + (inputCount <= 1 ? std::string("in") : "in" + std::to_string(ref.port));
}

nlohmann::json Graph::toJson() const
{
    nlohmann::json nodes = nlohmann::json::array();
    for (const Node &n : nodes_) {
        nlohmann::json j{{"id", n.id}, {"type", n.type}, {"name", n.name}};
        j["params"] = n.params.is_object() ? n.params : nlohmann::json::object();
        nodes.push_back(std::move(j));
    }
    nlohmann::json edges = nlohmann::json::array();
    for (const Edge &e : edges_) {
        const Node *dst = find(e.to.node);
        int inputs = dst ? inputPortCount(*dst) : 1;
        edges.push_back({{"from", portLabel(e.from, true, 1)},
                         {"to", portLabel(e.to, false, inputs)}});
    }
    return {{"nodes", nodes}, {"edges", edges}};
}

namespace {

// "conv1.out" → {conv1, 0}; "add1.in1" → {add1, 1}; "dense.in" → {dense, 0}.
PortRef parsePort(const std::string &text, bool output, const std::string &file,
                  const std::string &path)
{
    auto dot = text.rfind('.');
    if (dot == std::string::npos || dot == 0)
        throw ProjectError(file, path,
                           "expected \"node.port\" (like \"conv1.out\") but found \"" + text + "\"");
    PortRef ref{text.substr(0, dot), 0};
    std::string port = text.substr(dot + 1);
    if (output) {
        if (port != "out")
            throw ProjectError(file, path, "expected an output port \"" + ref.node +
                                               ".out\" but found \"" + text + "\"");
        return ref;
    }
    if (port == "in")
        return ref;
    if (port.size() > 2 && port.compare(0, 2, "in") == 0 &&
        std::all_of(port.begin() + 2, port.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
        port.size() < 6) {
        ref.port = std::stoi(port.substr(2));
        return ref;
    }
    throw ProjectError(file, path,
                       "expected an input port (\"" + ref.node + ".in\" or \"" + ref.node +
                           ".in0\", \"" + ref.node + ".in1\", ...) but found \"" + text + "\"");
}

} // namespace

Graph Graph::fromJson(const nlohmann::json &j, const std::string &file,
                      const std::string &jsonPath)
{
    Graph g;
    if (!j.is_object())
        throw ProjectError(file, jsonPath, std::string("expected an object but found ") +
                                               j.type_name());
    if (!j.contains("nodes") || !j.at("nodes").is_array())
        throw ProjectError(file, jsonPath + "/nodes", "expected an array of nodes");
    const auto &nodes = j.at("nodes");
    for (size_t i = 0; i < nodes.size(); ++i) {
        const std::string path = jsonPath + "/nodes/" + std::to_string(i);
        const auto &n = nodes[i];
        if (!n.is_object())
            throw ProjectError(file, path, std::string("expected an object but found ") +
                                               n.type_name());
        for (const char *key : {"id", "type"})
            if (!n.contains(key) || !n.at(key).is_string())
                throw ProjectError(file, path + "/" + key, "expected a string");
        Node node;
        node.id = n.at("id").get<std::string>();
        node.type = n.at("type").get<std::string>();
        // An empty id would be replaced by a fresh one, and the file's edges could not
        // name the node.
        if (node.id.empty())
            throw ProjectError(file, path + "/id", "expected a non-empty node id");
        if (!LayerRegistry::instance().find(node.type)) {
            std::string known;
            for (const LayerType *t : LayerRegistry::instance().all())
                known += (known.empty() ? "" : ", ") + t->name;
            throw ProjectError(file, path + "/type",
                               "unknown layer type \"" + node.type + "\"; expected one of " +
                                   known);
        }
        if (n.contains("name")) {
            if (!n.at("name").is_string())
                throw ProjectError(file, path + "/name", "expected a string");
            node.name = n.at("name").get<std::string>();
        }
        if (n.contains("params")) {
            if (!n.at("params").is_object())
                throw ProjectError(file, path + "/params", "expected an object");
            node.params = n.at("params");
        }
        try {
            g.addNode(std::move(node));
        } catch (const GraphError &e) {
            // Point at the field at fault: the id (invalid, duplicate) or the type.
            const bool idProblem =
                e.kind() == GraphErrorKind::InvalidId || e.kind() == GraphErrorKind::DuplicateId;
            throw ProjectError(file, path + (idProblem ? "/id" : "/type"), e.what());
        }
    }
    if (j.contains("edges")) {
        if (!j.at("edges").is_array())
            throw ProjectError(file, jsonPath + "/edges", "expected an array of links");
        const auto &edges = j.at("edges");
        for (size_t i = 0; i < edges.size(); ++i) {
            const std::string path = jsonPath + "/edges/" + std::to_string(i);
            const auto &e = edges[i];
            if (!e.is_object() || !e.contains("from") || !e.contains("to") ||
                !e.at("from").is_string() || !e.at("to").is_string())
                throw ProjectError(file, path,
                                   "expected {\"from\": \"node.out\", \"to\": \"node.in\"}");
            Edge edge{parsePort(e.at("from").get<std::string>(), true, file, path + "/from"),
                      parsePort(e.at("to").get<std::string>(), false, file, path + "/to")};
            if (auto err = g.checkEdge(edge)) {
                // A missing node or port is the fault of one end (parsePort only lets
                // output port 0 through); a cycle or a clash is the fault of the link.
                std::string at = path;
                if (err->kind() == GraphErrorKind::UnknownNode ||
                    err->kind() == GraphErrorKind::UnknownPort)
                    at += g.find(edge.from.node) ? "/to" : "/from";
                throw ProjectError(file, at, err->what());
            }
            g.connect(edge);
        }
    }
    return g;
}

} // namespace strata
