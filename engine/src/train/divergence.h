#pragma once
// Divergence that stays finite: a learning rate far too large drives the weights to 1e16 while
// the loss, computed from clamped probabilities, stays a number. The NaN/Inf guard cannot see
// that, so the trainer also asks this watch, which compares the loss with where it started and
// with chance, and the weights with a bound no trained network comes near.

#include "strata/training_spec.h"

#include <optional>
#include <string>

namespace strata::internal {

class DivergenceWatch
{
public:
    // The loss a model that guesses has: ln(classes) for cross-entropy, ln 2 for binary
    // cross-entropy; mean squared error has none (0).
    DivergenceWatch(LossKind loss, int classes);

    // A read of the training loss (the mean over the batches since the last read). Returns
    // why training diverged once the loss has stayed far above max(its first read, chance)
    // for kReadsAbove reads in a row; nothing otherwise.
    std::optional<std::string> onBatchLoss(double meanLoss);
    // An epoch's mean training loss and the largest weight magnitude at its end: diverged when
    // either is far out, so that a bad epoch never becomes a checkpoint.
    std::optional<std::string> onEpochEnd(double meanLoss, double maxAbsWeight);

    static constexpr int kReadsAbove = 8;
    static constexpr double kFactor = 4;       // "far above": kFactor × reference + 1
    static constexpr double kMaxWeight = 1e12; // no trained network's weight comes near

private:
    double threshold() const;
    std::string lossReason(double loss, const std::string &over) const;

    double chance_;
    std::optional<double> first_;
    int above_ = 0;
};

} // namespace strata::internal
