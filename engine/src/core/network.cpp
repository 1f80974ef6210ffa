#include "strata/network.h"

#include "core/network_plan.h"
#include "core/profiler.h"

#include <algorithm>
#include <cmath>

namespace strata {

InitConvention parseInitConvention(const std::string &text)
{
    if (text == "keras")
        return InitConvention::Keras;
    if (text == "pytorch")
        return InitConvention::PyTorch;
    throw Error("Unknown initialisation '" + text + "': choose keras or pytorch");
}

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
    case Init::Quarter:
        host.fill(0.25f);
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

void Network::copyIn(Plan &plan, const Tensor &x, const Tensor *labels,
                     internal::Profiler *profiler)
{
    for (size_t i = 0; i < plan.steps.size(); ++i) {
        auto &step = plan.steps[i];
        if (!step.inputs.empty() || step.absorbed)
            continue;
        if (x.numel() != step.out.numel())
            throw Error("The batch holds " + toString(x.shape()) + " values but " +
                        describe(*step.node) + " expects " + toString(step.out.shape()));
        // The batch and its labels reach the device as the Input node's data copy.
        internal::ProfileSpan span(profiler, static_cast<int>(i), ProfilePhase::DataCopy);
        backend_.copyFromHost(x, step.out);
        if (labels)
            backend_.copyFromHost(*labels, plan.labels);
    }
}

void Network::setPrecision(Precision precision)
{
    if (const std::string refusal = backend_.precisionRefusal(precision); !refusal.empty())
        throw BackendError(refusal);
    if (precision == precision_)
        return;
    precision_ = precision;
    plans_.clear(); // their kernels were built for the other precision
    last_ = lastTrained_ = nullptr;
    weightsChanged_ = true;
}

uint64_t Network::weightsVersionFor(bool training)
{
    if (precision_ == Precision::Fp32)
        return 0;
    // A training step follows an optimizer update (or the first step); an evaluation after
    // training, loading or restoring sees new weights. Consecutive evaluations share them.
    if (training || weightsChanged_)
        ++weightsVersion_;
    weightsChanged_ = training; // the update that follows a training step changes them
    return weightsVersion_;
}

void Network::runForward(Plan &plan, bool training, internal::Profiler *profiler)
{
    RunContext ctx{training, &dropoutRng_, profiler};
    ctx.weightsVersion = weightsVersionFor(training);
    for (size_t i = 0; i < plan.steps.size(); ++i) {
        auto &step = plan.steps[i];
        if (step.absorbed || step.inputs.empty())
            continue;
        ctx.node = static_cast<int>(i);
        internal::ProfileSpan span(profiler, ctx.node, ProfilePhase::Forward);
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
    copyIn(plan, x, &labels, profiler_);
    runForward(plan, true, profiler_);
    lastTrained_ = &plan;
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

    RunContext ctx{true, &dropoutRng_, profiler_};
    ctx.weightsVersion = weightsVersion_; // the forward pass's
    pendingFused_.clear();
    for (auto &step : plan.steps)
        if (step.kernel)
            step.kernel->setFusedUpdateAllowed(fusedUpdates_);
    const int last = static_cast<int>(plan.steps.size()) - 1;
    for (int i = last; i >= 0; --i) {
        auto &step = plan.steps[static_cast<size_t>(i)];
        if (i == last) {
            internal::ProfileSpan span(profiler_, i, ProfilePhase::Loss);
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
        ctx.node = i;
        internal::ProfileSpan span(profiler_, i, ProfilePhase::Backward);
        std::vector<const Tensor *> in;
        for (int src : step.inputs)
            in.push_back(&plan.steps[static_cast<size_t>(src)].out);
        step.kernel->backward(in, step.out, step.grad, step.targets, ctx);
        for (size_t p = 0; p < step.inputs.size(); ++p)
            deliver(step, p);
        if (step.kernel->fusedUpdatePending())
            if (auto it = nodeWeights_.find(step.node->id); it != nodeWeights_.end())
                for (size_t w : it->second)
                    if (params_[w].name == step.node->id + ".weight")
                        pendingFused_[w] = step.kernel.get();
    }
}

bool Network::applyFusedUpdate(size_t index, float lr, float weightDecay)
{
    const auto it = pendingFused_.find(index);
    if (it == pendingFused_.end())
        return false;
    it->second->applyFusedSgd(lr, weightDecay);
    pendingFused_.erase(it);
    weightsChanged_ = true;
    return true;
}

void Network::revertStepState()
{
    for (auto &[i, backup] : stateBackup_)
        backend_.copy(backup, params_[i].value);
}

void Network::evaluate(const Tensor &x, const Tensor *labels)
{
    Plan &plan = planFor(x.dim(0));
    copyIn(plan, x, labels, nullptr);
    runForward(plan, false, nullptr);
    if (labels)
        plan.loss->compute(plan.steps.back().out, plan.labels, nullptr);
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
