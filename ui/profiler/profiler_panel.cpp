#include "ui/profiler/profiler_panel.h"

#include "strata/machine_peak.h"
#include "ui/background_task.h"
#include "ui/profiler/imgui_widget.h"
#include "ui/profiler/profiler_view.h"
#include "ui/session/snapshots_while_shown.h"
#include "ui/session/training_session.h"

#include <QFontDatabase>
#include <QFutureWatcher>
#include <QLabel>
#include <QOpenGLContext>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace strata::ui {

bool ProfilerPanel::openGLAvailable()
{
    static const bool available = [] {
        QOpenGLContext probe;
        return probe.create();
    }();
    return available;
}

ProfilerPanel::ProfilerPanel(TrainingSession *session, QWidget *parent, Renderer renderer)
    : QWidget(parent), session_(session), state_(std::make_unique<ProfilerViewState>())
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    if (renderer == Renderer::ImGui || (renderer == Renderer::Automatic && openGLAvailable())) {
        view_ = new ImGuiWidget([this] { drawProfilerView(report_.get(), *state_); }, this);
        view_->setObjectName(QStringLiteral("profilerView"));
        view_->setMinimumSize(320, 200);
        layout->addWidget(view_);
    } else {
        // Why there is no graphical view, wrapped; the table below keeps its columns.
        whyText_ = new QLabel(
            tr("This platform gives no OpenGL context, so the profiler shows its figures as "
               "text (the graphical view needs OpenGL; Mesa's software renderer, Debian's "
               "libgl1-mesa-dri, is enough)."),
            this);
        whyText_->setWordWrap(true);
        whyText_->setContentsMargins(6, 4, 6, 4);
        layout->addWidget(whyText_);
        textView_ = new QPlainTextEdit(this);
        textView_->setObjectName(QStringLiteral("profilerText"));
        textView_->setReadOnly(true);
        textView_->setLineWrapMode(QPlainTextEdit::NoWrap);
        textView_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        layout->addWidget(textView_);
    }
    new SnapshotsWhileShown(this, session, SnapshotsWhileShown::Feed::Profiles);
    state_->measurePeak = [this] { measurePeak(); };
    connect(session, &TrainingSession::trainingStarted, this, [this] { updatePeakState(); });
    connect(session, &TrainingSession::finished, this, [this] { updatePeakState(); });
    updatePeakState();
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
    if (view_) {
        view_->requestFrame();
        return;
    }
    textView_->setPlainText(report_ ? QString::fromStdString(formatProfileTable(*report_))
                                    : tr("Train the model with this panel open: every half "
                                         "second a few steps are timed and shown here."));
}

void ProfilerPanel::updatePeakState()
{
    state_->peakBlocked =
        session_->isTraining()
            ? tr("Not while training: the measurement would share the cores with the run and "
                 "slow it down")
                  .toStdString()
            : std::string();
    if (view_)
        view_->requestFrame();
}

void ProfilerPanel::measurePeak()
{
    if (state_->measuring || session_->isTraining())
        return;
    state_->measuring = true;
    const int threads = report_ && report_->threads > 0 ? report_->threads : 0;
    auto *watcher = new QFutureWatcher<MachinePeak>(this);
    connect(watcher, &QFutureWatcher<MachinePeak>::finished, this, [this, watcher] {
        watcher->deleteLater();
        state_->measuring = false;
        try {
            const MachinePeak peak = watcher->result();
            state_->peakGflops = peak.gflops;
            state_->peakNote =
                tr("fp32, %n thread(s), a oneDNN matrix product", nullptr, peak.threads)
                    .toStdString();
        } catch (const std::exception &e) {
            state_->peakGflops = 0;
            state_->peakNote = tr("could not measure it: %1").arg(e.what()).toStdString();
        }
        if (view_)
            view_->requestFrame();
        emit peakMeasured(state_->peakGflops);
    });
    watcher->setFuture(runInBackground([threads] { return measureFp32Peak(threads); }));
    if (view_)
        view_->requestFrame();
}

void ProfilerPanel::showTab(int tab)
{
    state_->selectTab = tab;
    if (view_)
        view_->requestFrame();
}

double ProfilerPanel::peakGflops() const
{
    return state_->peakGflops;
}

QString ProfilerPanel::text() const
{
    return textView_ ? whyText_->text() + "\n\n" + textView_->toPlainText() : QString();
}

} // namespace strata::ui
