#pragma once
// What the passes that replace an exporter's decomposition of one layer by one node share
// (norm_chains.cpp, shuffle_chain.cpp): who reads and who writes each value of the graph,
// and the splice that puts each fused node in its chain's place.

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace strata::internal {

class ChainFinder
{
public:
    explicit ChainFinder(const onnx::GraphProto &g) : g_(g)
    {
        for (int i = 0; i < g.node_size(); ++i)
            for (const auto &in : g.node(i).input())
                if (!in.empty())
                    readers_[in].push_back(i);
        for (const auto &out : g.output())
            graphOutputs_.insert(out.name());
        for (int i = 0; i < g.node_size(); ++i)
            for (const auto &out : g.node(i).output())
                producers_[out] = i;
        for (const auto &t : g.initializer())
            initializers_.insert(t.name());
    }

    // True for an initializer, a Constant's output, and what the ops that only reshape or
    // convert make of those (γ[:, None, None] is Unsqueeze of an initializer): a γ or β the
    // handlers can read as weights, never something computed from the graph's input.
    bool isConstant(const std::string &value, int depth = 0) const
    {
        if (initializers_.count(value))
            return true;
        const auto it = producers_.find(value);
        if (it == producers_.end() || depth > 8)
            return false;
        const onnx::NodeProto &n = g_.node(it->second);
        static const std::set<std::string> reshaping{"Unsqueeze", "Squeeze", "Reshape", "Identity",
                                                     "Cast"};
        if (n.op_type() == "Constant")
            return true;
        if (!reshaping.count(n.op_type()) || n.input_size() == 0)
            return false;
        return std::all_of(n.input().begin(), n.input().end(), [&](const std::string &in) {
            return in.empty() || isConstant(in, depth + 1);
        });
    }

    // The one node reading `value` and nothing else (not a graph output), or -1.
    int soleReader(const std::string &value, const char *op) const
    {
        const auto it = readers_.find(value);
        if (graphOutputs_.count(value) || it == readers_.end() || it->second.size() != 1)
            return -1;
        const int i = it->second[0];
        return g_.node(i).op_type() == op ? i : -1;
    }

    const std::vector<int> &readers(const std::string &value) const
    {
        static const std::vector<int> none;
        const auto it = readers_.find(value);
        return it == readers_.end() ? none : it->second;
    }

    // The index of the node writing `value`, or -1 (a graph input or an initializer).
    int producer(const std::string &value) const
    {
        const auto it = producers_.find(value);
        return it == producers_.end() ? -1 : it->second;
    }

    const onnx::NodeProto &node(int i) const { return g_.node(i); }
    bool isGraphOutput(const std::string &v) const { return graphOutputs_.count(v) > 0; }

    // Mul or Add of `value` (either side) and a constant (isConstant), the node the only
    // reader of `value`: the constant's name, or empty (index -1) when there is no such node.
    std::string affineStep(const std::string &value, const char *op, int &index) const
    {
        index = soleReader(value, op);
        if (index < 0 || node(index).input_size() != 2)
            return index = -1, std::string();
        const auto &n = node(index);
        const std::string &other = n.input(0) == value ? n.input(1) : n.input(0);
        if ((n.input(0) == value) == (n.input(1) == value) || !isConstant(other))
            return index = -1, std::string();
        return other;
    }

private:
    const onnx::GraphProto &g_;
    std::map<std::string, std::vector<int>> readers_;
    std::map<std::string, int> producers_;
    std::set<std::string> graphOutputs_, initializers_;
};

struct Chain
{
    std::vector<int> nodes; // in the graph, the last one writing the result
    onnx::NodeProto fused;
};

// "/norm/ReduceMean" → "/norm/LayerNormalization", so the layer is named after the module.
std::string fusedName(const onnx::NodeProto &first, const std::string &op);

// Marks each chain's fused node with the attribute strata_chain and puts it in the place of
// the chain's last node; the chain's other nodes go. The chains share no node.
void replaceChains(onnx::GraphProto &graph, std::vector<Chain> &chains);

} // namespace strata::internal
