// AdaptiveAvgPool2D as Strata exports it with uneven windows (layers/pooling/
// adaptive_pool_onnx.cpp): per axis, Slice(x, start, end, axis) → ReduceMean(axis, keepdims)
// for each window, joined by a Concat along the axis; the columns' stage then the rows'.
// Found before conversion and replaced by one node AdaptiveAveragePool(x, then start, end and
// axes of each window) with strata_axes (the stages' axes) and strata_parts (their window
// counts); the handler (import/pooling.cpp) checks, once the values are known, that the
// windows are an adaptive pool's, and refuses the chain otherwise.

#include "onnx/import/chain_finder.h"
#include "onnx/onnx_import.h"

namespace strata::internal {

namespace {

int64_t intAttribute(const onnx::NodeProto &n, const std::string &name, int64_t fallback)
{
    for (const auto &a : n.attribute())
        if (a.name() == name)
            return a.i();
    return fallback;
}

std::vector<int64_t> intsAttribute(const onnx::NodeProto &n, const std::string &name)
{
    for (const auto &a : n.attribute())
        if (a.name() == name)
            return {a.ints().begin(), a.ints().end()};
    return {};
}

// One axis' stage: the Concat at `concat` and its windows.
struct Stage
{
    int64_t axis = 0;
    std::string input;             // the value every window slices
    std::vector<int> nodes;        // the Slices, the ReduceMeans, the Concat last
    std::vector<std::string> args; // start, end and axes of each window
};

bool stageAt(const ChainFinder &f, int concat, Stage &s)
{
    const onnx::NodeProto &cat = f.node(concat);
    s.axis = intAttribute(cat, "axis", -100);
    if ((s.axis != 2 && s.axis != 3) || cat.input_size() < 1 || cat.output_size() != 1)
        return false;
    std::vector<int> slices, means;
    for (const std::string &v : cat.input()) {
        const int mean = f.producer(v);
        if (mean < 0 || f.soleReader(v, "Concat") != concat)
            return false;
        const onnx::NodeProto &m = f.node(mean);
        if (m.op_type() != "ReduceMean" || m.input_size() != 1 ||
            intsAttribute(m, "axes") != std::vector<int64_t>{s.axis} ||
            intAttribute(m, "keepdims", 1) != 1)
            return false;
        const int slice = f.producer(m.input(0));
        if (slice < 0 || f.soleReader(m.input(0), "ReduceMean") != mean)
            return false;
        const onnx::NodeProto &sl = f.node(slice);
        if (sl.op_type() != "Slice" || sl.input_size() != 4 || sl.output_size() != 1)
            return false;
        if (s.input.empty())
            s.input = sl.input(0);
        if (sl.input(0) != s.input)
            return false;
        s.args.insert(s.args.end(), {sl.input(1), sl.input(2), sl.input(3)});
        slices.push_back(slice);
        means.push_back(mean);
    }
    s.nodes = slices;
    s.nodes.insert(s.nodes.end(), means.begin(), means.end());
    s.nodes.push_back(concat);
    return true;
}

// True when everything reading `first`'s result is a Slice of `second`.
bool feeds(const ChainFinder &f, const Stage &first, const Stage &second)
{
    const std::string &out = f.node(first.nodes.back()).output(0);
    if (second.input != out || second.axis == first.axis || f.isGraphOutput(out))
        return false;
    const size_t windows = second.args.size() / 3;
    for (int r : f.readers(out))
        if (std::find(second.nodes.begin(), second.nodes.begin() + long(windows), r) ==
            second.nodes.begin() + long(windows))
            return false;
    return true;
}

Chain fused(const ChainFinder &f, const std::vector<const Stage *> &stages)
{
    Chain c;
    c.fused.set_op_type("AdaptiveAveragePool");
    const onnx::NodeProto &last = f.node(stages.back()->nodes.back());
    c.fused.set_name(last.name());
    c.fused.add_input(stages.front()->input);
    auto *axes = c.fused.add_attribute();
    axes->set_name("strata_axes");
    axes->set_type(onnx::AttributeProto::INTS);
    auto *parts = c.fused.add_attribute();
    parts->set_name("strata_parts");
    parts->set_type(onnx::AttributeProto::INTS);
    for (const Stage *s : stages) {
        c.nodes.insert(c.nodes.end(), s->nodes.begin(), s->nodes.end());
        for (const std::string &a : s->args)
            c.fused.add_input(a);
        axes->add_ints(s->axis);
        parts->add_ints(static_cast<int64_t>(s->args.size() / 3));
    }
    c.fused.add_output(last.output(0));
    return c;
}

} // namespace

void fuseAdaptivePools(onnx::GraphProto &graph)
{
    std::vector<Chain> chains;
    {
        const ChainFinder f(graph);
        std::map<int, Stage> stages; // by Concat index
        for (int i = 0; i < graph.node_size(); ++i) {
            Stage s;
            if (graph.node(i).op_type() == "Concat" && stageAt(f, i, s))
                stages.emplace(i, std::move(s));
        }
        // Last first, so that a rows' stage claims the columns' stage it reads.
        std::set<int> taken; // stages already in a chain
        for (auto it = stages.rbegin(); it != stages.rend(); ++it) {
            const auto &[concat, s] = *it;
            if (taken.count(concat))
                continue;
            const int before = f.producer(s.input);
            const auto first = stages.find(before);
            if (first != stages.end() && !taken.count(before) && feeds(f, first->second, s)) {
                taken.insert(before);
                chains.push_back(fused(f, {&first->second, &s}));
            } else {
                chains.push_back(fused(f, {&s}));
            }
            taken.insert(concat);
        }
    }
    replaceChains(graph, chains);
}

} // namespace strata::internal
