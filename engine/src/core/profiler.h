#pragma once
// The recorder behind strata/profile.h. A Network (Network::setProfiler) and an Optimizer
// (Optimizer::setProfiler) hand it the spans of one training step, node by node and phase by
// phase; the backend's clock timestamps them where the work runs (the host's steady clock, or
// events on a CUDA stream, read once per step). Without a profiler nothing here is touched:
// ProfileSpan's only cost is its null test.

#include "strata/profile.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace strata::internal {

// Timestamps points in a backend's work queue.
class DeviceClock
{
public:
    virtual ~DeviceClock() = default;
    // Records a point after the work queued so far; returns its number since the last read.
    virtual int mark() = 0;
    // Microseconds from the first mark to each mark since the last read, in order, into `us`
    // (waits for the device); the next mark is number 0 again.
    virtual void read(std::vector<double> &us) = 0;
    // "steady clock", "CUDA events".
    virtual const char *name() const = 0;
};

// The host's steady clock: the CPU backends' work is done when their calls return.
class HostClock final : public DeviceClock
{
public:
    int mark() override;
    void read(std::vector<double> &us) override;
    const char *name() const override { return "steady clock"; }

private:
    std::vector<std::chrono::steady_clock::time_point> marks_;
};

class Profiler
{
public:
    // nodes: how many nodes the network runs (spans name them by topological index);
    // parameterNodes: the node of each network parameter (Network::parameterNodes).
    Profiler(std::unique_ptr<DeviceClock> clock, int nodes, std::vector<int> parameterNodes);

    void beginStep();
    // Reads the step's times (waits for the device) and adds them to the totals.
    void endStep();
    // Spans nest: a reorder inside a forward pass. Each is counted once, as its innermost
    // phase: the enclosing span's own time excludes the spans inside it.
    void begin(int node, ProfilePhase phase);
    void end();
    // For Optimizer::step: before the update of trainable parameter `index`; the update spans
    // group a node's parameters into one. parametersDone closes the last.
    void parameter(size_t index);
    void parametersDone();

    int steps() const { return static_cast<int>(steps_.size()); }
    const std::vector<ProfileStep> &stepTimes() const { return steps_; }
    const std::vector<ProfileEvent> &events() const { return events_; }
    // Per node, per phase: the phase's own time summed over the steps, in microseconds.
    const std::vector<std::array<double, kProfilePhases>> &ownTimes() const { return own_; }
    const char *clockName() const { return clock_->name(); }

private:
    struct Span
    {
        int node;
        ProfilePhase phase;
        int startMark, endMark = -1;
        int parent; // index in spans_ of the enclosing span, or -1
    };

    std::unique_ptr<DeviceClock> clock_;
    std::vector<int> parameterNodes_;
    std::vector<Span> spans_; // this step's
    std::vector<int> open_;   // indices in spans_ of the spans not yet ended
    std::vector<double> markUs_, durationUs_, innerUs_; // endStep's, kept to reuse
    int stepMark_ = -1;
    int updateNode_ = -1; // the node whose update span is open
    std::chrono::steady_clock::time_point firstStep_;
    std::chrono::steady_clock::time_point stepStart_;
    std::vector<ProfileStep> steps_;
    std::vector<ProfileEvent> events_;
    std::vector<std::array<double, kProfilePhases>> own_;
};

// For Kernel::implementation: the implementations that run a kernel's passes, one name when
// they agree ("brg:avx512_core"), else each pass's in order ("fwd jit:avx512_core, bwd ref").
struct NamedPass
{
    std::string pass; // "fwd", "bwd", "bwd-d", "bwd-w"
    std::string name; // a oneDNN primitive descriptor's impl_info_str(), a cuDNN algorithm, ...
};
std::string implementationNames(const std::vector<NamedPass> &passes);

// Times one span when profiling (profiler not null); costs a null test otherwise.
class ProfileSpan
{
public:
    ProfileSpan(Profiler *profiler, int node, ProfilePhase phase) : profiler_(profiler)
    {
        if (profiler_)
            profiler_->begin(node, phase);
    }
    ~ProfileSpan()
    {
        if (profiler_)
            profiler_->end();
    }
    ProfileSpan(const ProfileSpan &) = delete;
    ProfileSpan &operator=(const ProfileSpan &) = delete;

private:
    Profiler *profiler_;
};

} // namespace strata::internal
