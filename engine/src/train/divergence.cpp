#include "train/divergence.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace strata::internal {

namespace {

std::string shortNumber(double v)
{
    char text[32];
    std::snprintf(text, sizeof text, std::fabs(v) >= 1e5 ? "%.3g" : "%.4g", v);
    return text;
}

} // namespace

DivergenceWatch::DivergenceWatch(LossKind loss, int classes)
    : chance_(loss == LossKind::CrossEntropy         ? std::log(std::max(classes, 2))
              : loss == LossKind::BinaryCrossEntropy ? std::log(2.0)
                                                     : 0.0)
{
}

double DivergenceWatch::threshold() const
{
    return kFactor * std::max(chance_, first_.value_or(chance_)) + 1;
}

std::string DivergenceWatch::lossReason(double loss, const std::string &over) const
{
    std::string reference = "its first value " + shortNumber(first_.value_or(chance_));
    if (chance_ > 0)
        reference += " and chance " + shortNumber(chance_);
    return "the loss rose to " + shortNumber(loss) + ", far above " + reference + ", " + over;
}

std::optional<std::string> DivergenceWatch::onBatchLoss(double meanLoss)
{
    if (!first_) {
        first_ = meanLoss;
        return std::nullopt;
    }
    above_ = meanLoss > threshold() ? above_ + 1 : 0;
    if (above_ < kReadsAbove)
        return std::nullopt;
    return lossReason(meanLoss, "for " + std::to_string(kReadsAbove) + " reads in a row");
}

std::optional<std::string> DivergenceWatch::onEpochEnd(double meanLoss, double maxAbsWeight)
{
    if (maxAbsWeight > kMaxWeight)
        return "the weights grew to " + shortNumber(maxAbsWeight) +
               " (no trained network's "
               "weights come near " +
               shortNumber(kMaxWeight) + ")";
    if (first_ && meanLoss > threshold())
        return lossReason(meanLoss, "over the whole epoch");
    return std::nullopt;
}

} // namespace strata::internal
