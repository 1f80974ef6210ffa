// The Profiler dock's ImGui drawing (see profiler_view.h). Layout: a header with the step's
// phases as one stacked bar, then four tabs.

#include "ui/profiler/profiler_view.h"

#include "strata/memory.h"

#include <imgui.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <numeric>
#include <vector>

namespace strata::ui {

namespace {

constexpr std::array<ProfilePhase, kProfilePhases> kPhases = {
    ProfilePhase::DataCopy, ProfilePhase::Forward,  ProfilePhase::Reorder,
    ProfilePhase::Loss,     ProfilePhase::Backward, ProfilePhase::Update};
constexpr ImU32 kOtherColour = IM_COL32(190, 190, 190, 255);

std::string ms(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, v >= 100 ? "%.0f ms" : v >= 10 ? "%.1f ms" : "%.2f ms", v);
    return buf;
}

std::string percent(double share)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * share);
    return buf;
}

// One segment of a stacked bar.
struct Segment
{
    double value;
    ImU32 colour;
    std::string label; // its tooltip
};

// A horizontal bar of `width` × `height` at the cursor whose segments are scaled so that
// `full` fills it; a tooltip names the segment under the mouse.
void stackedBar(const std::vector<Segment> &segments, double full, float width, float height)
{
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImDrawList *draw = ImGui::GetWindowDrawList();
    ImGui::InvisibleButton("##bar", ImVec2(std::max(1.f, width), height));
    const bool hovered = ImGui::IsItemHovered();
    const float mouseX = ImGui::GetIO().MousePos.x;
    float x = origin.x;
    for (const Segment &s : segments) {
        if (s.value <= 0 || full <= 0)
            continue;
        const float w = float(s.value / full) * width;
        draw->AddRectFilled(ImVec2(x, origin.y), ImVec2(x + std::max(w, 1.f), origin.y + height),
                            s.colour);
        if (hovered && mouseX >= x && mouseX < x + std::max(w, 1.f) && !s.label.empty())
            ImGui::SetTooltip("%s", s.label.c_str());
        x += w;
    }
}

void legendItem(ImU32 colour, const std::string &text)
{
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float h = ImGui::GetTextLineHeight();
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + h * 0.2f),
                                              ImVec2(p.x + h * 0.6f, p.y + h * 0.8f), colour);
    ImGui::Dummy(ImVec2(h * 0.7f, h));
    ImGui::SameLine(0, 2);
    ImGui::TextUnformatted(text.c_str());
}

std::string nodeLabel(const NodeProfile &n)
{
    return n.name + " (" + n.type + ")";
}

std::vector<Segment> phaseSegments(const NodeProfile &n)
{
    std::vector<Segment> segments;
    for (ProfilePhase p : kPhases)
        segments.push_back({n.phaseMs(p), phaseColour(p),
                            nodeLabel(n) + "\n" + phaseName(p) + ": " + ms(n.phaseMs(p))});
    return segments;
}

void header(const ProfileReport &r)
{
    const double step = r.stepMs();
    ImGui::Text("Step %s at batch size %lld  ·  %s", ms(step).c_str(),
                static_cast<long long>(r.batchSize), r.device.c_str());
    if (r.epoch >= 0)
        ImGui::TextDisabled("Epoch %d, batch %d: %zu step%s timed with the %s", r.epoch + 1,
                            r.batch + 1, r.steps.size(), r.steps.size() == 1 ? "" : "s",
                            r.clock.c_str());
    std::vector<Segment> phases;
    for (ProfilePhase p : kPhases)
        phases.push_back({r.phaseMs(p), phaseColour(p),
                          std::string(phaseName(p)) + ": " + ms(r.phaseMs(p)) + " (" +
                              percent(step > 0 ? r.phaseMs(p) / step : 0) + " of the step)"});
    phases.push_back({std::max(0.0, r.outsideNodesMs()), kOtherColour,
                      "outside the layers (the NaN/Inf guard, bookkeeping): " +
                          ms(std::max(0.0, r.outsideNodesMs()))});
    stackedBar(phases, step, ImGui::GetContentRegionAvail().x, ImGui::GetFrameHeight() * 0.8f);
    for (size_t i = 0; i < kPhases.size(); ++i) {
        if (r.phaseMs(kPhases[i]) <= 0)
            continue;
        legendItem(phaseColour(kPhases[i]),
                   std::string(phaseName(kPhases[i])) + " " + ms(r.phaseMs(kPhases[i])));
        ImGui::SameLine(0, 14);
    }
    legendItem(kOtherColour, "other " + ms(std::max(0.0, r.outsideNodesMs())));
}

