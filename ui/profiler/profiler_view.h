#pragma once
// The Profiler dock's contents, drawn with Dear ImGui inside ImGuiWidget's frame: the step's
// phases, per-layer bars of forward and backward time, the timeline of the last timed step,
// memory by kind and per layer, and the kernels with their achieved GFLOP/s. Qt-free: it draws
// a strata::ProfileReport and nothing else.

#include "strata/profile.h"

#include <functional>
#include <string>

namespace strata::ui {

struct ProfilerViewState
{
    bool modelOrder = false; // the Layers tab in the model's order instead of by time
    // The machine's measured fp32 peak (GFLOP/s at the run's threads); 0: not measured.
    double peakGflops = 0;
    std::string peakNote; // how the peak was measured, or why it was not
    // The Kernels tab's "Measure the peak" button: asks for a measurement (null: no button);
    // disabled with `peakBlocked` saying why (training runs), or while `measuring`.
    std::function<void()> measurePeak;
    std::string peakBlocked;
    bool measuring = false;
    // A tab to bring to the front at the next frame (-1: none): 0 Layers, 1 Timeline,
    // 2 Memory, 3 Kernels.
    int selectTab = -1;
};

enum ProfilerTab { kLayersTab, kTimelineTab, kMemoryTab, kKernelsTab };

// report may be null (no run profiled yet): the dock says how to get one.
void drawProfilerView(const ProfileReport *report, ProfilerViewState &state);

// The colour of each phase, shared by the bars, the timeline and the legend (RGBA, ImGui's
// IM_COL32 order), and of each memory kind.
unsigned phaseColour(ProfilePhase phase);

} // namespace strata::ui
