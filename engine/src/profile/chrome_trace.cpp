// The profile in the Chrome trace event format
// (https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU): one
// process for the run, one thread for the device, and "X" (complete) events with ts and dur in
// microseconds: each measured step, and within it each node's phases (reorders nested inside
// their node's forward or backward pass). Perfetto and chrome://tracing open it.

#include "strata/profile.h"

#include "io/atomic_file.h"

#include <nlohmann/json.hpp>

namespace strata {

namespace {

constexpr int kPid = 1;
constexpr int kTid = 1;

nlohmann::json metadata(const char *name, const std::string &value)
{
    return {{"name", name}, {"ph", "M"}, {"pid", kPid}, {"tid", kTid}, {"args", {{"name", value}}}};
}

// Microseconds with a nanosecond's precision: shorter files, and every viewer reads them.
double roundedUs(double us)
{
    return static_cast<double>(static_cast<int64_t>(us * 1000.0 + (us < 0 ? -0.5 : 0.5))) / 1000.0;
}

} // namespace

std::string chromeTraceJson(const ProfileReport &report)
{
    nlohmann::json events = nlohmann::json::array();
    events.push_back(metadata("process_name", "Strata: " + report.project));
    events.push_back(metadata("thread_name", report.device));
    for (size_t s = 0; s < report.steps.size(); ++s)
        events.push_back({{"name", "step " + std::to_string(s + 1)},
                          {"cat", "step"},
                          {"ph", "X"},
                          {"ts", roundedUs(report.steps[s].startUs)},
                          {"dur", roundedUs(report.steps[s].durationUs)},
                          {"pid", kPid},
                          {"tid", kTid},
                          {"args", {{"step", s + 1}, {"batch_size", report.batchSize}}}});
    for (const ProfileEvent &e : report.events) {
        const NodeProfile &node = report.nodes.at(static_cast<size_t>(e.node));
        events.push_back({{"name", node.name + " " + phaseName(e.phase)},
                          {"cat", phaseName(e.phase)},
                          {"ph", "X"},
                          {"ts", roundedUs(e.startUs)},
                          {"dur", roundedUs(e.durationUs)},
                          {"pid", kPid},
                          {"tid", kTid},
                          {"args",
                           {{"node", node.id},
                            {"type", node.type},
                            {"kernel", node.kernel},
                            {"step", e.step + 1}}}});
    }
    const nlohmann::json trace = {{"traceEvents", std::move(events)},
                                  {"displayTimeUnit", "ms"},
                                  {"otherData",
                                   {{"project", report.project},
                                    {"device", report.device},
                                    {"clock", report.clock},
                                    {"batch_size", report.batchSize},
                                    {"warmup_steps", report.warmup}}}};
    return trace.dump() + "\n";
}

void writeChromeTrace(const ProfileReport &report, const std::string &path)
{
    internal::writeFileAtomically(path, chromeTraceJson(report));
}

} // namespace strata
