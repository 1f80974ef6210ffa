#pragma once
// The trainer: runs a project's training in its own thread (or the caller's). Pause, resume,
// stop and learning-rate changes arrive through a thread-safe command channel; progress
// leaves as events to an observer. It owns checkpoints (weights, optimizer state, every RNG
// stream, data position, epoch), so a resumed run continues exactly; a NaN/Inf guard stops
// within one step and never overwrites the last good checkpoint.

#include "strata/project.h"
#include "strata/training_events.h"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace strata {

class Network;

struct TrainerOptions
{
    // Where checkpoint.safetensors, final/best weights and metrics go; empty: nothing written.
    std::string outDir;
    std::string resumeFrom; // a checkpoint file to continue from
    std::optional<int> epochs;
    std::optional<uint64_t> seed;
    std::optional<std::string> device;
    // Called on the training thread for every event; must not block for long (the studio
    // pushes into an EventQueue).
    std::function<void(const TrainingEvent &)> observer;
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
    void resume();
    void stop();
    void setLearningRate(double lr);

    bool isPaused() const { return paused_; }
    const std::vector<EpochMetrics> &history() const { return history_; }
    const FinishedEvent &result() const { return result_; }
    // The trained network after the run (nullptr if it never compiled). Not thread-safe while
    // running.
    Network *network();

private:
    struct Run;
    void publish(const TrainingEvent &event);
    void execute(Run &run);

    Project project_;
    std::string baseDir_;
    TrainerOptions options_;
    std::thread thread_;
    std::atomic<bool> running_{false};
    std::atomic<bool> paused_{false};
    std::atomic<bool> stopRequested_{false};
    std::mutex commandMutex_;
    std::condition_variable commandCv_;
    std::optional<double> pendingLr_;
    std::vector<EpochMetrics> history_;
    FinishedEvent result_;
    std::unique_ptr<Run> run_;
};

// Keras-style history as CSV (epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds) and JSON.
void writeMetricsCsv(const std::vector<EpochMetrics> &history, const std::string &path);
void writeMetricsJson(const std::vector<EpochMetrics> &history, const std::string &path);

} // namespace strata