std::vector<const NodeProfile *> timedNodes(const ProfileReport &r, bool modelOrder)
{
    std::vector<const NodeProfile *> nodes;
    for (const NodeProfile &n : r.nodes)
        if (!n.insideConsumer)
            nodes.push_back(&n);
    if (!modelOrder)
        std::stable_sort(nodes.begin(), nodes.end(),
                         [](const auto *a, const auto *b) { return a->totalMs() > b->totalMs(); });
    return nodes;
}

void layersTab(const ProfileReport &r, ProfilerViewState &state)
{
    ImGui::Checkbox("Model order", &state.modelOrder);
    ImGui::SameLine();
    ImGui::TextDisabled("(bars: each layer's time per step, by phase; hover for the figures)");
    const std::vector<const NodeProfile *> nodes = timedNodes(r, state.modelOrder);
    double longest = 0;
    for (const NodeProfile *n : nodes)
        longest = std::max(longest, n->totalMs());
    const double step = r.stepMs();
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit |
                                  ImGuiTableFlags_Resizable;
    if (!ImGui::BeginTable("layers", 7, flags, ImGui::GetContentRegionAvail()))
        return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Layer");
    ImGui::TableSetupColumn("Time per step", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("Forward");
    ImGui::TableSetupColumn("Backward");
    ImGui::TableSetupColumn("Share");
    ImGui::TableSetupColumn("GFLOP/s");
    ImGui::TableSetupColumn("Memory");
    ImGui::TableHeadersRow();
    for (const NodeProfile *n : nodes) {
        ImGui::PushID(n->id.c_str());
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(n->name.c_str());
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("%s\nkernel: %s", nodeLabel(*n).c_str(), n->kernel.c_str());
        ImGui::TableNextColumn();
        stackedBar(phaseSegments(*n), longest, ImGui::GetContentRegionAvail().x,
                   ImGui::GetTextLineHeight());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(ms(n->phaseMs(ProfilePhase::Forward)).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(ms(n->phaseMs(ProfilePhase::Backward)).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(percent(step > 0 ? n->totalMs() / step : 0).c_str());
        ImGui::TableNextColumn();
        if (n->forwardGflops() > 0)
            ImGui::Text("%.1f", n->forwardGflops());
        else
            ImGui::TextDisabled("-");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(formatBytes(n->memory.total()).c_str());
        ImGui::PopID();
    }
    ImGui::EndTable();
}

void timelineTab(const ProfileReport &r)
{
    if (r.steps.empty() || r.events.empty()) {
        ImGui::TextWrapped("No step was timed.");
        return;
    }
    const int last = static_cast<int>(r.steps.size()) - 1;
    const ProfileStep &step = r.steps.back();
    ImGui::TextDisabled("The last timed step, %s; each row a layer, each span a phase (reorders "
                        "inside their pass). Hover a span for its time.",
                        ms(step.durationUs / 1000).c_str());
    // Rows in order of each node's first span.
    std::vector<int> rows;
    for (const ProfileEvent &e : r.events)
        if (e.step == last && std::find(rows.begin(), rows.end(), e.node) == rows.end())
            rows.push_back(e.node);
    const float labelWidth = ImGui::CalcTextSize("conv2d_1 (Conv2D)").x;
    const float rowHeight = ImGui::GetTextLineHeightWithSpacing();
    ImGui::BeginChild("timeline", ImVec2(0, 0), false);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float track = std::max(50.f, ImGui::GetContentRegionAvail().x - labelWidth - 8);
    ImDrawList *draw = ImGui::GetWindowDrawList();
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const auto xOf = [&](double us) {
        return origin.x + labelWidth + 8 +
               float((us - step.startUs) / std::max(1.0, step.durationUs)) * track;
    };
    // The axis: quarters of the step.
    for (int q = 0; q <= 4; ++q) {
        const double us = step.startUs + step.durationUs * q / 4;
        const float x = xOf(us);
        draw->AddLine(ImVec2(x, origin.y), ImVec2(x, origin.y + rowHeight * float(rows.size() + 1)),
                      IM_COL32(128, 128, 128, 60));
        const std::string label = ms((us - step.startUs) / 1000);
        draw->AddText(ImVec2(std::min(x, origin.x + labelWidth + 8 + track -
                                             ImGui::CalcTextSize(label.c_str()).x),
                             origin.y),
                      ImGui::GetColorU32(ImGuiCol_TextDisabled), label.c_str());
    }
    for (size_t row = 0; row < rows.size(); ++row) {
        const float y = origin.y + rowHeight * float(row + 1);
        const NodeProfile &n = r.nodes[static_cast<size_t>(rows[row])];
        draw->PushClipRect(ImVec2(origin.x, y), ImVec2(origin.x + labelWidth, y + rowHeight), true);
        draw->AddText(ImVec2(origin.x, y), ImGui::GetColorU32(ImGuiCol_Text), n.name.c_str());
        draw->PopClipRect();
        for (const ProfileEvent &e : r.events) {
            if (e.step != last || e.node != rows[row])
                continue;
            const bool inner = e.phase == ProfilePhase::Reorder;
            const float top = y + (inner ? rowHeight * 0.35f : 1);
            const float bottom = y + rowHeight - (inner ? 2 : 1);
            const float x0 = xOf(e.startUs), x1 = std::max(x0 + 1, xOf(e.startUs + e.durationUs));
            draw->AddRectFilled(ImVec2(x0, top), ImVec2(x1, bottom), phaseColour(e.phase));
            if (mouse.x >= x0 && mouse.x < x1 && mouse.y >= top && mouse.y < bottom &&
                ImGui::IsWindowHovered())
                ImGui::SetTooltip("%s\n%s: %s, from %s", nodeLabel(n).c_str(), phaseName(e.phase),
                                  ms(e.durationUs / 1000).c_str(),
                                  ms((e.startUs - step.startUs) / 1000).c_str());
        }
    }
    ImGui::Dummy(ImVec2(labelWidth + 8 + track, rowHeight * float(rows.size() + 1)));
    ImGui::EndChild();
}

struct MemoryKind
{
    const char *name;
    double NodeMemory::*field;
    ImU32 colour;
};

constexpr std::array<MemoryKind, 6> kMemoryKinds = {{
    {"activations", &NodeMemory::activations, IM_COL32(66, 133, 244, 255)},
    {"activation gradients", &NodeMemory::activationGradients, IM_COL32(140, 180, 250, 255)},
    {"weights", &NodeMemory::weights, IM_COL32(52, 168, 83, 255)},
    {"weight gradients", &NodeMemory::weightGradients, IM_COL32(140, 210, 150, 255)},
    {"optimizer state", &NodeMemory::optimizer, IM_COL32(255, 152, 0, 255)},
    {"workspace", &NodeMemory::workspace, IM_COL32(150, 150, 150, 255)},
}};

std::vector<Segment> memorySegments(const NodeMemory &m, const std::string &owner)
{
    std::vector<Segment> segments;
    for (const MemoryKind &k : kMemoryKinds)
        segments.push_back({m.*k.field, k.colour, owner + k.name + ": " + formatBytes(m.*k.field)});
    return segments;
}

void memoryTab(const ProfileReport &r)
{
    const double total = r.memory.total();
    ImGui::Text("%s while training at batch size %lld", formatBytes(total).c_str(),
                static_cast<long long>(r.batchSize));
    ImGui::SameLine();
    ImGui::TextDisabled("(shape inference estimated %s before the run)",
                        formatBytes(r.estimate.total()).c_str());
    stackedBar(memorySegments(r.memory, ""), total, ImGui::GetContentRegionAvail().x,
               ImGui::GetFrameHeight() * 0.8f);
    for (const MemoryKind &k : kMemoryKinds) {
        legendItem(k.colour, std::string(k.name) + " " + formatBytes(r.memory.*k.field));
        ImGui::SameLine(0, 14);
    }
    ImGui::NewLine();
    double largest = 0;
    for (const NodeProfile &n : r.nodes)
        largest = std::max(largest, n.memory.total());
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("memory", 3, flags, ImGui::GetContentRegionAvail()))
        return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Layer");
    ImGui::TableSetupColumn("Memory by kind", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("Total");
    ImGui::TableHeadersRow();
    for (const NodeProfile &n : r.nodes) {
        if (n.memory.total() <= 0)
            continue;
        ImGui::PushID(n.id.c_str());
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(n.name.c_str());
        ImGui::TableNextColumn();
        stackedBar(memorySegments(n.memory, nodeLabel(n) + "\n"), largest,
                   ImGui::GetContentRegionAvail().x, ImGui::GetTextLineHeight());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(formatBytes(n.memory.total()).c_str());
        ImGui::PopID();
    }
    ImGui::EndTable();
}

void kernelsTab(const ProfileReport &r, const ProfilerViewState &state)
{
    double fastest = 0;
    for (const NodeProfile &n : r.nodes)
        fastest = std::max(fastest, n.forwardGflops());
    const double full = state.peakGflops > 0 ? state.peakGflops : fastest;
    if (state.measurePeak) {
        const bool blocked = state.measuring || !state.peakBlocked.empty();
        if (blocked)
            ImGui::BeginDisabled();
        if (ImGui::Button(state.measuring ? "Measuring..." : "Measure the peak"))
            state.measurePeak();
        if (blocked)
            ImGui::EndDisabled();
        if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
            ImGui::SetTooltip("%s", state.peakBlocked.empty()
                                        ? "Half a second of a large oneDNN matrix product on "
                                          "the run's threads: the fp32 GFLOP/s this machine "
                                          "reaches at best"
                                        : state.peakBlocked.c_str());
        ImGui::SameLine();
    }
    if (state.peakGflops > 0)
        ImGui::TextDisabled("Bars: each layer's forward GFLOP/s against the machine's peak, "
                            "%.0f GFLOP/s (%s)",
                            state.peakGflops, state.peakNote.c_str());
    else
        ImGui::TextDisabled("Bars: each layer's forward GFLOP/s against the fastest layer's "
                            "(%s)",
                            state.peakNote.empty() ? "the machine's peak is not measured"
                                                   : state.peakNote.c_str());
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_Resizable;
    if (!ImGui::BeginTable("kernels", 4, flags, ImGui::GetContentRegionAvail()))
        return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Layer");
    ImGui::TableSetupColumn("Kernel");
    ImGui::TableSetupColumn("GFLOP/s");
    ImGui::TableSetupColumn("Achieved", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (const NodeProfile &n : r.nodes) {
        ImGui::PushID(n.id.c_str());
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(nodeLabel(n).c_str());
        ImGui::TableNextColumn();
        if (n.insideConsumer)
            ImGui::TextDisabled("inside %s", n.consumer.c_str());
        else
            ImGui::TextUnformatted(n.kernel.c_str());
        ImGui::TableNextColumn();
        const double rate = n.forwardGflops();
        if (rate > 0)
            ImGui::Text("%.1f", rate);
        else
            ImGui::TextDisabled("-");
        ImGui::TableNextColumn();
        if (rate > 0 && full > 0)
            stackedBar({{std::min(rate, full), phaseColour(ProfilePhase::Forward),
                         percent(rate / full) +
                             (state.peakGflops > 0 ? " of the peak" : " of the fastest layer")}},
                       full, ImGui::GetContentRegionAvail().x, ImGui::GetTextLineHeight());
        ImGui::PopID();
    }
    ImGui::EndTable();
}

} // namespace

unsigned phaseColour(ProfilePhase phase)
{
    switch (phase) {
    case ProfilePhase::DataCopy:
        return IM_COL32(120, 144, 156, 255);
    case ProfilePhase::Forward:
        return IM_COL32(66, 133, 244, 255);
    case ProfilePhase::Reorder:
        return IM_COL32(171, 71, 188, 255);
    case ProfilePhase::Loss:
        return IM_COL32(255, 152, 0, 255);
    case ProfilePhase::Backward:
        return IM_COL32(52, 168, 83, 255);
    case ProfilePhase::Update:
        return IM_COL32(234, 67, 53, 255);
    }
    return kOtherColour;
}

void drawProfilerView(const ProfileReport *report, ProfilerViewState &state)
{
    if (!report) {
        ImGui::TextWrapped("Where the training time and memory go, layer by layer. Train the "
                           "model with this panel open: every half second a few steps are "
                           "timed and shown here (the steps in between run as fast as ever).");
        return;
    }
    header(*report);
    if (!ImGui::BeginTabBar("views"))
        return;
    const auto tab = [&state](const char *label, int index) {
        const ImGuiTabItemFlags flags =
            state.selectTab == index ? ImGuiTabItemFlags_SetSelected : ImGuiTabItemFlags_None;
        return ImGui::BeginTabItem(label, nullptr, flags);
    };
    if (tab("Layers", kLayersTab)) {
        layersTab(*report, state);
        ImGui::EndTabItem();
    }
    if (tab("Timeline", kTimelineTab)) {
        timelineTab(*report);
        ImGui::EndTabItem();
    }
    if (tab("Memory", kMemoryTab)) {
        memoryTab(*report);
        ImGui::EndTabItem();
    }
    if (tab("Kernels", kKernelsTab)) {
        kernelsTab(*report, state);
        ImGui::EndTabItem();
    }
    state.selectTab = -1;
    ImGui::EndTabBar();
}

} // namespace strata::ui
