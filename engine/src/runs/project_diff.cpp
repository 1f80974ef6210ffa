// What changed between two projects, in the words a user would use (run_store.h).

#include "io/json_text.h"
#include "strata/run_store.h"

#include <map>
#include <set>

namespace strata {

namespace {

std::string shown(const nlohmann::json *value)
{
    return value ? internal::briefJson(*value, 40) : std::string("(default)");
}

// The leaves of an object as "a.b.c" → value; arrays are leaves.
void flatten(const nlohmann::json &j, const std::string &prefix,
             std::map<std::string, const nlohmann::json *> &out)
{
    if (!j.is_object() || j.empty()) {
        if (!prefix.empty())
            out[prefix] = &j;
        return;
    }
    for (const auto &[key, value] : j.items())
        flatten(value, prefix.empty() ? key : prefix + "." + key, out);
}

// "what: key a → b" for every leaf that differs.
void diffSection(const nlohmann::json &a, const nlohmann::json &b, const std::string &what,
                 std::vector<std::string> &lines)
{
    std::map<std::string, const nlohmann::json *> before, after;
    flatten(a, "", before);
    flatten(b, "", after);
    std::set<std::string> keys;
    for (const auto &[key, v] : before)
        keys.insert(key);
    for (const auto &[key, v] : after)
        keys.insert(key);
    for (const std::string &key : keys) {
        const auto x = before.find(key), y = after.find(key);
        const nlohmann::json *vx = x == before.end() ? nullptr : x->second;
        const nlohmann::json *vy = y == after.end() ? nullptr : y->second;
        if (vx && vy && *vx == *vy)
            continue;
        lines.push_back(what + key + " " + shown(vx) + " → " + shown(vy));
    }
}

std::string layerName(const Node &n)
{
    return (n.name.empty() || n.name == n.id ? n.id : n.name + " [" + n.id + "]") + " (" +
           n.type + ")";
}

} // namespace

std::vector<std::string> diffProjects(const Project &before, const Project &after)
{
    std::vector<std::string> lines;
    std::map<std::string, const Node *> a, b;
    for (const Node &n : before.graph.nodes())
        a[n.id] = &n;
    for (const Node &n : after.graph.nodes())
        b[n.id] = &n;
    for (const auto &[id, n] : a)
        if (!b.count(id))
            lines.push_back("Layer " + layerName(*n) + " removed");
    for (const auto &[id, n] : b) {
        const auto it = a.find(id);
        if (it == a.end()) {
            lines.push_back("Layer " + layerName(*n) + " added");
            continue;
        }
        const Node &old = *it->second;
        if (old.type != n->type)
            lines.push_back("Layer " + id + ": type " + old.type + " → " + n->type);
        if (old.name != n->name)
            lines.push_back("Layer " + id + " renamed " + internal::briefQuote(old.name) + " → " +
                            internal::briefQuote(n->name));
        if (old.type == n->type)
            diffSection(old.params, n->params, layerName(*n) + ": ", lines);
    }
    std::set<std::string> edgesBefore, edgesAfter;
    const auto text = [](const Edge &e) {
        return e.from.node + " → " + e.to.node +
               (e.to.port > 0 ? " (input " + std::to_string(e.to.port + 1) + ")" : std::string());
    };
    for (const Edge &e : before.graph.edges())
        edgesBefore.insert(text(e));
    for (const Edge &e : after.graph.edges())
        edgesAfter.insert(text(e));
    for (const std::string &e : edgesBefore)
        if (!edgesAfter.count(e))
            lines.push_back("Connection " + e + " removed");
    for (const std::string &e : edgesAfter)
        if (!edgesBefore.count(e))
            lines.push_back("Connection " + e + " added");
    const nlohmann::json pa = toJson(before), pb = toJson(after);
    diffSection(pa.value("dataset", nlohmann::json::object()),
                pb.value("dataset", nlohmann::json::object()), "Dataset: ", lines);
    diffSection(pa.value("training", nlohmann::json::object()),
                pb.value("training", nlohmann::json::object()), "Training: ", lines);
    return lines;
}

std::vector<std::string> modelChanges(const Project &before, const Project &after)
{
    std::vector<std::string> lines;
    for (std::string &line : diffProjects(before, after))
        if (line.rfind("Dataset: ", 0) != 0 && line.rfind("Training: ", 0) != 0)
            lines.push_back(std::move(line));
    return lines;
}

} // namespace strata
