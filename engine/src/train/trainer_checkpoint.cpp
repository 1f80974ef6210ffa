// A run's checkpoints: restoring one on resume (every field checked first) and writing one
// at a stop or an epoch's end, with the epoch checkpoints kept beside it.

#include "optim/optimizer.h"
#include "strata/network.h"
#include "strata/trainer.h"
#include "train/checkpoint.h"
#include "train/checkpoint_fields.h"
#include "train/history_log.h"
#include "train/trainer_run.h"

#include <cmath>
#include <filesystem>

namespace strata {

using internal::Checkpoint;

namespace {

// An RNG stream's state as the checkpoint keeps it: four numbers, comma-separated.
std::string rngToJson(const std::array<uint64_t, 4> &s)
{
    std::string out;
    for (uint64_t v : s) {
        if (!out.empty())
            out += ',';
        out += std::to_string(v);
    }
    return out;
}

} // namespace

void Trainer::restoreCheckpoint(Run &r)
{
    const std::string &path = options_.resumeFrom;
    Checkpoint c = internal::readCheckpoint(path);
    const internal::CheckpointFields f(path, c.state);
    // Every field is checked against this project and dataset before anything uses it.
    const int batchSize = project_.training.batchSize;
    r.startEpoch =
        static_cast<int>(f.integer("epoch", 0, r.epochs,
                                   "this run trains " + std::to_string(r.epochs) +
                                       " epochs (pass --epochs with at least the checkpoint's)"));
    r.startBatch =
        static_cast<int>(f.integer("batch", 0, r.batches - 1,
                                   "an epoch of this dataset has " + std::to_string(r.batches) +
                                       " batches of " + std::to_string(batchSize)));
    r.partial.count = f.integer("partial_count", 0, int64_t(r.startBatch) * batchSize,
                                "the epoch's first " + std::to_string(r.startBatch) +
                                    " batches hold no more samples");
    r.partial.correct =
        f.integer("partial_correct", 0, r.partial.count, "no more samples were counted");
    r.partial.lossSum = f.number("partial_loss", 0, INFINITY);
    r.bestEpoch = static_cast<int>(
        f.integer("best_epoch", -1, r.startEpoch - 1, "only earlier epochs can be the best"));
    r.sinceBest =
        static_cast<int>(f.integer("since_best", 0, r.startEpoch, "no more epochs have ended"));
    // JSON has no infinity: before the first epoch ends there is no best yet (null).
    r.bestValue = f.isNull("best_value") ? INFINITY : f.number("best_value", -INFINITY, INFINITY);
    r.shuffleRng.setState(f.rngState("shuffle_rng"));
    // Checkpoints written before augmentation existed have no stream for it: a run that did
    // not augment drew nothing from it.
    if (c.state.contains("augment_rng"))
        r.augmentRng.setState(f.rngState("augment_rng"));
    r.network->dropoutRng().setState(f.rngState("dropout_rng"));
    std::vector<EpochMetrics> history = f.history(r.startEpoch);
    f.check("weights", [&] { r.network->loadWeights(c.weights); });
    f.check("optimizer state", [&] { r.optimizer->loadState(c.optimizer); });
    const nlohmann::json &schedule = f.field("schedule");
    f.check("learning-rate schedule", [&] { r.schedule->loadState(schedule); });
    history_ = std::move(history);
    r.bestWeights = c.best;
    publish(LogEvent{LogEvent::Level::Info, "Resumed from " + path + " at epoch " +
                                                std::to_string(r.startEpoch + 1) + ", batch " +
                                                std::to_string(r.startBatch + 1)});
}

// The streams are saved as they must be on resume, i.e. before the permutation and the
// augmentation key of `epoch` are drawn.
void Trainer::writeCheckpointAt(Run &r, int epoch, int batch, const LossTotals &partial,
                                bool atEpochStart,
                                const std::vector<std::pair<std::string, Tensor>> *hostWeights)
{
    const auto shuffleState = atEpochStart ? r.epochStartRng : r.shuffleRng.state();
    const auto augmentState = atEpochStart ? r.epochStartAugment : r.augmentRng.state();
    if (options_.outDir.empty())
        return;
    Checkpoint c;
    c.weights = hostWeights ? *hostWeights : r.network->weightsToHost();
    c.optimizer = r.optimizer->state();
    c.best = r.bestWeights;
    c.state = {{"epoch", epoch},
               {"batch", batch},
               {"shuffle_rng", rngToJson(shuffleState)},
               {"augment_rng", rngToJson(augmentState)},
               {"dropout_rng", rngToJson(r.network->dropoutRng().state())},
               {"schedule", r.schedule->state()},
               {"partial_loss", partial.lossSum},
               {"partial_correct", partial.correct},
               {"partial_count", partial.count},
               {"best_value",
                std::isfinite(r.bestValue) ? nlohmann::json(r.bestValue) : nlohmann::json(nullptr)},
               {"best_epoch", r.bestEpoch},
               {"since_best", r.sinceBest},
               // The first `epoch` lines of this file, beside the checkpoint, are the history.
               {"history_file", internal::kHistoryFileName}};
    internal::writeCheckpoint(checkpointFile(options_.outDir), c);
    if (batch == 0 && epoch > 0 && options_.keepCheckpoints > 0)
        keepEpochCheckpoint(r, epoch);
}

// The checkpoint just written, after `epochs` epochs, kept as checkpoints/epoch-N: a hard
// link (the next checkpoint replaces checkpoint.safetensors by a rename, so the link keeps
// this one's bytes), or a copy where links are not possible. Older ones beyond
// keepCheckpoints go, except the best epoch's.
void Trainer::keepEpochCheckpoint(Run &r, int epochs)
{
    namespace fs = std::filesystem;
    const fs::path folder = fs::path(options_.outDir) / "checkpoints";
    const auto name = [](int n) { return "epoch-" + std::to_string(n) + ".safetensors"; };
    std::error_code ec;
    fs::create_directories(folder, ec);
    const fs::path kept = folder / name(epochs);
    fs::remove(kept, ec);
    fs::create_hard_link(checkpointFile(options_.outDir), kept, ec);
    if (ec)
        fs::copy_file(checkpointFile(options_.outDir), kept, ec);
    if (ec) {
        publish(LogEvent{LogEvent::Level::Warning,
                         "Could not keep the checkpoint of epoch " + std::to_string(epochs) +
                             " in " + folder.string() + " (" + ec.message() + ")"});
        return;
    }
    std::vector<int> numbers;
    for (const auto &entry : fs::directory_iterator(folder, ec)) {
        const std::string file = entry.path().filename().string();
        int n = 0;
        if (std::sscanf(file.c_str(), "epoch-%d.safetensors", &n) == 1 && file == name(n))
            numbers.push_back(n);
    }
    std::sort(numbers.begin(), numbers.end(), std::greater<>());
    const int best = r.bestEpoch + 1; // the checkpoint after the best epoch holds its weights
    int recent = 0;
    for (int n : numbers) {
        if (n > epochs)
            fs::remove(folder / name(n), ec); // a previous session's, beyond this resume point
        else if (recent++ >= options_.keepCheckpoints && n != best)
            fs::remove(folder / name(n), ec);
    }
}

} // namespace strata
