#include "strata/network.h"

#include "backends/device_ops.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

namespace strata {

InitConvention parseInitConvention(const std::string &text)
{
    if (text == "keras")
        return InitConvention::Keras;
    if (text == "pytorch")
        return InitConvention::PyTorch;
    throw Error("Unknown initialisation '" + text + "': choose keras or pytorch");
}

struct Network::Plan
{
    struct Step
    {
        const Node *node = nullptr;
        std::unique_ptr<Kernel> kernel;
        std::vector<int> inputs;       // step index feeding each input port
        std::vector<Tensor *> targets; // where each port's input gradient goes (or null)
        std::vector<Tensor> temps;     // per port, for producers that feed several layers
        Tensor out;
        Tensor grad; // dL/d(out); defined when needsGrad
        bool needsGrad = false;
        int consumers = 0;
        int64_t block = 1; // channel block of out and grad (see LayoutUse)
        // Runs inside its only consumer's kernel (see LayerImpl::absorbsRelu): no kernel, no
        // buffers, skipped in both passes; the consumer reads this step's input instead.
        bool absorbed = false;
        bool inputRelu = false; // this step's kernel applies the ReLU it absorbed
    };
    int64_t batch = 0;
    std::vector<Step> steps;
    std::unique_ptr<LossKernel> loss;
    Tensor labels;
    std::vector<int> delivered; // per step: gradient contributions received this backward
};

namespace {

void initialise(Tensor &host, const WeightSpec &w, InitConvention conv, Rng &rng)
{
    const Init init = conv == InitConvention::Keras ? w.kerasInit : w.torchInit;
    float bound = 0;
    switch (init) {
    case Init::Zeros:
        host.fill(0);
        return;
    case Init::Ones:
        host.fill(1);
        return;
    case Init::GlorotUniform:
        bound = std::sqrt(6.0f / static_cast<float>(w.fanIn + w.fanOut));
        break;
    case Init::KaimingUniform:
    case Init::BiasFanIn:
        // kaiming_uniform_(a=√5) reduces to U(±1/√fanIn), as does PyTorch's bias init.
        bound = 1.0f / std::sqrt(static_cast<float>(std::max<int64_t>(w.fanIn, 1)));
        break;
    }
    for (int64_t i = 0; i < host.numel(); ++i)
        host.data()[i] = rng.uniformFloat(-bound, bound);
}

} // namespace

Network::Network(const Graph &graph, Backend &backend, LossKind loss, InitConvention init,
                 uint64_t seed)
    : graph_(graph), backend_(backend), loss_(loss), dropoutRng_(seed ^ 0x5eedD20F0)
{
    analysis_ = analyze(graph_);
    if (!analysis_.ok()) {
        std::string all;
        for (const auto &p : analysis_.problems(graph_))
            all += (all.empty() ? "" : "\n") + p;
        throw Error("The model cannot be trained yet:\n" + all);
    }
    for (const Node &n : graph_.nodes())
        if (!backend_.supports(n.type))
            throw BackendError(describe(n) + " cannot run on " + backend_.description() +
                               ": choose another device");
    order_ = graph_.topologicalOrder();
    const Node &out = *graph_.find(analysis_.outputNode);
    fused_ = outputFusedWithLoss(loss, out.type);

    Rng rng(seed);
    const LayerRegistry &registry = LayerRegistry::instance();
    for (const std::string &id : order_) {
        const Node &node = *graph_.find(id);
        const NodeAnalysis &a = *analysis_.find(id);
        for (const WeightSpec &w :
             registry.get(node.type).weights(node, a.resolvedParams, a.inputs)) {
            Tensor host(w.shape);
            initialise(host, w, init, rng);
            Parameter p;
            p.name = id + "." + w.name;
            p.trainable = w.trainable;
            p.value = backend_.allocate(w.shape);
            backend_.copyFromHost(host, p.value);
            p.grad = backend_.allocate(w.shape);
            nodeWeights_[id].push_back(params_.size());
            params_.push_back(std::move(p));
        }
    }
}

Network::~Network() = default;

Shape Network::inputShape() const
{
    return analysis_.find(analysis_.inputNode)->output;
}

Shape Network::outputShape() const
{
    return analysis_.find(analysis_.outputNode)->output;
}

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
                          g,          backend_,         inBlocks, blockable[i],     step.inputRelu};
        step.kernel = backend_.createKernel(setup);
        step.block = step.kernel->outputBlock();
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
    // pass from the end settles every step. The network's output stays plain.
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
            ok = ok && plan.steps[c].inputs.size() == 1 &&
                 (use == LayoutUse::Chooses || (use == LayoutUse::FollowsInput && blockable[c]));
        }
        blockable[i] = ok;
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

void Network::runForward(Plan &plan, const Tensor &x, bool training)
{
    RunContext ctx{training, &dropoutRng_};
    for (auto &step : plan.steps) {
        if (step.absorbed)
            continue;
        if (step.inputs.empty()) {
            if (x.numel() != step.out.numel())
                throw Error("The batch holds " + toString(x.shape()) + " values but " +
                            describe(*step.node) + " expects " + toString(step.out.shape()));
            backend_.copyFromHost(x, step.out);
            continue;
        }
        std::vector<const Tensor *> in;
        for (int src : step.inputs)
            in.push_back(&plan.steps[static_cast<size_t>(src)].out);
        step.kernel->forward(in, step.out, ctx);
    }
    last_ = &plan;
}

