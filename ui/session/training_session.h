#pragma once
// One training run, apart from any widget. The session owns the engine's Trainer, the thread
// it runs in, the queue that thread reports into, and a timer that drains the queue on the
// GUI thread at most 10 times a second; every event comes out as a Qt signal. Commands
// (start, pause, resume, stop, learning rate) go through the session. Panels subscribe to
// its signals and never call each other; the GUI thread never waits on training.

#include "strata/profile.h"
#include "strata/project.h"
#include "strata/training_events.h"
#include "strata/weights_snapshot.h"

#include <QObject>
#include <QString>

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

class QThread;
class QTimer;

namespace strata {
class RunRecorder;
class Trainer;
} // namespace strata

namespace strata::ui {

class TrainingSession : public QObject
{
    Q_OBJECT

public:
    // Who changed the learning rate: the user (while paused) or the run's schedule.
    enum class RateOrigin { User, Schedule };
    Q_ENUM(RateOrigin)

    explicit TrainingSession(QObject *parent = nullptr);
    // Stops a running trainer and waits for it: at most the batch in flight.
    ~TrainingSession() override;

    // The run store every run is kept in (a folder of run-N folders, see strata/run_store.h);
    // empty (default): runs are not kept. Applies from the next start().
    void setRunStore(const QString &folder) { runStore_ = folder; }
    QString runStore() const { return runStore_; }
    // The current or last run's folder in the store, and its id (run-N); empty when it is not
    // kept.
    QString runFolder() const { return runFolder_; }
    QString runId() const { return runId_; }

    // True from start() until finished() is emitted.
    bool isTraining() const { return training_; }
    bool isPaused() const { return paused_; }
    // stop() was asked for and the run has not finished yet.
    bool isStopping() const { return stopping_; }
    // A step (stepBatch, stepEpoch, startStep) is under way; stepFinished() ends it.
    bool isStepping() const { return stepping_; }
    QString projectName() const { return projectName_; }

    // The epochs of the current (or last) run, as the engine reported them.
    const std::vector<strata::EpochMetrics> &epochs() const { return epochs_; }
    // How the current (or last) run ended; empty until its FinishedEvent arrives.
    const std::optional<strata::FinishedEvent> &lastResult() const { return result_; }
    // The learning rate of the last batch seen, if any.
    std::optional<double> learningRate() const { return lastLr_; }
    // Where the run is, in epochs: 2.5 is half-way through the third epoch.
    double position() const { return position_; }
    // The trainer of the current or last run, or nullptr. Its network is the trained one once
    // finished() has been emitted; while training runs, nothing here may touch it.
    strata::Trainer *trainer() const { return trainer_.get(); }

