#pragma once
// The trainer's live profile (TrainerOptions::onProfile, Trainer::setProfiling): while a
// panel shows where the time goes, the first few steps of every period are timed node by node
// and phase by phase, and at the period's end their report is handed out. The other steps
// run without a profiler, so watching costs a fraction of what timing every step would (a
// step longer than the period is timed and reported each time).

#include "strata/profile.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace strata {
class Backend;
class Network;
class Optimizer;
} // namespace strata

namespace strata::internal {

class Profiler;

using ProfileSink = std::function<void(std::shared_ptr<const ProfileReport>)>;

class LiveProfile
{
public:
    // periodSeconds > 0; stepsPerPeriod >= 1: the steps timed at the start of each period.
    LiveProfile(Network &net, Optimizer &optimizer, Backend &backend, int64_t batch,
                ProfileSink sink, double periodSeconds, int stepsPerPeriod,
                std::string project = {});
    // Detaches the profiler from the network and the optimizer.
    ~LiveProfile();
    LiveProfile(const LiveProfile &) = delete;
    LiveProfile &operator=(const LiveProfile &) = delete;

    // Around one training step (the batch's forward and backward passes, the guard and the
    // optimizer update). A step that does not end (the run diverged) leaves the object to be
    // destroyed.
    void beginStep();
    // epoch, batch: the step's place in the run (0-based), carried in the report.
    void endStep(int epoch, int batch);

    // Hands out the report of the period under way, if it timed a step (the run ends).
    void flush();

    // Reports handed out so far.
    int reports() const { return reports_; }

private:
    void attach(Profiler *profiler);
    void report();

    Network &net_;
    Optimizer &optimizer_;
    Backend &backend_;
    int64_t batchSize_;
    ProfileSink sink_;
    std::chrono::steady_clock::duration period_;
    int stepsPerPeriod_;
    std::string project_;                // the reports' ProfileReport::project
    std::unique_ptr<Profiler> profiler_; // this period's
    bool timing_ = false;                // the step under way is timed
    std::chrono::steady_clock::time_point periodStart_;
    int reports_ = 0;
    int epoch_ = -1, batch_ = -1; // the last timed step's place
};

} // namespace strata::internal
