// The splice shared by the chain passes (chain_finder.h).

#include "onnx/import/chain_finder.h"

namespace strata::internal {

std::string fusedName(const onnx::NodeProto &first, const std::string &op)
{
    const std::string &name = first.name();
    const auto slash = name.rfind('/');
    return slash == std::string::npos ? name : name.substr(0, slash + 1) + op;
}

void replaceChains(onnx::GraphProto &graph, std::vector<Chain> &chains)
{
    if (chains.empty())
        return;
    for (Chain &c : chains) {
        auto *flag = c.fused.add_attribute();
        flag->set_name("strata_chain");
        flag->set_type(onnx::AttributeProto::INT);
        flag->set_i(1);
    }
    // The fused node takes the place of the chain's last node; the rest go.
    std::map<int, const onnx::NodeProto *> replace;
    std::set<int> drop;
    for (const Chain &c : chains) {
        replace[c.nodes.back()] = &c.fused;
        drop.insert(c.nodes.begin(), c.nodes.end() - 1);
    }
    google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
    for (int i = 0; i < graph.node_size(); ++i) {
        if (drop.count(i))
            continue;
        const auto it = replace.find(i);
        *nodes.Add() = it == replace.end() ? graph.node(i) : *it->second;
    }
    graph.mutable_node()->Swap(&nodes);
}

} // namespace strata::internal
