// The Optimizer base (state, checkpoints) and the SGD, Adam/AdamW and RMSprop rules, which
// hand the arithmetic to the backend so it runs where the weights live.

#include "optim/optimizer.h"

#include "core/profiler.h"
#include "strata/errors.h"
#include "strata/network.h"

#include <cmath>
#include <map>

namespace strata {

Optimizer::Optimizer(Backend &backend, std::vector<Parameter> &params, const OptimizerSpec &spec,
                     std::vector<std::string> slotNames)
    : backend_(backend), params_(params), spec_(spec), slotNames_(std::move(slotNames)),
      lr_(spec.lr)
{
    slots_.resize(params_.size());
    for (size_t i = 0; i < params_.size(); ++i) {
        if (!params_[i].trainable)
            continue;
        for (size_t s = 0; s < slotNames_.size(); ++s)
            slots_[i].push_back(backend_.allocate(params_[i].value.shape()));
    }
}

void Optimizer::step()
{
    if (params_.size() != slots_.size())
        throw Error("The optimizer was set up for " + std::to_string(slots_.size()) +
                    " parameters but the network now has " + std::to_string(params_.size()) +
                    "; create a new optimizer after changing the model");
    ++step_;
    for (size_t i = 0; i < params_.size(); ++i) {
        Parameter &p = params_[i];
        if (!p.trainable)
            continue;
        if (!p.grad.defined() || p.grad.shape() != p.value.shape())
            throw Error("Parameter '" + p.name + "' has no gradient of shape " +
                        toString(p.value.shape()) + " to update it with");
        if (profiler_)
            profiler_->parameter(i);
        if (fused_ && plainSgd() &&
            fused_(i, static_cast<float>(lr_), static_cast<float>(spec_.weightDecay)))
            continue;
        update(p, slots_[i]);
    }
    if (profiler_)
        profiler_->parametersDone();
}

bool connectFusedUpdates(Optimizer &optimizer, Network &network)
{
    if (!optimizer.plainSgd())
        return false;
    optimizer.setFusedUpdate([&network](size_t i, float lr, float weightDecay) {
        return network.applyFusedUpdate(i, lr, weightDecay);
    });
    return true;
}

void Optimizer::setLearningRate(double lr)
{
    if (!std::isfinite(lr) || lr < 0)
        throw Error("The learning rate must be a number >= 0, not " + std::to_string(lr));
    lr_ = lr;
}

std::vector<std::pair<std::string, Tensor>> Optimizer::state() const
{
    std::vector<std::pair<std::string, Tensor>> entries;
    for (size_t i = 0; i < params_.size() && i < slots_.size(); ++i) {
        for (size_t s = 0; s < slots_[i].size(); ++s) {
            Tensor host(slots_[i][s].shape());
            backend_.copyToHost(slots_[i][s], host);
            entries.emplace_back(params_[i].name + "/" + slotNames_[s], std::move(host));
        }
    }
    entries.emplace_back("step", Tensor::fromVector({}, {static_cast<float>(step_)}));
    return entries;
}

void Optimizer::loadState(const std::vector<std::pair<std::string, Tensor>> &entries)
{
    std::map<std::string, const Tensor *> byName;
    for (const auto &[name, tensor] : entries)
        byName[name] = &tensor;

    // Check everything before touching anything, so a failed load leaves the state intact.
    std::map<std::string, std::pair<size_t, size_t>> expected; // name -> (param, slot)
    for (size_t i = 0; i < params_.size() && i < slots_.size(); ++i)
        for (size_t s = 0; s < slots_[i].size(); ++s)
            expected[params_[i].name + "/" + slotNames_[s]] = {i, s};
    for (const auto &[name, where] : expected) {
        auto it = byName.find(name);
        if (it == byName.end())
            throw Error("Optimizer state: entry '" + name +
                        "' is missing (the checkpoint was saved with another optimizer or model)");
        const Shape &want = slots_[where.first][where.second].shape();
        if (it->second->shape() != want || !it->second->isHost() || !it->second->defined())
            throw Error("Optimizer state: entry '" + name + "' has shape " +
                        toString(it->second->shape()) + " but the parameter has shape " +
                        toString(want));
    }
    for (const auto &[name, tensor] : byName)
        if (name.find('/') != std::string::npos && !expected.count(name))
            throw Error("Optimizer state: unexpected entry '" + name +
                        "' (the checkpoint was saved with another optimizer type or settings)");
    auto stepIt = byName.find("step");
    if (stepIt == byName.end())
        throw Error("Optimizer state: entry 'step' is missing");
    const Tensor &stepTensor = *stepIt->second;
    const bool stepReadable =
        stepTensor.defined() && stepTensor.isHost() && stepTensor.numel() == 1;
    const double stepValue = stepReadable ? stepTensor.data()[0] : -1.0;
    if (!(stepValue >= 0) || std::trunc(stepValue) != stepValue)
        throw Error("Optimizer state: entry 'step' must hold one whole number >= 0");

    for (const auto &[name, where] : expected)
        backend_.copyFromHost(*byName[name], slots_[where.first][where.second]);
    step_ = static_cast<int64_t>(stepValue);
}

std::vector<std::string> optimizerSlotNames(const OptimizerSpec &spec)
{
    if (spec.type == "adam" || spec.type == "adamw")
        return {"exp_avg", "exp_avg_sq"};
    if (spec.type == "rmsprop")
        return spec.momentum > 0 ? std::vector<std::string>{"square_avg", "momentum"}
                                 : std::vector<std::string>{"square_avg"};
    return spec.momentum > 0 ? std::vector<std::string>{"momentum"}
                             : std::vector<std::string>{}; // sgd
}

namespace {

class Sgd final : public Optimizer
{
public:
    Sgd(Backend &backend, std::vector<Parameter> &params, const OptimizerSpec &spec)
        : Optimizer(backend, params, spec, optimizerSlotNames(spec))
    {
    }

protected:
    void update(Parameter &p, std::vector<Tensor> &slots) override
    {
        // Without momentum there is no state: the backend gets an undefined velocity.
        Tensor none;
        const SgdStep s{static_cast<float>(learningRate()), static_cast<float>(spec().momentum),
                        static_cast<float>(spec().weightDecay), spec().nesterov};
        backend_.sgdUpdate(p.value, p.grad, slots.empty() ? none : slots[0], s);
    }
};

class Adam final : public Optimizer
{
public:
    Adam(Backend &backend, std::vector<Parameter> &params, const OptimizerSpec &spec)
        : Optimizer(backend, params, spec, optimizerSlotNames(spec))
    {
    }

protected:
    void update(Parameter &p, std::vector<Tensor> &slots) override
    {
        const AdamStep s{static_cast<float>(learningRate()),
                         static_cast<float>(spec().beta1),
                         static_cast<float>(spec().beta2),
                         static_cast<float>(spec().eps),
                         static_cast<float>(spec().weightDecay),
                         spec().type == "adamw",
                         stepCount()};
        backend_.adamUpdate(p.value, p.grad, slots[0], slots[1], s);
    }
};

class Rmsprop final : public Optimizer
{
public:
    Rmsprop(Backend &backend, std::vector<Parameter> &params, const OptimizerSpec &spec)
        : Optimizer(backend, params, spec, optimizerSlotNames(spec))
    {
    }

protected:
    void update(Parameter &p, std::vector<Tensor> &slots) override
    {
        Tensor none;
        const RmspropStep s{static_cast<float>(learningRate()), static_cast<float>(spec().rho),
                            static_cast<float>(spec().eps), static_cast<float>(spec().momentum),
                            static_cast<float>(spec().weightDecay)};
        backend_.rmspropUpdate(p.value, p.grad, slots[0], slots.size() > 1 ? slots[1] : none, s);
    }
};

} // namespace

std::unique_ptr<Optimizer> makeOptimizer(const OptimizerSpec &spec, Backend &backend,
                                         std::vector<Parameter> &params)
{
    validate(spec, "");
    if (spec.type == "sgd")
        return std::make_unique<Sgd>(backend, params, spec);
    if (spec.type == "rmsprop")
        return std::make_unique<Rmsprop>(backend, params, spec);
    return std::make_unique<Adam>(backend, params, spec); // adam, adamw
}

} // namespace strata
