// The channel shuffle as exporters write it (PyTorch's for torchvision's ShuffleNetV2 and
// nn.ChannelShuffle, and Strata's own):
//   Reshape(x, {N, groups, C/groups, ...}) → Transpose(perm 0, 2, 1, 3, ...)
//   → Reshape(·, shape)
// found before conversion and replaced by one node ChannelShuffle(x, grouped shape, shape)
// with strata_chain. The pass matches structure only (the wiring, the op types, the perm, and
// that no value inside the chain is read from outside it); the shapes are often computed in
// the graph (Shape → Gather → Div → Concat), so the handler (import/reshape.cpp) checks them
// once they are known, and imports any other Reshape → Transpose → Reshape as the three layers.

#include "onnx/import/chain_finder.h"
#include "onnx/onnx_import.h"

namespace strata::internal {

namespace {

bool swapsAxesOneAndTwo(const onnx::NodeProto &transpose)
{
    for (const auto &a : transpose.attribute())
        if (a.name() == "perm") {
            if (a.ints_size() < 3 || a.ints(0) != 0 || a.ints(1) != 2 || a.ints(2) != 1)
                return false;
            for (int i = 3; i < a.ints_size(); ++i)
                if (a.ints(i) != i)
                    return false;
            return true;
        }
    return false;
}

bool shuffleChain(const ChainFinder &f, int first, Chain &c)
{
    const onnx::NodeProto &grouped = f.node(first);
    if (grouped.input_size() != 2 || grouped.output_size() != 1)
        return false;
    const int transpose = f.soleReader(grouped.output(0), "Transpose");
    if (transpose < 0 || !swapsAxesOneAndTwo(f.node(transpose)))
        return false;
    const int back = f.soleReader(f.node(transpose).output(0), "Reshape");
    if (back < 0 || f.node(back).input_size() != 2 ||
        f.node(back).input(0) != f.node(transpose).output(0))
        return false;
    c.nodes = {first, transpose, back};
    c.fused.set_op_type("ChannelShuffle");
    c.fused.set_name(fusedName(grouped, "ChannelShuffle"));
    for (const std::string &v : {grouped.input(0), grouped.input(1), f.node(back).input(1)})
        c.fused.add_input(v);
    c.fused.add_output(f.node(back).output(0));
    return true;
}

} // namespace

void fuseChannelShuffles(onnx::GraphProto &graph)
{
    std::vector<Chain> chains;
    {
        const ChainFinder f(graph);
        std::set<int> taken;
        for (int i = 0; i < graph.node_size(); ++i) {
            Chain c;
            if (graph.node(i).op_type() != "Reshape" || !shuffleChain(f, i, c) ||
                std::any_of(c.nodes.begin(), c.nodes.end(),
                            [&](int n) { return taken.count(n) > 0; }))
                continue;
            taken.insert(c.nodes.begin(), c.nodes.end());
            chains.push_back(std::move(c));
        }
    }
    replaceChains(graph, chains);
}

} // namespace strata::internal