void Network::trainStep(const Tensor &x, const Tensor &labels)
{
    Plan &plan = planFor(x.dim(0));
    if (stateBackup_.empty())
        for (size_t i = 0; i < params_.size(); ++i)
            if (!params_[i].trainable)
                stateBackup_.emplace_back(i, backend_.allocate(params_[i].value.shape()));
    for (auto &[i, backup] : stateBackup_)
        backend_.copy(params_[i].value, backup);
    runForward(plan, x, true);
    lastTrained_ = &plan;
    backend_.copyFromHost(labels, plan.labels);
    std::fill(plan.delivered.begin(), plan.delivered.end(), 0);

    // Gradients flow back in reverse order; a producer feeding several layers sums what each
    // delivers into its own gradient.
    auto deliver = [&](Plan::Step &consumer, size_t port) {
        const int src = consumer.inputs[port];
        auto &producer = plan.steps[static_cast<size_t>(src)];
        if (!consumer.targets[port] || producer.consumers == 1)
            return;
        if (plan.delivered[static_cast<size_t>(src)]++ == 0)
            backend_.copy(consumer.temps[port], producer.grad);
        else
            backend_.accumulate(producer.grad, consumer.temps[port]);
    };

    RunContext ctx{true, &dropoutRng_};
    const int last = static_cast<int>(plan.steps.size()) - 1;
    for (int i = last; i >= 0; --i) {
        auto &step = plan.steps[static_cast<size_t>(i)];
        if (i == last) {
            if (fused_) {
                // Softmax+cross-entropy (or Sigmoid+BCE) as one stable step: the loss writes
                // the gradient of the activation's input directly.
                Tensor scratch;
                Tensor *target = step.targets.empty() ? nullptr : step.targets[0];
                if (!target) {
                    scratch = backend_.allocate(step.out.shape());
                    target = &scratch;
                }
                plan.loss->compute(step.out, plan.labels, target);
                if (!step.targets.empty())
                    deliver(step, 0);
                continue;
            }
            plan.loss->compute(step.out, plan.labels, step.needsGrad ? &step.grad : nullptr);
        }
        if (!step.needsGrad || step.inputs.empty() || step.absorbed)
            continue;
        std::vector<const Tensor *> in;
        for (int src : step.inputs)
            in.push_back(&plan.steps[static_cast<size_t>(src)].out);
        step.kernel->backward(in, step.out, step.grad, step.targets, ctx);
        for (size_t p = 0; p < step.inputs.size(); ++p)
            deliver(step, p);
    }
}

void Network::revertStepState()
{
    for (auto &[i, backup] : stateBackup_)
        backend_.copy(backup, params_[i].value);
}

void Network::evaluate(const Tensor &x, const Tensor *labels)
{
    Plan &plan = planFor(x.dim(0));
    runForward(plan, x, false);
    if (labels) {
        backend_.copyFromHost(*labels, plan.labels);
        plan.loss->compute(plan.steps.back().out, plan.labels, nullptr);
    }
}

LossTotals Network::takeTotals()
{
    LossTotals sum;
    for (auto &[batch, plan] : plans_) {
        LossTotals t = plan->loss->takeTotals();
        sum.lossSum += t.lossSum;
        sum.correct += t.correct;
        sum.count += t.count;
    }
    return sum;
}

Tensor Network::probabilities()
{
    if (!last_)
        throw Error("No forward pass has run yet");
    Tensor host;
    backend_.copyToHost(last_->steps.back().out, host);
    if (fused_)
        return host;
    const int64_t n = host.dim(0), k = host.numel() / n;
    float *d = host.data();
    if (loss_ == LossKind::CrossEntropy) {
        for (int64_t i = 0; i < n; ++i) {
            float *row = d + i * k;
            const float mx = *std::max_element(row, row + k);
            double sum = 0;
            for (int64_t c = 0; c < k; ++c)
                sum += std::exp(static_cast<double>(row[c] - mx));
            for (int64_t c = 0; c < k; ++c)
                row[c] = static_cast<float>(std::exp(static_cast<double>(row[c] - mx)) / sum);
        }
    } else if (loss_ == LossKind::BinaryCrossEntropy) {
        for (int64_t i = 0; i < n * k; ++i)
            d[i] = 1.0f / (1.0f + std::exp(-d[i]));
    }
    return host;
}

// The gradients of the last trainStep the guard must look at: those of trainable parameters
// whose kernel does not prove them finite.
std::vector<const Tensor *> Network::uncheckedGradients() const
{
    std::vector<bool> proven(params_.size(), false);
    if (lastTrained_)
        for (const auto &step : lastTrained_->steps)
            if (step.kernel && step.kernel->weightGradientsProvenFinite())
                if (auto it = nodeWeights_.find(step.node->id); it != nodeWeights_.end())
                    for (size_t i : it->second)
                        proven[i] = true;
    std::vector<const Tensor *> grads;
    for (size_t i = 0; i < params_.size(); ++i)
        if (params_[i].trainable && !proven[i])
            grads.push_back(&params_[i].grad);
    return grads;
}

bool Network::gradientsFinite()
{
    return backend_.allTensorsFinite(uncheckedGradients()); // one wait on a device backend
}

void Network::noteNonFiniteGradients()
{
    backend_.noteNonFinite(uncheckedGradients());
}

} // namespace strata
