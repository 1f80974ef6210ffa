// The decompositions of LayerNorm and GroupNorm that exporters write before opset 17 and 18,
// found before conversion and each replaced by one node, so that the ops they are made of
// (ReduceMean, Sub, Pow, Sqrt, Div, Mul, Add, Reshape, InstanceNormalization) need no
// meaning of their own in Strata:
//   LayerNorm (PyTorch's exporter, Strata's own, ConvNeXt's channels-first LayerNorm):
//     ReduceMean(x) → Sub(x, ·) → Pow(·, 2) → ReduceMean → Add(·, ε) → Sqrt → Div(Sub, ·)
//     [→ Mul(·, γ) [→ Add(·, β)]]
//   becomes LayerNormalization(x, γ, β, exponent, ε) with ReduceMean's axes and the attribute
//   strata_chain;
//   GroupNorm (PyTorch's exporter and Strata's own):
//     Reshape(x, {0, G, -1}) → InstanceNormalization(·, scale, bias) → Reshape(·, shape)
//     [→ Mul(·, γ) [→ Add(·, β)]]
//   becomes GroupNormalization(x, γ, β, grouped shape, scale, bias, shape) with
//   strata_chain.
// This pass matches structure only: the wiring, the op types, that no value inside the chain
// is read from outside it, and that the exponent, ε, γ and β are constants (a Mul by a
// computed value stays outside the chain). The constants (the exponent 2, ε, the instance norm's
// scale 1 and bias 0, the shapes) are checked by the handlers (import/norm.cpp), which can read
// them and say what is wrong.

#include "onnx/onnx_import.h"

#include <algorithm>
#include <map>
#include <set>

namespace strata::internal {

namespace {

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

std::string attributeInts(const onnx::NodeProto &n, const char *name)
{
    for (const auto &a : n.attribute())
        if (a.name() == name) {
            std::string text;
            for (int64_t v : a.ints())
                text += std::to_string(v) + ",";
            return text;
        }
    return "none";
}

// "/norm/ReduceMean" → "/norm/LayerNormalization", so the layer is named after the module.
std::string fusedName(const onnx::NodeProto &first, const std::string &op)
{
    const std::string &name = first.name();
    const auto slash = name.rfind('/');
    return slash == std::string::npos ? name : name.substr(0, slash + 1) + op;
}

// γ and β after the normalised value: appends Mul and Add when they are there.
void takeAffine(const ChainFinder &f, Chain &c, std::string &result, std::string &gamma,
                std::string &beta)
{
    int mul = -1, add = -1;
    gamma = f.affineStep(result, "Mul", mul);
    if (mul < 0)
        return;
    c.nodes.push_back(mul);
    result = f.node(mul).output(0);
    beta = f.affineStep(result, "Add", add);
    if (add < 0)
        return;
    c.nodes.push_back(add);
    result = f.node(add).output(0);
}

bool layerNormChain(const ChainFinder &f, int first, Chain &c)
{
    const onnx::NodeProto &mean = f.node(first);
    if (mean.input_size() != 1 || mean.output_size() != 1)
        return false;
    const std::string &x = mean.input(0);
    const int sub = f.soleReader(mean.output(0), "Sub");
    if (sub < 0 || f.node(sub).input_size() != 2 || f.node(sub).input(0) != x)
        return false;
    const std::string &centered = f.node(sub).output(0);
    const std::vector<int> &readers = f.readers(centered);
    if (readers.size() != 2 || f.isGraphOutput(centered))
        return false;
    int pow = -1, div = -1;
    for (int r : readers) {
        if (f.node(r).op_type() == "Pow" && f.node(r).input(0) == centered)
            pow = r;
        if (f.node(r).op_type() == "Div" && f.node(r).input(0) == centered)
            div = r;
    }
    if (pow < 0 || div < 0 || f.node(pow).input_size() != 2 || !f.isConstant(f.node(pow).input(1)))
        return false;
    const int variance = f.soleReader(f.node(pow).output(0), "ReduceMean");
    if (variance < 0 || attributeInts(f.node(variance), "axes") != attributeInts(mean, "axes") ||
        f.node(variance).input_size() != 1)
        return false;
    int addEps = -1;
    const std::string eps = f.affineStep(f.node(variance).output(0), "Add", addEps);
    if (addEps < 0)
        return false;
    const int sqrt = f.soleReader(f.node(addEps).output(0), "Sqrt");
    if (sqrt < 0 || f.soleReader(f.node(sqrt).output(0), "Div") != div ||
        f.node(div).input(1) != f.node(sqrt).output(0))
        return false;
    c.nodes = {first, sub, pow, variance, addEps, sqrt, div};
    std::string result = f.node(div).output(0), gamma, beta;
    takeAffine(f, c, result, gamma, beta);

    c.fused.set_op_type("LayerNormalization");
    c.fused.set_name(fusedName(mean, "LayerNormalization"));
    for (const std::string &in : {x, gamma, beta, f.node(pow).input(1), eps})
        c.fused.add_input(in);
    c.fused.add_output(result);
    for (const auto &a : mean.attribute())
        *c.fused.add_attribute() = a; // axes, keepdims
    return true;
}

bool groupNormChain(const ChainFinder &f, const onnx::GraphProto &g, int norm, Chain &c)
{
    const onnx::NodeProto &in = f.node(norm);
    if (in.input_size() != 3 || in.output_size() != 1)
        return false;
    int grouped = -1;
    for (int i = 0; i < g.node_size(); ++i)
        if (g.node(i).output_size() > 0 && g.node(i).output(0) == in.input(0))
            grouped = i;
    if (grouped < 0 || g.node(grouped).op_type() != "Reshape" ||
        f.soleReader(in.input(0), "InstanceNormalization") != norm ||
        g.node(grouped).input_size() != 2)
        return false;
    const int back = f.soleReader(in.output(0), "Reshape");
    if (back < 0 || f.node(back).input_size() != 2 || f.node(back).input(0) != in.output(0))
        return false;
    c.nodes = {grouped, norm, back};
    std::string result = f.node(back).output(0), gamma, beta;
    takeAffine(f, c, result, gamma, beta);

    c.fused.set_op_type("GroupNormalization");
    c.fused.set_name(fusedName(g.node(grouped), "GroupNormalization"));
    for (const std::string &v : {g.node(grouped).input(0), gamma, beta, g.node(grouped).input(1),
                                 in.input(1), in.input(2), f.node(back).input(1)})
        c.fused.add_input(v);
    c.fused.add_output(result);
    for (const auto &a : in.attribute())
        *c.fused.add_attribute() = a; // epsilon
    return true;
}

} // namespace

void fuseNormChains(onnx::GraphProto &graph)
{
    std::vector<Chain> chains;
    {
        const ChainFinder f(graph);
        std::set<int> taken;
        for (int i = 0; i < graph.node_size(); ++i) {
            Chain c;
            const std::string &op = graph.node(i).op_type();
            const bool found = (op == "ReduceMean" && layerNormChain(f, i, c)) ||
                               (op == "InstanceNormalization" && groupNormChain(f, graph, i, c));
            if (!found || std::any_of(c.nodes.begin(), c.nodes.end(),
                                      [&](int n) { return taken.count(n) > 0; }))
                continue;
            taken.insert(c.nodes.begin(), c.nodes.end());
            auto *flag = c.fused.add_attribute();
            flag->set_name("strata_chain");
            flag->set_type(onnx::AttributeProto::INT);
            flag->set_i(1);
            chains.push_back(std::move(c));
        }
    }
    if (chains.empty())
        return;
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
