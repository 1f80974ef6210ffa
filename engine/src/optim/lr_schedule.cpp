// Learning-rate schedules: closed forms for constant, step and cosine; a small state machine
// for plateau. See optimizer.h for the rules, including the user-override rule.

#include "optim/optimizer.h"
#include "strata/errors.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace strata {

namespace {

// Keras ReduceLROnPlateau's default min_delta: an improvement must beat the best by this.
constexpr double plateauMinDelta = 1e-4;

} // namespace

LrSchedule::LrSchedule(const ScheduleSpec &spec, double baseLr, int totalEpochs)
    : spec_(spec), baseLr_(baseLr), tMax_(spec.tMax > 0 ? spec.tMax : totalEpochs),
      plateauLr_(baseLr), best_(std::numeric_limits<double>::infinity())
{
    validate(spec, "");
    if (!std::isfinite(baseLr) || baseLr <= 0)
        throw Error("The learning rate must be a number > 0, not " + std::to_string(baseLr));
    if (spec.type == "cosine" && tMax_ < 1)
        throw Error("A cosine schedule needs t_max >= 1 or a run of at least one epoch, not " +
                    std::to_string(totalEpochs) + " epochs");
}

double LrSchedule::scheduled(int epoch) const
{
    epoch = std::max(epoch, 0);
    if (spec_.type == "step")
        return baseLr_ * std::pow(spec_.gamma, epoch / spec_.stepSize);
    if (spec_.type == "cosine")
        return spec_.minLr +
               (baseLr_ - spec_.minLr) * (1 + std::cos(std::numbers::pi * epoch / tMax_)) / 2;
    return baseLr_; // constant
}

double LrSchedule::lrForEpoch(int epoch) const
{
    if (spec_.type == "plateau")
        return plateauLr_;
    if (held_)
        return heldLr_;
    return scale_ * scheduled(epoch);
}

double LrSchedule::onEpochEnd(double monitoredValue)
{
    ++epochsDone_;
    if (spec_.type == "plateau") {
        // A NaN never compares less, so it counts as an epoch without improvement.
        if (monitoredValue < best_ - plateauMinDelta) {
            best_ = monitoredValue;
            wait_ = 0;
        } else if (++wait_ >= spec_.patience && plateauLr_ > spec_.minLr) {
            plateauLr_ = std::max(plateauLr_ * spec_.factor, spec_.minLr);
            wait_ = 0;
        }
    }
    return currentLr();
}

void LrSchedule::override(double lr)
{
    if (!std::isfinite(lr) || lr < 0)
        throw Error("The learning rate must be a number >= 0, not " + std::to_string(lr));
    if (spec_.type == "plateau") {
        plateauLr_ = lr;
        return;
    }
    const double now = scheduled(epochsDone_);
    held_ = !(now > 0);
    heldLr_ = held_ ? lr : 0;
    scale_ = held_ ? 1 : lr / now;
}

nlohmann::json LrSchedule::state() const
{
    // JSON has no infinity: an unset best (no epoch seen yet) is stored as null.
    return nlohmann::json{{"epochs_done", epochsDone_},
                          {"scale", scale_},
                          {"held", held_},
                          {"held_lr", heldLr_},
                          {"plateau_lr", plateauLr_},
                          {"best", std::isfinite(best_) ? nlohmann::json(best_) : nullptr},
                          {"wait", wait_}};
}

void LrSchedule::loadState(const nlohmann::json &state)
{
    auto field = [&](const char *key) -> const nlohmann::json & {
        if (!state.is_object() || !state.contains(key))
            throw Error(std::string("Schedule state: field '") + key + "' is missing");
        return state.at(key);
    };
    auto nonNegative = [&](const char *key) {
        const nlohmann::json &v = field(key);
        if (!v.is_number() || !(v.get<double>() >= 0) || !std::isfinite(v.get<double>()))
            throw Error(std::string("Schedule state: field '") + key +
                        "' must be a number >= 0 but is " + v.dump());
        return v.get<double>();
    };
    auto count = [&](const char *key) {
        const nlohmann::json &v = field(key);
        if (!v.is_number_integer() || v.get<int64_t>() < 0 ||
            v.get<int64_t>() > std::numeric_limits<int>::max())
            throw Error(std::string("Schedule state: field '") + key +
                        "' must be an integer >= 0 but is " + v.dump());
        return v.get<int>();
    };
    const int epochsDone = count("epochs_done");
    const int wait = count("wait");
    const double scale = nonNegative("scale");
    const double heldLr = nonNegative("held_lr");
    const double plateauLr = nonNegative("plateau_lr");
    const nlohmann::json &held = field("held");
    if (!held.is_boolean())
        throw Error("Schedule state: field 'held' must be true or false but is " + held.dump());
    const nlohmann::json &best = field("best");
    if (!best.is_null() && !best.is_number())
        throw Error("Schedule state: field 'best' must be a number or null but is " + best.dump());

    epochsDone_ = epochsDone;
    wait_ = wait;
    scale_ = scale;
    held_ = held.get<bool>();
    heldLr_ = heldLr;
    plateauLr_ = plateauLr;
    best_ = best.is_null() ? std::numeric_limits<double>::infinity() : best.get<double>();
}

} // namespace strata
