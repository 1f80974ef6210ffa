#pragma once
// What a training run reports, as plain values, and a thread-safe queue the studio drains on
// a timer so the GUI never waits on training.

#include "strata/dataset.h"
#include "strata/parameter_stats.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace strata {

// One row of a tiny tabular set's truth table (the logic gates): an input, its label in the
// data and what the model answers for it.
struct TruthTableRow
{
    std::vector<float> inputs;
    int target = -1; // the label in the data; -1: the input is not in the data (asked, not taught)
    std::vector<float> outputs; // the model's probabilities (one value for a sigmoid output)
    int predicted = -1;         // the class those outputs choose
};

struct EpochMetrics
{
    int epoch = 0; // 0-based
    double loss = 0, accuracy = 0;
    bool hasValidation = false;
    double valLoss = 0, valAccuracy = 0;
    double seconds = 0;          // training part of the epoch
    double samplesPerSecond = 0; // training samples / seconds
    double dataWaitSeconds = 0;  // of seconds, the time steps waited for their batch
    double learningRate = 0;
    bool best = false;                           // the best monitored value so far
    std::vector<std::vector<int64_t>> confusion; // [true class][predicted class], validation
    // The model's outputs for every input of a tiny tabular set (see truthTableRows); empty
    // for any other data.
    std::vector<TruthTableRow> truthTable;
    // Each trainable tensor's weights after the epoch and gradients of its last batch
    // (TrainerOptions::parameterStats); empty when not asked for.
    std::vector<ParameterStats> parameters;
};

struct StartedEvent
{
    std::string device;
    int64_t trainSamples = 0, validationSamples = 0;
    int batchesPerEpoch = 0;
    int epochs = 0;
    int startEpoch = 0;           // > 0 when resumed
    int startBatch = 0;           // > 0 when resumed mid-epoch
    std::string validationSource; // "validation split 0.3", "test set", "none"
    std::vector<std::string> classNames;
    // How the run's inputs were normalised (the statistics of its training data): what a
    // probe's own inputs need to match them.
    Normalization normalization;
};

struct BatchEvent
{
    int epoch = 0, batch = 0, batches = 0; // 0-based epoch and batch
    // This batch's; when the totals are read every few batches (TrainerOptions::readEvery),
    // those of the batches since the previous event, up to and including this one.
    double loss = 0, accuracy = 0;
    double learningRate = 0;
    int64_t step = 0;            // optimizer steps so far
    double samplesPerSecond = 0; // over the epoch so far
};

struct EpochEvent
{
    EpochMetrics metrics;
};

// How much one layer's weights moved over a step: the L2 norm of (after - before) over all
// of its trainable weights (kernel and bias together).
struct LayerChange
{
    std::string node; // the node's id
    std::string name; // its name, as the canvas shows it
    double norm = 0;
};

// A step command (Trainer::stepBatch / stepEpoch) is complete and the run paused after it.
// Only stepping pays for what this reports: the losses are inference-mode evaluations (the
// step's batch for a batch step; the whole training set for an epoch step) before and after
// the step, and the weights are copied to the host once at each end.
struct StepEvent
{
    enum class Kind { Batch, Epoch };
    Kind kind = Kind::Batch;
    int epoch = 0, batch = 0, batches = 0; // 0-based; the last batch the step trained
    double lossBefore = 0, lossAfter = 0;
    std::vector<LayerChange> changes; // every layer with weights, largest change first
};

struct LogEvent
{
    enum class Level { Info, Warning, Error };
    Level level = Level::Info;
    std::string message;
};

struct FinishedEvent
{
    enum class Reason { Completed, Stopped, EarlyStopped, Diverged, Failed };
    Reason reason = Reason::Completed;
    std::string message;
    int epochsRun = 0;
    int bestEpoch = -1;
    std::optional<double> testLoss, testAccuracy;
};

using TrainingEvent =
    std::variant<StartedEvent, BatchEvent, EpochEvent, StepEvent, LogEvent, FinishedEvent>;

std::string toString(FinishedEvent::Reason reason);

// Many producers, one consumer; push never blocks for long, drain takes everything queued.
class EventQueue
{
public:
    void push(TrainingEvent event);
    std::vector<TrainingEvent> drain();
    // Waits up to timeoutMs for an event (for headless clients).
    std::vector<TrainingEvent> waitAndDrain(int timeoutMs);

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<TrainingEvent> events_;
};

} // namespace strata
