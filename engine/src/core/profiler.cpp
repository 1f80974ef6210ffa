#include "core/profiler.h"

#include <stdexcept>

namespace strata::internal {

int HostClock::mark()
{
    marks_.push_back(std::chrono::steady_clock::now());
    return static_cast<int>(marks_.size()) - 1;
}

void HostClock::read(std::vector<double> &us)
{
    us.clear();
    for (const auto &t : marks_)
        us.push_back(std::chrono::duration<double, std::micro>(t - marks_.front()).count());
    marks_.clear();
}

Profiler::Profiler(std::unique_ptr<DeviceClock> clock, int nodes, std::vector<int> parameterNodes)
    : clock_(std::move(clock)), parameterNodes_(std::move(parameterNodes)),
      own_(static_cast<size_t>(nodes))
{
}

void Profiler::beginStep()
{
    if (stepMark_ >= 0)
        throw std::logic_error("Profiler::beginStep inside a step");
    stepStart_ = std::chrono::steady_clock::now();
    if (steps_.empty())
        firstStep_ = stepStart_;
    spans_.clear();
    open_.clear();
    stepMark_ = clock_->mark();
}

void Profiler::begin(int node, ProfilePhase phase)
{
    if (stepMark_ < 0)
        return; // a pass outside a profiled step (evaluation between steps)
    spans_.push_back({node, phase, clock_->mark(), -1, open_.empty() ? -1 : open_.back()});
    open_.push_back(static_cast<int>(spans_.size()) - 1);
}

void Profiler::end()
{
    if (stepMark_ < 0 || open_.empty())
        return;
    spans_[static_cast<size_t>(open_.back())].endMark = clock_->mark();
    open_.pop_back();
}

void Profiler::parameter(size_t index)
{
    const int node = index < parameterNodes_.size() ? parameterNodes_[index] : -1;
    if (node == updateNode_)
        return;
    parametersDone();
    if (node >= 0) {
        begin(node, ProfilePhase::Update);
        updateNode_ = node;
    }
}

void Profiler::parametersDone()
{
    if (updateNode_ >= 0)
        end();
    updateNode_ = -1;
}

void Profiler::endStep()
{
    if (stepMark_ < 0)
        throw std::logic_error("Profiler::endStep outside a step");
    parametersDone();
    while (!open_.empty()) // a pass that threw leaves its spans open
        end();
    const int endMark = clock_->mark();
    clock_->read(markUs_);
    const std::vector<double> &us = markUs_;
    const double offset =
        std::chrono::duration<double, std::micro>(stepStart_ - firstStep_).count();
    const double start = us[static_cast<size_t>(stepMark_)];
    const int step = static_cast<int>(steps_.size());
    steps_.push_back({offset, us[static_cast<size_t>(endMark)] - start});

    durationUs_.assign(spans_.size(), 0.0);
    innerUs_.assign(spans_.size(), 0.0); // time of the spans nested in each
    for (size_t i = 0; i < spans_.size(); ++i) {
        const Span &s = spans_[i];
        durationUs_[i] = us[static_cast<size_t>(s.endMark)] - us[static_cast<size_t>(s.startMark)];
        if (s.parent >= 0)
            innerUs_[static_cast<size_t>(s.parent)] += durationUs_[i];
        events_.push_back({s.node, s.phase, step,
                           offset + us[static_cast<size_t>(s.startMark)] - start, durationUs_[i]});
    }
    for (size_t i = 0; i < spans_.size(); ++i) {
        const Span &s = spans_[i];
        if (s.node >= 0 && static_cast<size_t>(s.node) < own_.size())
            own_[static_cast<size_t>(s.node)][static_cast<size_t>(s.phase)] +=
                durationUs_[i] - innerUs_[i];
    }
    spans_.clear();
    stepMark_ = -1;
}

std::string implementationNames(const std::vector<NamedPass> &passes)
{
    bool same = true;
    for (const NamedPass &p : passes)
        same = same && p.name == passes.front().name;
    if (same)
        return passes.empty() ? std::string() : passes.front().name;
    std::string names;
    for (const NamedPass &p : passes)
        names += (names.empty() ? "" : ", ") + p.pass + " " + p.name;
    return names;
}

} // namespace strata::internal
