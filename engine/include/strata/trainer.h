#pragma once
// The trainer: runs a project's training in its own thread (or the caller's). Pause, resume,
// stop and learning-rate changes arrive through a thread-safe command channel; progress
// leaves as events to an observer. It owns checkpoints (weights, optimizer state, every RNG
// stream, data position, epoch), so a resumed run continues exactly; a NaN/Inf guard stops
// the run and never overwrites the last good checkpoint. On the CPU the guard stops within
// one step and the non-finite step is not applied; on a device (whose reads wait for it) the
// loss totals and the guard are read every few batches (TrainerOptions::readEvery) and the
// weights go back to those of the last clean read.
//
// Probes never touch the network being trained: every few batches (and at each epoch end)
// the trainer hands a copy of its weights, a WeightsSnapshot, to TrainerOptions::onSnapshot,
// and probes evaluate on that (see probe.h).

#include "strata/profile.h"
#include "strata/project.h"
#include "strata/training_events.h"
#include "strata/weights_snapshot.h"

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace strata {

class Network;
struct LossTotals;

inline constexpr int kDeviceReadEvery = 16;

struct TrainerOptions
{
    // Where checkpoint.safetensors, final/best weights and metrics go; empty: nothing written.
    std::string outDir;
    std::string resumeFrom; // a checkpoint file to continue from
    // Epoch checkpoints kept in outDir/checkpoints (epoch-N.safetensors: after N epochs)
    // beside the latest one, plus the best epoch's; 0: only the latest (checkpoint.safetensors).
    int keepCheckpoints = 0;
    std::optional<int> epochs;
    std::optional<uint64_t> seed;
    std::optional<std::string> device;
    // Overrides the project's training precision ("fp32", "bf16"; see strata/precision.h).
    std::optional<std::string> precision;
    // Batches between two reads of the loss totals and the NaN/Inf guard's answer (one
    // BatchEvent per read). 0: every batch where reads are free (the CPU), kDeviceReadEvery on
    // a device whose reads wait for it. Above 1, the guard answers late on any backend and
    // the weights go back to those of the last clean read.
    int readEvery = 0;
    // Called on the training thread for every event; must not block for long (the studio
    // pushes into an EventQueue).
    std::function<void(const TrainingEvent &)> observer;
    // Optimizer steps between two weight snapshots handed to onSnapshot, plus one at each
    // epoch end; 0: none. Snapshots are taken where the guard has read the weights clean,
    // so with readEvery above 1 they come at the next read. Taking one copies the weights to
    // the host: nothing of the run changes.
    int snapshotEvery = 0;
    // Statistics of every trainable tensor's weights and gradients at each epoch's end
    // (EpochMetrics::parameters, kept in the history log): two passes over the weights and a
    // host copy of the gradients per epoch.
    bool parameterStats = false;
    // Whether the next batch is gathered and augmented on a thread of its own while a batch
    // trains. Auto: when the dataset is augmented (gathering alone is a copy, cheaper than
    // handing it to another thread) and a core is free for that thread (a device trains, or
    // the CPU training threads leave one); otherwise the training threads augment each batch
    // before its step. The batches are the same either way.
    enum class Prefetch { Auto, Off, On };
    Prefetch prefetch = Prefetch::Auto;
    // Called on the training thread with each snapshot; must not block for long (the studio
    // puts it into a SnapshotMailbox).
    std::function<void(SnapshotPtr)> onSnapshot;
    // The live profile (the studio's Profiler dock): while profiling is on (`profile`, or
    // setProfiling() during the run), the first profileStepsPerPeriod steps of every
    // profilePeriodSeconds are timed node by node and phase by phase, and their report is
    // handed to onProfile on the training thread at the period's end and when the run ends
    // (it must not block for long). The untimed steps pay nothing; a timed one pays a clock read
    // per kernel. Nothing of the run changes.
    bool profile = false;
    double profilePeriodSeconds = 0.5;
    int profileStepsPerPeriod = 4;
    std::function<void(std::shared_ptr<const ProfileReport>)> onProfile;
};

class Trainer
{
public:
    Trainer(Project project, std::string baseDir, TrainerOptions options);
    ~Trainer(); // stops a running thread and joins it
    Trainer(const Trainer &) = delete;
    Trainer &operator=(const Trainer &) = delete;

    // Runs in a new thread; returns at once.
    void start();
    // Runs in the calling thread until the run ends; returns how it ended.
    FinishedEvent run();
    void wait();
    bool isRunning() const { return running_; }

    // Commands: safe from any thread, applied between two batches.
    void pause();
    void resume(); // also cancels a step under way: training goes on
    void stop();
    void setLearningRate(double lr);
    // Trains exactly one more batch, then pauses (from a pause, before start(), or while
    // running). A StepEvent then reports the loss on that batch before and after and how far
    // each layer's weights moved; a step asked for before start() trains the run's first batch.
    void stepBatch();
    // Trains to the end of the current epoch (a whole epoch from a pause at its start), ends
    // the epoch (validation, checkpoint), then pauses; a StepEvent reports the loss on the
    // training set before and after, and each layer's change. Training without steps pays
    // nothing for these reports.
    void stepEpoch();

    bool isPaused() const { return paused_; }
    // Turns the live profile on or off (see TrainerOptions::profile); safe from any thread,
    // applied from the next batch.
    void setProfiling(bool on) { profiling_ = on; }
    bool isProfiling() const { return profiling_; }
    // Turns weight snapshots on or off during the run (TrainerOptions::snapshotEvery and
    // onSnapshot must be set: this only pauses them); safe from any thread, applied from the
    // next batch. On at the start.
    void setSnapshotting(bool on) { snapshotting_ = on; }
    bool isSnapshotting() const { return snapshotting_; }
    const std::vector<EpochMetrics> &history() const { return history_; }
    const FinishedEvent &result() const { return result_; }
    // The trained network after the run (nullptr if it never compiled). Not thread-safe while
    // running.
    Network *network();

private:
    struct Run;
    void publish(const TrainingEvent &event);
    void execute(Run &run);
    // The named steps of execute, in order (trainer.cpp).
    bool prepareData(Run &run); // false: stopped while loading
    void buildNetwork(Run &run);
    void restoreCheckpoint(Run &run);
    void publishStarted(Run &run);
    bool runEpoch(Run &run, int epoch);
    void applyCommands(Run &run);
    // After a batch (epochEnded: after an epoch's end): pauses when a step is complete, and
    // then returns true.
    bool countStep(bool epochEnded);
    // The weights and the loss a step starts from (applyCommands, when a step was asked for).
    void watchStep(Run &run);
    // Reports a complete step whose last batch was b (StepEvent); false when reading the
    // step's totals found divergence (the run ends).
    bool reportStep(Run &run, int epoch, int b);
    void publishSnapshot(Run &run, int epoch, int batches, bool epochEnd,
                         std::vector<std::pair<std::string, Tensor>> weights);
    void buildPipeline(Run &run);
    bool trainBatch(Run &run, int epoch, int batch);
    void followProfiling(Run &run);
    bool readTotals(Run &run, int epoch, int batch);
    void publishBatch(Run &run, int epoch, int batch, const LossTotals &totals);
    void stopAt(Run &run, int epoch, int batch);
    void diverged(Run &run, int epoch, int firstBatch, int lastBatch, const std::string &why);
    bool endEpoch(Run &run, int epoch);
    // atEpochStart: the shuffle and augmentation streams as they were at the epoch's start
    // (a stop inside it), else as they are now (an epoch's end). hostWeights: the network's
    // weights already copied to the host (nullptr: copy them).
    void
    writeCheckpointAt(Run &run, int epoch, int batch, const LossTotals &partial, bool atEpochStart,
                      const std::vector<std::pair<std::string, Tensor>> *hostWeights = nullptr);
    void keepEpochCheckpoint(Run &run, int epochs);
    void finish(Run &run);
    std::string historyPath() const;      // the history log in the output folder
    std::string parameterLogPath() const; // the parameter statistics beside it

    Project project_;
    std::string baseDir_;
    TrainerOptions options_;
    std::thread thread_;
    std::atomic<bool> running_{false};
    std::atomic<bool> paused_{false};
    std::atomic<bool> stopRequested_{false};
    std::atomic<bool> profiling_{false};
    std::atomic<bool> snapshotting_{true};
    std::mutex commandMutex_;
    std::condition_variable commandCv_;
    std::optional<double> pendingLr_;
    int stepBatches_ = 0;         // batches left in a step (stepBatch); guarded by commandMutex_
    bool stepToEpochEnd_ = false; // a step runs to the epoch's end (stepEpoch); same guard
    uint64_t stepCommands_ = 0;   // step commands so far, to tell a new step; same guard
    std::vector<EpochMetrics> history_;
    FinishedEvent result_;
    std::string stage_ = "starting"; // what run() was doing, for an out-of-memory message
    std::unique_ptr<Run> run_;
};

// Keras-style history as CSV (epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds) and JSON.
void writeMetricsCsv(const std::vector<EpochMetrics> &history, const std::string &path);
void writeMetricsJson(const std::vector<EpochMetrics> &history, const std::string &path);

} // namespace strata
