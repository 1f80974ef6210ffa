#pragma once
// What one training run builds and where it stands (trainer.cpp sets it up and finishes it,
// trainer_epoch.cpp runs the epochs).

#include "optim/optimizer.h"
#include "strata/dataset.h"
#include "strata/network.h"
#include "strata/rng.h"
#include "strata/trainer.h"
#include "train/batch_pipeline.h"
#include "train/divergence.h"
#include "train/live_profile.h"

#include <array>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>

namespace strata {

using Clock = std::chrono::steady_clock;

// Where a run with TrainerOptions::outDir writes its checkpoint.
inline std::string checkpointFile(const std::string &outDir)
{
    return outDir + "/checkpoint.safetensors";
}

// A step command under way (Trainer::stepBatch / stepEpoch). At namespace scope: clang
// cannot default-construct a nested struct with member initialisers inside std::optional
// while its enclosing class is being defined.
struct TrainerStepWatch
{
    uint64_t command = 0; // Trainer::stepCommands_ when it was asked for
    StepEvent::Kind kind = StepEvent::Kind::Batch;
    std::vector<std::pair<std::string, Tensor>> weights; // host copies at its start
    std::optional<double> lossBefore; // a batch step's: taken on its batch, before it
};

// Everything one run builds; kept after the run so the trained network can be used.
struct Trainer::Run
{
    DatasetBundle data;
    Dataset train;
    std::optional<Dataset> validation;
    std::string validationSource = "none";
    std::unique_ptr<Backend> backend;
    std::unique_ptr<Network> network;
    std::unique_ptr<Optimizer> optimizer;
    std::unique_ptr<LrSchedule> schedule;
    Rng shuffleRng;
    Rng augmentRng; // one key per epoch for the samples' augmentation streams
    std::unique_ptr<internal::BatchPipeline> pipeline;
    std::vector<int64_t> order;
    int epochs = 0;
    int startEpoch = 0;
    int startBatch = 0;
    LossTotals partial; // totals of an epoch interrupted by a checkpoint
    double bestValue = INFINITY;
    int bestEpoch = -1;
    int sinceBest = 0;
    std::vector<std::pair<std::string, Tensor>> bestWeights;
    std::array<uint64_t, 4> epochStartRng{};     // the shuffle stream's, at the epoch's start
    std::array<uint64_t, 4> epochStartAugment{}; // the augmentation stream's
    LossKind loss = LossKind::CrossEntropy;
    int batches = 0;        // per epoch
    int readEvery = 1;      // batches between reads of the totals and the guard
    bool lateGuard = false; // the guard answers at reads (readEvery > 1 or a device)
    Tensor x, y;            // the batch
    std::optional<internal::DivergenceWatch> watch; // finite divergence (see divergence.h)
    std::vector<TruthTableRow> truthTable; // the inputs asked at each epoch end (tiny sets only)

    // The epoch under way.
    LossTotals epochTotals; // of the batches read so far
    int64_t seen = 0;       // samples trained (read or not)
    int firstUnread = 0;    // the first batch since the last read
    Clock::time_point epochStart;
    int64_t lastSnapshotStep = 0; // the optimizer step of the last weights snapshot

    // A step under way (stepBatch, stepEpoch): where it started, for its StepEvent.
    using StepWatch = TrainerStepWatch;
    std::optional<StepWatch> step;

    // The live profile while profiling is on (Trainer::setProfiling); declared after the
    // network and the optimizer, which it detaches itself from when it goes.
    std::unique_ptr<internal::LiveProfile> live;
};

} // namespace strata
