#pragma once
// Optimizers and learning-rate schedules, with PyTorch's update rules (torch.optim). Engine
// internal: their specs and JSON forms are public in strata/training_spec.h.

#include "backends/device_ops.h"
#include "strata/parameter.h"
#include "strata/tensor.h"
#include "strata/training_spec.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace strata {

class Network; // strata/network.h
namespace internal {
class Profiler; // core/profiler.h
}

// Updates a network's parameters in place on their backend. It keeps a reference to the
// parameter list, which must outlive it and keep its size; its own state (momentum buffers,
// Adam moments) lives on the same backend, one tensor per trainable parameter and slot.
class Optimizer
{
public:
    virtual ~Optimizer() = default;
    Optimizer(const Optimizer &) = delete;
    Optimizer &operator=(const Optimizer &) = delete;

    // Applies one update to every trainable parameter from its current gradient. Throws Error
    // when a trainable parameter has no gradient or the parameter list changed size.
    void step();

    double learningRate() const { return lr_; }
    // lr >= 0 (a schedule may reach 0); throws Error otherwise.
    void setLearningRate(double lr);
    int64_t stepCount() const { return step_; }
    const OptimizerSpec &spec() const { return spec_; }

    // Host copies of the state, for checkpoints: "<parameter name>/<slot>" for each trainable
    // parameter and slot (see slotNames()), then "step", a shape-{} tensor holding the step
    // count (a float: exact up to 2^24 steps; beyond that the count only feeds Adam's bias
    // correction, which is 1 by then).
    std::vector<std::pair<std::string, Tensor>> state() const;
    // Restores state(). Entries without a '/' other than "step" (plain weights kept in the
    // same file) are ignored. Throws Error naming the entry when one is missing, has another
    // shape, or is an optimizer entry this optimizer does not have (saved by another type).
    void loadState(const std::vector<std::pair<std::string, Tensor>> &entries);

    // The per-parameter slots this optimizer keeps: sgd {"momentum"} (none without momentum),
    // adam/adamw {"exp_avg", "exp_avg_sq"}, rmsprop {"square_avg"} plus "momentum" with
    // momentum (PyTorch's state names).
    const std::vector<std::string> &slotNames() const { return slotNames_; }
    // The state tensors of parameter `index` (in slotNames() order; none for a frozen one).
    const std::vector<Tensor> &slots(size_t index) const { return slots_.at(index); }

    // step() reports each node's updates to the profiler; null (the default): off.
    void setProfiler(internal::Profiler *profiler) { profiler_ = profiler; }

    // Who can apply plain SGD's update to a parameter without its gradient
    // (Network::applyFusedUpdate): step() offers it each parameter first while the update is
    // plain SGD (no momentum), and updates from the gradient those it declines.
    using FusedUpdate = std::function<bool(size_t index, float lr, float weightDecay)>;
    void setFusedUpdate(FusedUpdate fused) { fused_ = std::move(fused); }
    // SGD without momentum: the update a kernel can fuse.
    bool plainSgd() const { return spec_.type == "sgd" && spec_.momentum == 0; }

protected:
    Optimizer(Backend &backend, std::vector<Parameter> &params, const OptimizerSpec &spec,
              std::vector<std::string> slotNames);
    // Updates one trainable parameter; slots are in slotNames() order. stepCount() is already
    // the 1-based number of this step.
    virtual void update(Parameter &param, std::vector<Tensor> &slots) = 0;

    Backend &backend_;

private:
    std::vector<Parameter> &params_;
    OptimizerSpec spec_;
    std::vector<std::string> slotNames_;
    std::vector<std::vector<Tensor>> slots_; // per parameter; empty for frozen ones
    double lr_;
    int64_t step_ = 0;
    internal::Profiler *profiler_ = nullptr;
    FusedUpdate fused_;
};

// Hands plain SGD's updates to the network's kernels that fuse them
// (Network::applyFusedUpdate) and returns true; false, and nothing set, for another optimizer.
// The network then fuses while Network::setFusedUpdates(true) (the trainer decides per step).
bool connectFusedUpdates(Optimizer &optimizer, Network &network);

// Validates the spec (ProjectError with an empty JSON path) and builds the optimizer.
// The slots (per-parameter state tensors, PyTorch's names) the optimizer of `spec` keeps: sgd
// {"momentum"} (none without momentum), adam/adamw {"exp_avg", "exp_avg_sq"}, rmsprop
// {"square_avg"} plus "momentum" with momentum.
std::vector<std::string> optimizerSlotNames(const OptimizerSpec &spec);

std::unique_ptr<Optimizer> makeOptimizer(const OptimizerSpec &spec, Backend &backend,
                                         std::vector<Parameter> &params);

// The learning rate per epoch.
//   constant: base
//   step:     base * gamma^floor(epoch / step_size)                    (PyTorch StepLR)
//   cosine:   min + (base - min) * (1 + cos(pi * epoch / t_max)) / 2   (PyTorch
//             CosineAnnealingLR's closed form: past t_max the curve rises again, as there)
//   plateau:  starts at base; after `patience` consecutive epochs whose monitored value
//             (validation loss, lower is better) does not beat the best by more than 1e-4
//             (absolute), multiplies the LR by factor, never below min_lr, and starts
//             counting again (Keras ReduceLROnPlateau with min_delta 1e-4, cooldown 0).
//
// A user's LR change during training (override) rescales the rest of the schedule: for
// constant, step and cosine every later LR is the scheduled one times
// (new LR / scheduled LR of the current epoch), so a step schedule keeps decaying by gamma
// from the new value; when the scheduled LR of the current epoch is 0 the new LR is kept
// constant instead. For plateau the new LR becomes the current one and later reductions
// start from it.
//
// The trainer calls lrForEpoch(0) before the first epoch and onEpochEnd(...) after every
// epoch; the schedule counts the finished epochs itself (part of its state).
class LrSchedule
{
public:
    // Throws ProjectError (empty JSON path) for a bad spec, Error for baseLr <= 0 or, when the
    // cosine period comes from it, totalEpochs < 1.
    LrSchedule(const ScheduleSpec &spec, double baseLr, int totalEpochs);

    // The LR for the 0-based epoch (plateau: the current LR whatever the epoch).
    double lrForEpoch(int epoch) const;
    // Records the end of an epoch and returns the LR for the next one.
    double onEpochEnd(double monitoredValue);
    // The LR for the epoch now running.
    double currentLr() const { return lrForEpoch(epochsDone_); }
    int epochsDone() const { return epochsDone_; }
    // The user set the LR to lr during the epoch now running; see the rule above. Throws
    // Error unless lr is a number >= 0.
    void override(double lr);

    const ScheduleSpec &spec() const { return spec_; }
    // Everything that changes while training, as a small JSON object for checkpoints.
    nlohmann::json state() const;
    // Throws Error naming the field when the object is not one state() wrote.
    void loadState(const nlohmann::json &state);

private:
    double scheduled(int epoch) const;

    ScheduleSpec spec_;
    double baseLr_;
    int tMax_;
    int epochsDone_ = 0;
    double scale_ = 1;  // from override, for constant/step/cosine
    bool held_ = false; // override at a scheduled LR of 0: keep heldLr_
    double heldLr_ = 0;
    double plateauLr_; // plateau's current LR
    double best_;      // plateau's best monitored value so far (+inf at first)
    int wait_ = 0;     // plateau's epochs since the last improvement or reduction
};

} // namespace strata
