#include "ui/session/training_session.h"

#include "strata/backend.h"
#include "strata/network.h"
#include "strata/run_store.h"
#include "strata/trainer.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <variant>
#include <vector>

namespace strata::ui {

namespace {

// 10 Hz: what the plots and figures show changes at most that often (each drawing is GUI time
// taken from a run that has every core), and each tick wakes the GUI thread, which takes a core
// from the run for a moment: at 30 Hz the studio trained measurably slower than strata-cli.
constexpr int kDrainIntervalMs = 100;

bool sameRate(double a, double b)
{
    return std::fabs(a - b) <= 1e-9 * std::max({1e-12, std::fabs(a), std::fabs(b)});
}

} // namespace

TrainingSession::TrainingSession(QObject *parent)
    : QObject(parent), queue_(std::make_shared<strata::EventQueue>()), drainTimer_(new QTimer(this))
{
    drainTimer_->setInterval(kDrainIntervalMs);
    connect(drainTimer_, &QTimer::timeout, this, &TrainingSession::drainEvents);
}

TrainingSession::~TrainingSession()
{
    if (!thread_)
        return;
    // A stop is honoured between two batches (and wakes a paused run), so this waits at most
    // for the batch in flight. Nothing is emitted any more: the listeners may be gone.
    disconnect(thread_.get(), nullptr, this, nullptr);
    trainer_->stop(); // kept by the trainer even when its run has not begun yet
    thread_->wait();
    thread_.reset();
    trainer_.reset();
}

bool TrainingSession::start(strata::Project project, const QString &baseDir)
{
    if (training_)
        return false;
    resumedHistory_.clear();
    const QString base = baseDir.isEmpty() ? QStringLiteral(STRATA_EXAMPLES_DIR) : baseDir;
    std::shared_ptr<strata::RunRecorder> recorder;
    QString notKept;
    if (!runStore_.isEmpty()) {
        try {
            strata::RunStore store(runStore_.toStdString());
            const std::string id = store.create(project, base.toStdString());
            recorder = std::make_shared<strata::RunRecorder>(store.folder() + "/" + id, false);
        } catch (const std::exception &e) {
            // The run still trains: a full disk must not stop a lesson.
            notKept = QString::fromStdString(e.what());
        }
    }
    if (!launch(std::move(project), base, std::move(recorder)))
        return false;
    if (!notKept.isEmpty())
        emit logMessage(
            {strata::LogEvent::Level::Warning,
             tr("This run is not kept with the project's runs: %1").arg(notKept).toStdString()});
    return true;
}

bool TrainingSession::resumeRun(const QString &runId)
{
    if (training_)
        return false;
    strata::Project project;
    std::string base;
    std::shared_ptr<strata::RunRecorder> recorder;
    try {
        strata::RunStore store(runStore_.toStdString());
        const strata::RunInfo run = store.find(runId.toStdString());
        project = store.project(run);
        base = store.baseDir(run);
        recorder = std::make_shared<strata::RunRecorder>(run.folder, true);
        resumedHistory_ = run.history;
    } catch (const std::exception &e) {
        emit error(tr("Cannot resume %1: %2").arg(runId, QString::fromStdString(e.what())));
        return false;
    }
    if (launch(std::move(project), QString::fromStdString(base), std::move(recorder)))
        return true;
    resumedHistory_.clear();
    return false;
}

// The latest live profile, handed from the training thread to the GUI thread.
struct TrainingSession::ProfileSlot
{
    std::mutex mutex;
    std::shared_ptr<const strata::ProfileReport> latest;
};

void TrainingSession::addProfileListener()
{
    if (++profileListeners_ == 1 && trainer_ && training_)
        trainer_->setProfiling(true);
}

void TrainingSession::removeProfileListener()
{
    profileListeners_ = std::max(0, profileListeners_ - 1);
    if (profileListeners_ == 0 && trainer_ && training_)
        trainer_->setProfiling(false);
}

void TrainingSession::addSnapshotListener()
{
    if (++snapshotListeners_ == 1 && trainer_ && training_)
        trainer_->setSnapshotting(true);
}

void TrainingSession::removeSnapshotListener()
{
    snapshotListeners_ = std::max(0, snapshotListeners_ - 1);
    if (snapshotListeners_ == 0 && trainer_ && training_)
        trainer_->setSnapshotting(false);
}

void TrainingSession::takeProfile()
{
    if (!profileSlot_)
        return;
    std::shared_ptr<const strata::ProfileReport> report;
    {
        std::lock_guard lock(profileSlot_->mutex);
        report = std::move(profileSlot_->latest);
    }
    if (report) {
        latestProfile_ = std::move(report);
        emit profileAvailable();
    }
}

bool TrainingSession::launch(strata::Project project, const QString &base,
                             std::shared_ptr<strata::RunRecorder> recorder)
{
    // The previous run's thread ended before its finished() was emitted.
    trainer_.reset();
    // OpenMP workers the GUI thread started before (a panel's answer, a summary) would idle
    // beside the run and shorten its threads' spin (see strata::releaseThreadTeam).
    strata::releaseThreadTeam();
    queue_ = std::make_shared<strata::EventQueue>();
    epochs_.clear();
    result_.reset();
    startedInfo_.reset();
    position_ = 0;
    lastLr_.reset();
    userLr_.reset();
    projectName_ = QString::fromStdString(project.name);
    latestSnapshot_.reset();
    mailbox_.reset();
    latestProfile_.reset();
    runProject_ = project;
    recorder_ = recorder;
    runFolder_ = recorder ? QString::fromStdString(recorder->folder()) : QString();
    runId_ = recorder ? QFileInfo(runFolder_).fileName() : QString();

    strata::TrainerOptions options;
    options.parameterStats = true; // the Weights dock draws them; the run's history keeps them
    if (recorder)
        recorder->configure(options);
    // Runs on the training thread: only a push, never a QObject.
    options.observer = [queue = queue_, recorder](const strata::TrainingEvent &e) {
        if (recorder)
            recorder->observe(e);
        queue->push(e);
    };
    // Every batch while a panel listens (a copy of a small model's weights costs less than
    // its batch; panels see at most the latest one per drain tick). Always set up, so a panel
    // shown during the run can turn snapshots on, and one covered can turn them off.
    mailbox_ = std::make_shared<strata::SnapshotMailbox>();
    options.snapshotEvery = 1;
    options.onSnapshot = [mailbox = mailbox_](strata::SnapshotPtr s) {
        mailbox->put(std::move(s));
    };
    // Always set up, so a Profiler dock shown during the run can turn profiling on.
    profileSlot_ = std::make_shared<ProfileSlot>();
    options.profile = profilesWanted();
    options.onProfile = [slot = profileSlot_](std::shared_ptr<const strata::ProfileReport> r) {
        std::lock_guard lock(slot->mutex);
        slot->latest = std::move(r);
    };
    runBaseDir_ = base;
    trainer_ = std::make_unique<strata::Trainer>(std::move(project), base.toStdString(),
                                                 std::move(options));
    trainer_->setSnapshotting(snapshotsWanted());
    // Trainer::run() reports how the run ended as its last event; the thread's finished
    // signal (queued to this thread) then says the run is over and its thread can be joined
    // without waiting.
    thread_.reset(QThread::create([trainer = trainer_.get()] { trainer->run(); }));
    thread_->setObjectName(QStringLiteral("strata-trainer"));
    connect(thread_.get(), &QThread::finished, this, &TrainingSession::threadFinished);
    training_ = true;
    paused_ = stopping_ = stepping_ = false;
    if (firstStep_) { // asked for before the run begins: its first batch or epoch, then a pause
        if (*firstStep_ == strata::StepEvent::Kind::Batch)
            trainer_->stepBatch();
        else
            trainer_->stepEpoch();
        stepping_ = true;
    }
    thread_->start();
    drainTimer_->start();
    emit trainingStarted(projectName_);
    if (stepping_)
        emit stepStarted(*firstStep_);
    firstStep_.reset();
    return true;
}

bool TrainingSession::startStep(strata::Project project, const QString &baseDir,
                                strata::StepEvent::Kind kind)
{
    if (training_)
        return false;
    firstStep_ = kind;
    const bool started = start(std::move(project), baseDir);
    firstStep_.reset();
    return started;
}

bool TrainingSession::stepBatch()
{
    if (!training_ || !paused_ || stopping_)
        return false;
    trainer_->stepBatch();
    paused_ = false;
    stepping_ = true;
    emit stepStarted(strata::StepEvent::Kind::Batch);
    return true;
}

bool TrainingSession::stepEpoch()
{
    if (!training_ || !paused_ || stopping_)
        return false;
    trainer_->stepEpoch();
    paused_ = false;
    stepping_ = true;
    emit stepStarted(strata::StepEvent::Kind::Epoch);
    return true;
}

bool TrainingSession::pause()
{
    if (!training_ || paused_ || stopping_)
        return false;
    trainer_->pause();
    paused_ = true;
    emit paused();
    return true;
}

bool TrainingSession::resume()
{
    if (!training_ || !paused_ || stopping_)
        return false;
    trainer_->resume();
    paused_ = stepping_ = false;
    emit resumed();
    return true;
}

bool TrainingSession::stop()
{
    if (!training_ || stopping_)
        return false;
    trainer_->stop();
    stopping_ = true;
    emit stopping();
    return true;
}

bool TrainingSession::setLearningRate(double lr)
{
    if (!training_ || !paused_ || stopping_ || !std::isfinite(lr) || lr <= 0)
        return false;
    trainer_->setLearningRate(lr);
    userLr_ = lr;
    emit learningRateChanged(lr, position_, RateOrigin::User);
    return true;
}

bool TrainingSession::clear()
{
    if (training_)
        return false;
    trainer_.reset();
    epochs_.clear();
    result_.reset();
    startedInfo_.reset();
    position_ = 0;
    lastLr_.reset();
    userLr_.reset();
    projectName_.clear();
    latestSnapshot_.reset();
    mailbox_.reset();
    latestProfile_.reset();
    emit cleared();
    return true;
}

void TrainingSession::drainEvents()
{
    const std::vector<strata::TrainingEvent> events = queue_->drain();
    const std::shared_ptr<strata::EventQueue> queue = queue_;
    for (const strata::TrainingEvent &event : events) {
        if (queue_ != queue) // a listener started another run: this one's news is stale
            return;
        std::visit([this](const auto &e) { handle(e); }, event);
    }
    if (queue_ == queue) {
        takeSnapshot();
        takeProfile();
    }
}

void TrainingSession::takeSnapshot()
{
    if (!mailbox_)
        return;
    if (strata::SnapshotPtr s = mailbox_->take()) {
        latestSnapshot_ = std::move(s);
        emit snapshotAvailable();
    }
}

void TrainingSession::handle(const strata::StartedEvent &e)
{
    startedInfo_ = e;
    emit started(e);
    // A resumed run: its epochs before the checkpoint, as if they had just been trained, so
    // every panel shows the whole run.
    const size_t earlier = std::min(resumedHistory_.size(), static_cast<size_t>(e.startEpoch));
    for (size_t i = 0; i < earlier; ++i)
        handle(strata::EpochEvent{resumedHistory_[i]});
    resumedHistory_.clear();
}

void TrainingSession::handle(const strata::BatchEvent &e)
{
    const int batches = std::max(e.batches, 1);
    if (lastLr_ && !sameRate(e.learningRate, *lastLr_) &&
        !(userLr_ && sameRate(e.learningRate, *userLr_))) {
        // A schedule changed it: it starts where this batch began.
        const double start = e.epoch + static_cast<double>(e.batch) / batches;
        emit learningRateChanged(e.learningRate, start, RateOrigin::Schedule);
    }
    if (userLr_ && sameRate(e.learningRate, *userLr_))
        userLr_.reset();
    lastLr_ = e.learningRate;
    position_ = e.epoch + static_cast<double>(e.batch + 1) / batches;
    emit batchFinished(e);
}

void TrainingSession::handle(const strata::EpochEvent &e)
{
    epochs_.push_back(e.metrics);
    emit epochFinished(e.metrics);
}

void TrainingSession::handle(const strata::StepEvent &e)
{
    // The trainer paused after the step (unless a resume came meanwhile and cancelled it).
    if (!stepping_)
        return;
    stepping_ = false;
    if (!paused_ && !stopping_) {
        paused_ = true;
        emit paused();
    }
    emit stepFinished(e);
}

void TrainingSession::handle(const strata::LogEvent &e)
{
    emit logMessage(e);
}

void TrainingSession::handle(const strata::FinishedEvent &e)
{
    // Reported once the thread has ended, in threadFinished().
    result_ = e;
}

void TrainingSession::threadFinished()
{
    // The thread emitted finished() as its very last act: this join does not wait.
    thread_->wait();
    thread_.reset();
    drainTimer_->stop();
    drainEvents(); // whatever arrived since the last tick, the FinishedEvent included
    if (!result_)  // the engine always reports one; never leave a listener without it
        result_ = trainer_->result();
    training_ = paused_ = stopping_ = stepping_ = false;
    if (recorder_ && !recorder_->worthKeeping()) {
        // It failed before training began: its folder would hold nothing but the error (the
        // recorder let its lock go with the run's end).
        const QString folder = runFolder_;
        recorder_.reset();
        QDir(folder).removeRecursively();
        runFolder_.clear();
        runId_.clear();
    }
    recorder_.reset();
    // The trained network's weights as they ended (after a stop, or a divergence that
    // put the last clean weights back), for panels that show the final state: one copy
    // per run, so a panel opened after the run still has them.
    if (strata::Network *network = trainer_->network()) {
        auto last = std::make_shared<strata::WeightsSnapshot>();
        if (latestSnapshot_) {
            last->epoch = latestSnapshot_->epoch;
            last->batch = latestSnapshot_->batch;
            last->step = latestSnapshot_->step;
            last->epochEnd = latestSnapshot_->epochEnd;
        } else if (!epochs_.empty()) {
            last->epoch = epochs_.back().epoch;
            last->epochEnd = true;
        }
        last->weights = network->weightsToHost();
        latestSnapshot_ = std::move(last);
        emit snapshotAvailable();
    }
    // A copy: a listener may start the next run, which clears result_.
    const strata::FinishedEvent result = *result_;
    if (result.reason == strata::FinishedEvent::Reason::Failed)
        emit error(QString::fromStdString(result.message));
    emit finished(result);
}

} // namespace strata::ui
