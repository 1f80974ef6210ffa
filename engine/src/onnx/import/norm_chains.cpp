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

#include "onnx/import/chain_finder.h"
#include "onnx/onnx_import.h"

#include <algorithm>
#include <map>
#include <set>

namespace strata::internal {

namespace {

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
            chains.push_back(std::move(c));
        }
    }
    replaceChains(graph, chains);
}

} // namespace strata::internal
