// Network plans: per batch size, the buffers and kernels created once (with the layouts and
// fusions that let activations flow between kernels untouched), and what the plan tells about
// a node (its channel block, whether it runs inside its consumer, its last output).

#include "core/network_plan.h"

#include <map>
#include <stdexcept>

namespace strata {

namespace {

// True when a sample of this shape has the same bytes in every channel block:
// [N][C/B][1][1][B] is [N][C][1][1], and a flat {N, F} tensor is never blocked.
bool sameInEveryBlock(const Shape &sample)
{
    return sample.size() == 1 || (sample.size() == 3 && sample[1] * sample[2] == 1);
}

} // namespace

Network::Plan &Network::planFor(int64_t batch)
{
    auto it = plans_.find(batch);
    if (it != plans_.end())
        return *it->second;
    // Keep a handful of plans: the batch size, the last partial batch, evaluation sizes.
    if (plans_.size() >= 4) {
        if (plans_.begin()->second.get() == lastTrained_)
            lastTrained_ = nullptr;
        plans_.erase(plans_.begin());
    }

    auto plan = std::make_unique<Plan>();
    plan->batch = batch;
    std::map<std::string, int> index;
    for (const std::string &id : order_) {
        index[id] = static_cast<int>(plan->steps.size());
        plan->steps.emplace_back();
        plan->steps.back().node = graph_.find(id);
    }
    for (auto &step : plan->steps) {
        const NodeAnalysis &a = *analysis_.find(step.node->id);
        const int ports = static_cast<int>(a.inputs.size());
        bool trainable = false;
        for (size_t w : nodeWeights_[step.node->id])
            trainable = trainable || params_[w].trainable;
        step.needsGrad = trainable;
        for (int p = 0; p < ports; ++p) {
            const int src = index[graph_.edgeInto({step.node->id, p})->from.node];
            step.inputs.push_back(src);
            plan->steps[static_cast<size_t>(src)].consumers++;
            step.needsGrad = step.needsGrad || plan->steps[static_cast<size_t>(src)].needsGrad;
        }
        step.out = backend_.allocate(withBatch(batch, a.output));
        if (step.needsGrad)
            step.grad = backend_.allocate(withBatch(batch, a.output));
    }
    if (!everyOutput_)
        absorbActivations(*plan);
    const std::vector<bool> blockable =
        everyOutput_ ? std::vector<bool>(plan->steps.size(), false) : blockableOutputs(*plan);
    for (size_t i = 0; i < plan->steps.size(); ++i) {
        auto &step = plan->steps[i];
        if (step.absorbed)
            continue;
        const NodeAnalysis &a = *analysis_.find(step.node->id);
        step.temps.resize(step.inputs.size());
        for (size_t p = 0; p < step.inputs.size(); ++p) {
            auto &src = plan->steps[static_cast<size_t>(step.inputs[p])];
            if (!src.needsGrad) {
                step.targets.push_back(nullptr);
            } else if (src.consumers == 1) {
                step.targets.push_back(&src.grad);
            } else {
                step.temps[p] = backend_.allocate(src.grad.shape());
                step.targets.push_back(&step.temps[p]);
            }
        }
        std::vector<Shape> inShapes;
        std::vector<int64_t> inBlocks;
        for (int src : step.inputs) {
            inShapes.push_back(plan->steps[static_cast<size_t>(src)].out.shape());
            inBlocks.push_back(plan->steps[static_cast<size_t>(src)].block);
        }
        std::vector<Tensor> w, g;
        for (size_t i : nodeWeights_[step.node->id]) {
            w.push_back(params_[i].value);
            g.push_back(params_[i].grad);
        }
        KernelSetup setup{*step.node, a.resolvedParams, inShapes, step.out.shape(), w,
                          g,          backend_,         inBlocks, blockable[i],     step.inputRelu,
                          precision_};
        step.kernel = backend_.createKernel(setup);
        step.block = sameInEveryBlock(a.output) ? 1 : step.kernel->outputBlock();
        if (step.block != 1 && !blockable[i])
            throw std::logic_error(
                describe(*step.node) +
                ": kernel chose a blocked layout that its consumers cannot read");
    }
    LossSetup ls{loss_, plan->steps.back().out.shape(), fused_};
    plan->loss = backend_.createLoss(ls);
    plan->labels = backend_.allocate({batch});
    plan->delivered.assign(plan->steps.size(), 0);
    auto &ref = *plan;
    plans_[batch] = std::move(plan);
    return ref;
}

void Network::absorbActivations(Plan &plan) const
{
    // A ReLU whose only consumer can apply it (max pooling) hands that consumer its own
    // input: one full-size pass forward and one backward fewer, and the same numbers.
    const LayerRegistry &registry = LayerRegistry::instance();
    const std::string kind = backend_.kind();
    for (size_t i = 0; i < plan.steps.size(); ++i) {
        auto &step = plan.steps[i];
        if (step.inputs.size() != 1)
            continue;
        auto &relu = plan.steps[static_cast<size_t>(step.inputs[0])];
        if (relu.consumers != 1 || !registry.impl(registry.get(relu.node->type)).absorbableRelu ||
            !registry.impl(registry.get(step.node->type)).absorbsRelu.contains(kind))
            continue;
        step.inputs[0] = relu.inputs[0]; // the producer keeps one consumer: this step
        step.inputRelu = true;
        relu.absorbed = true;
        relu.out = Tensor();
        relu.grad = Tensor();
    }
}

std::vector<bool> Network::blockableOutputs(const Plan &plan) const
{
    // A step's output may take a blocked layout when every consumer reads one: a `Chooses`
    // kernel converts whatever it gets, a `FollowsInput` kernel passes the layout on, so its
    // own output must be blockable too. Consumers come later in topological order, so one
    // pass from the end settles every step. The network's output stays plain. An output
    // of one pixel per channel is the same bytes in every block: whoever reads it, a kernel
    // may write it blocked, and the plan records it as plain (see planFor), so that a
    // residual network's last blocks, at 1×1, do not force plain layouts on the blocks
    // before them through the Adds and activations between.
    const LayerRegistry &registry = LayerRegistry::instance();
    const std::string kind = backend_.kind();
    auto useOf = [&](const Node &n) {
        const auto &layouts = registry.impl(registry.get(n.type)).layouts;
        const auto it = layouts.find(kind);
        return it == layouts.end() ? LayoutUse::PlainOnly : it->second;
    };
    const size_t n = plan.steps.size();
    std::vector<std::vector<size_t>> consumers(n);
    for (size_t i = 0; i < n; ++i)
        if (!plan.steps[i].absorbed)
            for (int src : plan.steps[i].inputs)
                consumers[static_cast<size_t>(src)].push_back(i);
    std::vector<bool> blockable(n, false);
    for (size_t i = n; i-- > 0;) {
        if (i + 1 == n || consumers[i].empty())
            continue;
        bool ok = true;
        for (size_t c : consumers[i]) {
            const LayoutUse use = useOf(*plan.steps[c].node);
            ok = ok && (use == LayoutUse::Chooses ? plan.steps[c].inputs.size() == 1
                                                  : use == LayoutUse::FollowsInput && blockable[c]);
        }
        blockable[i] = ok || sameInEveryBlock(analysis_.find(plan.steps[i].node->id)->output);
    }
    return blockable;
}

size_t Network::stepIndex(const Plan &plan, const std::string &nodeId) const
{
    for (size_t i = 0; i < plan.steps.size(); ++i)
        if (plan.steps[i].node->id == nodeId)
            return i;
    throw Error("The model has no node '" + nodeId + "'");
}

int64_t Network::channelBlock(const std::string &nodeId, int64_t batch)
{
    const Plan &plan = planFor(batch);
    return plan.steps[stepIndex(plan, nodeId)].block;
}

bool Network::runsInsideConsumer(const std::string &nodeId, int64_t batch)
{
    const Plan &plan = planFor(batch);
    return plan.steps[stepIndex(plan, nodeId)].absorbed;
}

std::vector<Network::NodePlan> Network::describePlan(int64_t batch)
{
    const Plan &plan = planFor(batch);
    const int64_t floatBytes = sizeof(float);
    std::vector<NodePlan> nodes;
    for (const auto &step : plan.steps) {
        NodePlan n;
        n.id = step.node->id;
        if (step.absorbed) {
            for (const Edge &e : graph_.edges())
                if (e.from.node == n.id)
                    n.consumer = e.to.node;
            nodes.push_back(std::move(n));
            continue;
        }
        n.kernel = step.kernel->implementation();
        if (n.kernel.empty())
            n.kernel = backend_.kind() == "reference" ? "reference" : "strata";
        n.outputBytes = step.out.numel() * floatBytes;
        if (step.grad.defined())
            n.gradientBytes = step.grad.numel() * floatBytes;
        for (const Tensor &t : step.temps)
            if (t.defined())
                n.gradientBytes += t.numel() * floatBytes;
        n.workspaceBytes = step.kernel->workspaceBytes();
        nodes.push_back(std::move(n));
    }
    return nodes;
}

std::vector<int> Network::parameterNodes() const
{
    std::vector<int> owner(params_.size(), -1);
    for (size_t i = 0; i < order_.size(); ++i)
        if (auto it = nodeWeights_.find(order_[i]); it != nodeWeights_.end())
            for (size_t p : it->second)
                owner[p] = static_cast<int>(i);
    return owner;
}

void Network::keepEveryOutput()
{
    everyOutput_ = true;
    plans_.clear(); // plans built before keep the faster layout
    last_ = lastTrained_ = nullptr;
}

Tensor Network::nodeOutput(const std::string &nodeId)
{
    if (!last_)
        throw Error("No forward pass has run yet: evaluate a batch before reading node '" + nodeId +
                    "'");
    const Plan::Step &step = last_->steps[stepIndex(*last_, nodeId)];
    if (step.absorbed || step.block != 1)
        throw Error(describe(*step.node) +
                    " runs inside another layer's kernel here, so its output is not kept: "
                    "read it from a network built with keepEveryOutput (a Probe)");
    Tensor host;
    backend_.copyToHost(step.out, host);
    return host.reshaped(step.out.shape());
}

} // namespace strata
