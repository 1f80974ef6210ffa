#include "train/live_profile.h"

#include "core/profiler.h"
#include "optim/optimizer.h"
#include "profile/profile_report.h"
#include "strata/backend.h"
#include "strata/network.h"

#include <algorithm>

namespace strata::internal {

LiveProfile::LiveProfile(Network &net, Optimizer &optimizer, Backend &backend, int64_t batch,
                         ProfileSink sink, double periodSeconds, int stepsPerPeriod,
                         std::string project)
    : net_(net), optimizer_(optimizer), backend_(backend), batchSize_(batch),
      sink_(std::move(sink)),
      period_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(periodSeconds))),
      stepsPerPeriod_(std::max(1, stepsPerPeriod)), project_(std::move(project)),
      periodStart_(std::chrono::steady_clock::now())
{
}

LiveProfile::~LiveProfile()
{
    attach(nullptr);
}

void LiveProfile::attach(Profiler *profiler)
{
    net_.setProfiler(profiler);
    optimizer_.setProfiler(profiler);
}

void LiveProfile::beginStep()
{
    if (!profiler_)
        profiler_ = std::make_unique<Profiler>(backend_.createClock(),
                                               static_cast<int>(net_.graph().nodes().size()),
                                               net_.parameterNodes());
    timing_ = profiler_->steps() < stepsPerPeriod_;
    if (!timing_)
        return;
    attach(profiler_.get());
    profiler_->beginStep();
}

void LiveProfile::endStep(int epoch, int batch)
{
    if (timing_) {
        profiler_->endStep();
        attach(nullptr);
        timing_ = false;
        epoch_ = epoch;
        batch_ = batch;
    }
    if (std::chrono::steady_clock::now() - periodStart_ >= period_)
        report();
}

void LiveProfile::flush()
{
    report();
}

void LiveProfile::report()
{
    if (!profiler_ || profiler_->steps() == 0)
        return;
    auto report = std::make_shared<ProfileReport>(
        buildProfileReport(net_, optimizer_, backend_, *profiler_, batchSize_));
    report->project = project_;
    report->epoch = epoch_;
    report->batch = batch_;
    profiler_.reset();
    periodStart_ = std::chrono::steady_clock::now();
    ++reports_;
    if (sink_)
        sink_(std::move(report));
}

} // namespace strata::internal
