#include "ui/profiler/profiler_panel.h"

#include "ui/profiler/imgui_widget.h"
#include "ui/profiler/profiler_view.h"
#include "ui/session/snapshots_while_shown.h"
#include "ui/session/training_session.h"

#include <QVBoxLayout>

namespace strata::ui {

ProfilerPanel::ProfilerPanel(TrainingSession *session, QWidget *parent)
    : QWidget(parent), session_(session), state_(std::make_unique<ProfilerViewState>())
{
    view_ = new ImGuiWidget([this] { drawProfilerView(report_.get(), *state_); }, this);
    view_->setObjectName(QStringLiteral("profilerView"));
    view_->setMinimumSize(320, 200);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view_);
    new SnapshotsWhileShown(this, session, SnapshotsWhileShown::Feed::Profiles);
    connect(session, &TrainingSession::profileAvailable, this,
            [this] { display(session_->latestProfile()); });
    // A new run, or another project: the last run's profile is not this one's.
    connect(session, &TrainingSession::trainingStarted, this, [this] { display(nullptr); });
    connect(session, &TrainingSession::cleared, this, [this] { display(nullptr); });
    display(session->latestProfile());
}

ProfilerPanel::~ProfilerPanel() = default;

void ProfilerPanel::display(std::shared_ptr<const ProfileReport> report)
{
    report_ = std::move(report);
    view_->requestFrame();
}

} // namespace strata::ui
