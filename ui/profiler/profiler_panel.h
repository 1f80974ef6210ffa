#pragma once
// The Profiler dock: where a training step's time and memory go, layer by layer, live while
// the model trains (the session's live profiles, asked for only while the dock is shown),
// drawn with Dear ImGui (profiler_view.h) in an ImGuiWidget.

#include "strata/profile.h"

#include <QWidget>

#include <memory>

namespace strata::ui {

class ImGuiWidget;
class TrainingSession;
struct ProfilerViewState;

class ProfilerPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ProfilerPanel(TrainingSession *session, QWidget *parent = nullptr);
    ~ProfilerPanel() override;

    // The report drawn (the session's latest), or nullptr.
    const ProfileReport *report() const { return report_.get(); }
    ImGuiWidget *view() const { return view_; }

private:
    void display(std::shared_ptr<const ProfileReport> report);

    TrainingSession *session_;
    ImGuiWidget *view_ = nullptr;
    std::shared_ptr<const ProfileReport> report_;
    std::unique_ptr<ProfilerViewState> state_;
};

} // namespace strata::ui