    // --- Weight snapshots, for panels that probe the network (the decision boundary).
    // While at least one listener wants them, a run hands a copy of its weights after every
    // batch (and at each epoch end) to the session, which keeps the latest and emits
    // snapshotAvailable() at most once per drain tick (10 Hz). With no listener, runs take no
    // snapshots and pay nothing. Turned on and off at once, also during a run
    // (Trainer::setSnapshotting).
    void addSnapshotListener();
    void removeSnapshotListener();
    bool snapshotsWanted() const { return snapshotListeners_ > 0; }
    // The latest weights of the current or last run: the newest snapshot while training (with
    // a listener), the trained network's final weights once finished() has been emitted (any
    // run whose network was built); nullptr before any. clear() forgets them.
    strata::SnapshotPtr latestSnapshot() const { return latestSnapshot_; }
    // --- Live profiles, for the Profiler dock. While at least one listener wants them, the
    // run times the first steps of every half second node by node (TrainerOptions::profile;
    // turned on and off at once, also during a run), the session keeps the latest report and
    // emits profileAvailable() at most once per drain tick. With no listener nothing is timed.
    void addProfileListener();
    void removeProfileListener();
    bool profilesWanted() const { return profileListeners_ > 0; }
    // The latest report of the current or last run; nullptr before any (clear() forgets it).
    std::shared_ptr<const strata::ProfileReport> latestProfile() const { return latestProfile_; }
    // The engine's StartedEvent of the current or last run (class names, normalisation), once
    // it has come; empty before.
    const std::optional<strata::StartedEvent> &startedInfo() const { return startedInfo_; }
    // The project and base folder of the current or last run, as start() received them.
    const strata::Project &runProject() const { return runProject_; }
    QString runBaseDir() const { return runBaseDir_; }

public slots:
    // Trains project in a new thread and returns at once; relative paths start from baseDir
    // (empty: the examples folder). False, and nothing happens, while a run is going on.
    bool start(strata::Project project, const QString &baseDir = {});
    // Each returns false, and does nothing, when it does not apply (not training, already
    // paused, stopping, ...). The trainer applies them between two batches.
    bool pause();
    bool resume();
    // Also ends a paused run; finished() follows.
    bool stop();
    // Trains one more batch / to the end of the epoch, then pauses again; only while paused.
    // stepFinished() reports the step (loss before and after, each layer's weight change).
    bool stepBatch();
    bool stepEpoch();
    // Continues a kept run of the store (stopped or crashed) from its last checkpoint, with the
    // project as it was trained; on the CPU it ends as it would have without the break. False,
    // with error(), when the run cannot be resumed (no checkpoint, trained elsewhere now).
    bool resumeRun(const QString &runId);
    // Starts a run (as start()) that pauses after its first batch or its first epoch.
    bool startStep(strata::Project project, const QString &baseDir, strata::StepEvent::Kind kind);
    // Only while paused, and only a positive finite rate; it applies from the next batch.
    bool setLearningRate(double lr);
    // Forgets the last run (its epochs, result and trained network), e.g. when another
    // project opens, and emits cleared(). False, and nothing happens, while a run is going on.
    bool clear();

signals:
    // start() was accepted: isTraining() is now true.
    void trainingStarted(const QString &projectName);
    // The engine's StartedEvent: the data is loaded and the network compiled.
    void started(const strata::StartedEvent &info);
    void batchFinished(const strata::BatchEvent &batch);
    void epochFinished(const strata::EpochMetrics &metrics);
    void logMessage(const strata::LogEvent &message);
    // position: where the new rate starts, in epochs (see position()). A user's change is
    // reported when applied, a schedule's when the first batch with it arrives; a user's
    // change is not reported again when the batches show it.
    void learningRateChanged(double lr, double position,
                             strata::ui::TrainingSession::RateOrigin origin);
    void paused();
    void resumed();
    // A step began (from a pause or from idle); the run is not paused while it trains.
    void stepStarted(strata::StepEvent::Kind kind);
    // The step is complete and the run paused after it (paused() came just before).
    void stepFinished(const strata::StepEvent &step);
    void stopping();
    // The run failed (the engine's reason, e.g. a dataset that cannot be read or a model
    // that cannot be built); finished() follows with Reason::Failed.
    void error(const QString &message);
    // A newer latestSnapshot() is there (coalesced: at most once per drain tick while a
    // listener wants snapshots, and once with the final weights after every run, before
    // finished()).
    void snapshotAvailable();
    // A newer latestProfile() is there (coalesced to one per drain tick).
    void profileAvailable();
    // clear() forgot the last run: panels show no run.
    void cleared();
    // The run is over and its thread has ended; emitted once per start(). isTraining() is
    // false by now.
    void finished(const strata::FinishedEvent &result);

private:
    void drainEvents();
    void handle(const strata::StartedEvent &e);
    void handle(const strata::BatchEvent &e);
    void handle(const strata::EpochEvent &e);
    void handle(const strata::StepEvent &e);
    void handle(const strata::LogEvent &e);
    void handle(const strata::FinishedEvent &e);
    void threadFinished();
    void takeSnapshot();
    void takeProfile();
    // start() and resumeRun(): the run in a new thread, kept by recorder when there is one.
    bool launch(strata::Project project, const QString &baseDir,
                std::shared_ptr<strata::RunRecorder> recorder);

    QString runStore_;
    QString runFolder_, runId_;
    std::shared_ptr<strata::RunRecorder> recorder_;
    std::vector<strata::EpochMetrics> resumedHistory_;
    std::optional<strata::StartedEvent> startedInfo_; // resumeRun()'s, until its StartedEvent
    std::unique_ptr<strata::Trainer> trainer_;
    // Runs trainer_->run(); its finished signal, not a poll, says when the run is over.
    std::unique_ptr<QThread> thread_;
    // Shared with the trainer's observer, so an event pushed while the session goes away
    // lands in a queue that still exists.
    std::shared_ptr<strata::EventQueue> queue_;
    QTimer *drainTimer_ = nullptr;

    bool training_ = false;
    bool paused_ = false;
    bool stopping_ = false;
    bool stepping_ = false;
    std::optional<strata::StepEvent::Kind> firstStep_; // for start(), from startStep()
    QString projectName_;
    std::vector<strata::EpochMetrics> epochs_;
    std::optional<strata::FinishedEvent> result_;
    double position_ = 0;
    std::optional<double> lastLr_; // learning rate of the last batch seen
    std::optional<double> userLr_; // applied by the user, not yet seen in a batch
    int snapshotListeners_ = 0;
    // Filled by the training thread, emptied on each drain tick.
    std::shared_ptr<strata::SnapshotMailbox> mailbox_;
    strata::SnapshotPtr latestSnapshot_;
    int profileListeners_ = 0;
    // Filled by the training thread, emptied on each drain tick (training_session.cpp).
    struct ProfileSlot;
    std::shared_ptr<ProfileSlot> profileSlot_;
    std::shared_ptr<const strata::ProfileReport> latestProfile_;
    strata::Project runProject_;
    QString runBaseDir_;
};

} // namespace strata::ui
