// The epochs of a training run: batches, the commands between them, the NaN/Inf guard, the
// reads of the loss totals, and what each epoch ends with.

#include "strata/backend.h"
#include "strata/evaluation.h"
#include "strata/parameter_stats.h"
#include "strata/trainer.h"
#include "train/history_log.h"
#include "train/parameter_log.h"
#include "train/trainer_run.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace strata {

namespace {

// The trainable tensors' statistics: the weights already on the host, the gradients of the
// last batch read in place on the CPU, copied to the host from a device.
std::vector<ParameterStats>
trainableStats(Network &network, const std::vector<std::pair<std::string, Tensor>> &weights)
{
    std::vector<std::pair<std::string, Tensor>> trained, gradients;
    for (const Parameter &p : network.parameters()) {
        if (!p.trainable)
            continue;
        auto w = std::find_if(weights.begin(), weights.end(),
                              [&](const auto &named) { return named.first == p.name; });
        if (w != weights.end())
            trained.push_back(*w);
        if (!p.grad.defined())
            continue;
        if (network.backend().hostMemory()) {
            gradients.emplace_back(p.name, p.grad);
        } else {
            Tensor host;
            network.backend().copyToHost(p.grad, host);
            gradients.emplace_back(p.name, host.reshaped(p.grad.shape()));
        }
    }
    return parameterStats(trained, gradients);
}

double maxAbs(const std::vector<std::pair<std::string, Tensor>> &tensors)
{
    double m = 0;
    for (const auto &[name, t] : tensors)
        for (int64_t i = 0, n = t.numel(); i < n; ++i)
            m = std::max(m, static_cast<double>(std::fabs(t.data()[i])));
    return m;
}

// A learning rate as the studio shows it: 0.001, not 0.001000.
std::string rateText(double lr)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", lr);
    return text;
}

// The inference-mode loss on one batch (for a step's report). The totals it leaves are taken.
double batchLoss(Network &network, const Tensor &x, const Tensor &y)
{
    // Nothing unread is pending where steps measure: before a step's batch, and after its
    // totals were read (reportStep).
    network.evaluate(x, &y);
    const LossTotals t = network.takeTotals();
    return t.count > 0 ? t.lossSum / static_cast<double>(t.count) : 0;
}

} // namespace

// Trains the batches of one epoch; false when the run ended inside it (stopped or diverged).
bool Trainer::runEpoch(Run &r, int epoch)
{
    r.optimizer->setLearningRate(r.schedule->currentLr());
    r.epochStartRng = r.shuffleRng.state();
    std::iota(r.order.begin(), r.order.end(), 0);
    if (project_.training.shuffle)
        for (int64_t i = static_cast<int64_t>(r.order.size()) - 1; i > 0; --i)
            std::swap(r.order[static_cast<size_t>(i)],
                      r.order[r.shuffleRng.below(static_cast<uint64_t>(i + 1))]);
    r.epochStartAugment = r.augmentRng.state();
    r.epochTotals = epoch == r.startEpoch ? r.partial : LossTotals{};
    r.firstUnread = epoch == r.startEpoch ? r.startBatch : 0;
    r.pipeline->startEpoch(r.order, r.augmentRng.next(), r.firstUnread);
    r.epochStart = Clock::now();
    r.seen = 0;
    if (r.lateGuard && epoch == r.startEpoch)
        r.network->keepWeights(); // later, each clean read keeps them
    for (int b = r.firstUnread; b < r.batches; ++b) {
        // A pause shows the figures of every batch trained (a step's among them).
        if (paused_ && r.lateGuard && b > r.firstUnread && !readTotals(r, epoch, b - 1))
            return false;
        applyCommands(r);
        if (stopRequested_) {
            stopAt(r, epoch, b);
            return false;
        }
        if (!trainBatch(r, epoch, b))
            return false;
        const bool due = b + 1 - r.firstUnread >= r.readEvery || b + 1 == r.batches;
        if (r.lateGuard && due && !readTotals(r, epoch, b))
            return false;
        if (countStep(false) && !reportStep(r, epoch, b))
            return false;
    }
    return true;
}

bool Trainer::countStep(bool epochEnded)
{
    std::lock_guard lock(commandMutex_);
    if (!epochEnded && stepBatches_ > 0 && --stepBatches_ == 0) {
        paused_ = true;
        return true;
    }
    if (epochEnded && stepToEpochEnd_) {
        stepToEpochEnd_ = false;
        paused_ = true;
        return true;
    }
    return false;
}

void Trainer::watchStep(Run &r)
{
    uint64_t command = 0;
    std::optional<StepEvent::Kind> kind;
    {
        std::lock_guard lock(commandMutex_);
        command = stepCommands_;
        if (stepToEpochEnd_)
            kind = StepEvent::Kind::Epoch;
        else if (stepBatches_ > 0)
            kind = StepEvent::Kind::Batch;
    }
    if (!kind) { // none asked for, or resume() cancelled it
        r.step.reset();
        return;
    }
    if (r.step && r.step->command == command)
        return; // the step under way
    r.step.emplace();
    r.step->command = command;
    r.step->kind = *kind;
    r.step->weights = r.network->weightsToHost();
    if (*kind == StepEvent::Kind::Epoch)
        r.step->lossBefore = evaluateDataset(*r.network, r.train, project_.training.batchSize).loss;
}

bool Trainer::reportStep(Run &r, int epoch, int b)
{
    if (!r.step)
        return true;
    Run::StepWatch watch = std::move(*r.step);
    r.step.reset();
    // The step's batches are read before anything else is evaluated (their totals would mix).
    if (r.lateGuard && b >= r.firstUnread && !readTotals(r, epoch, b))
        return false;
    StepEvent e;
    e.kind = watch.kind;
    e.epoch = epoch;
    e.batch = b;
    e.batches = r.batches;
    if (watch.kind == StepEvent::Kind::Epoch) {
        e.lossBefore = watch.lossBefore.value_or(0);
        e.lossAfter = evaluateDataset(*r.network, r.train, project_.training.batchSize).loss;
    } else {
        e.lossBefore = watch.lossBefore.value_or(0);
        e.lossAfter = batchLoss(*r.network, r.x, r.y);
    }
    // Per node, over its trainable weights; BatchNorm's running statistics are not learned.
    const std::vector<std::pair<std::string, Tensor>> after = r.network->weightsToHost();
    const std::vector<Parameter> &params = r.network->parameters();
    std::vector<std::pair<std::string, double>> sums; // node id, sum of squares, in order
    for (size_t i = 0; i < params.size() && i < after.size() && i < watch.weights.size(); ++i) {
        if (!params[i].trainable)
            continue;
        const std::string &name = params[i].name;
        const std::string node = name.substr(0, name.rfind('.'));
        if (sums.empty() || sums.back().first != node)
            sums.emplace_back(node, 0.0);
        const Tensor &now = after[i].second, &then = watch.weights[i].second;
        for (int64_t k = 0, n = std::min(now.numel(), then.numel()); k < n; ++k) {
            const double d = double(now.data()[k]) - double(then.data()[k]);
            sums.back().second += d * d;
        }
    }
    for (const auto &[node, sum] : sums) {
        const Node *n = project_.graph.find(node);
        e.changes.push_back({node, n ? n->name : node, std::sqrt(sum)});
    }
    std::stable_sort(e.changes.begin(), e.changes.end(),
                     [](const LayerChange &a, const LayerChange &c) { return a.norm > c.norm; });
    publish(e);
    return true;
}

void Trainer::publishSnapshot(Run &r, int epoch, int batches, bool epochEnd,
                              std::vector<std::pair<std::string, Tensor>> weights)
{
    auto snapshot = std::make_shared<WeightsSnapshot>();
    snapshot->epoch = epoch;
    snapshot->batch = batches;
    snapshot->step = r.optimizer->stepCount();
    snapshot->epochEnd = epochEnd;
    snapshot->weights = std::move(weights);
    r.lastSnapshotStep = snapshot->step;
    options_.onSnapshot(std::move(snapshot));
}

// Pause, resume and learning-rate changes, between two batches.
void Trainer::applyCommands(Run &r)
{
    std::unique_lock lock(commandMutex_);
    if (paused_ && !stopRequested_) {
        publish(LogEvent{LogEvent::Level::Info, "Paused"});
        commandCv_.wait(lock, [&] { return !paused_ || stopRequested_; });
        if (!stopRequested_)
            publish(LogEvent{LogEvent::Level::Info, "Resumed"});
    }
    const bool stepping = stepBatches_ > 0 || stepToEpochEnd_;
    if (pendingLr_) {
        r.schedule->override(*pendingLr_);
        r.optimizer->setLearningRate(r.schedule->currentLr());
        publish(LogEvent{LogEvent::Level::Info, "Learning rate set to " + rateText(*pendingLr_)});
        pendingLr_.reset();
    }
    lock.unlock();
    if (stepping || r.step)
        watchStep(r); // nothing for a run without steps
}

// One step. Where reads are free the guard checks it before it is applied (false: diverged);
// otherwise the check is only noted, to be read by readTotals.
bool Trainer::trainBatch(Run &r, int epoch, int b)
{
    r.pipeline->take(b, r.x, r.y);
    const int64_t count = r.x.dim(0);
    if (r.step && r.step->kind == StepEvent::Kind::Batch && !r.step->lossBefore)
        r.step->lossBefore = batchLoss(*r.network, r.x, r.y);
    followProfiling(r);
    if (r.live)
        r.live->beginStep();
    // The epoch's parameter statistics read the last batch's gradients: that step computes
    // them all.
    r.network->setFusedUpdates(r.optimizer->plainSgd() &&
                               !(options_.parameterStats && b + 1 == r.batches));
    r.network->trainStep(r.x, r.y);
    r.seen += count;
    if (r.lateGuard) {
        r.network->noteNonFiniteGradients();
        r.optimizer->step();
        if (r.live)
            r.live->endStep(epoch, b);
        return true;
    }
    const LossTotals t = r.network->takeTotals();
    std::optional<std::string> why;
    if (!std::isfinite(t.lossSum) || !r.network->gradientsFinite())
        why = std::string("the ") + (std::isfinite(t.lossSum) ? "gradients" : "loss") +
              " became NaN or infinite";
    else
        why = r.watch->onBatchLoss(t.lossSum / static_cast<double>(t.count));
    if (why) {
        r.live.reset(); // its step does not end
        r.network->revertStepState();
        diverged(r, epoch, b, b, *why);
        return false;
    }
    r.optimizer->step();
    if (r.live)
        r.live->endStep(epoch, b);
    publishBatch(r, epoch, b, t);
    return true;
}

// Starts or ends the live profile as setProfiling() last asked.
void Trainer::followProfiling(Run &r)
{
    if (!profiling_) {
        r.live.reset();
        return;
    }
    if (!r.live)
        r.live = std::make_unique<internal::LiveProfile>(
            *r.network, *r.optimizer, *r.backend, project_.training.batchSize, options_.onProfile,
            options_.profilePeriodSeconds, options_.profileStepsPerPeriod, project_.name);
}

// The late guard's read: the totals and the answer for the batches since the last read (one
// wait on a device). False when one of them was not finite: the weights go back to the last
// clean read's.
bool Trainer::readTotals(Run &r, int epoch, int b)
{
    const LossTotals t = r.network->takeTotals();
    if (r.backend->takeNonFinite() || !std::isfinite(t.lossSum)) {
        r.network->restoreKeptWeights();
        diverged(r, epoch, r.firstUnread, b, "the loss or the gradients became NaN or infinite");
        return false;
    }
    if (auto why = r.watch->onBatchLoss(t.lossSum / static_cast<double>(t.count))) {
        r.network->restoreKeptWeights();
        diverged(r, epoch, r.firstUnread, b, *why);
        return false;
    }
    r.network->keepWeights();
    r.firstUnread = b + 1;
    publishBatch(r, epoch, b, t);
    return true;
}

// Adds the totals of the batches read up to b to the epoch's, and says so.
void Trainer::publishBatch(Run &r, int epoch, int b, const LossTotals &t)
{
    r.epochTotals.lossSum += t.lossSum;
    r.epochTotals.correct += t.correct;
    r.epochTotals.count += t.count;
    const double elapsed = std::chrono::duration<double>(Clock::now() - r.epochStart).count();
    BatchEvent be;
    be.epoch = epoch;
    be.batch = b;
    be.batches = r.batches;
    be.loss = t.lossSum / static_cast<double>(t.count);
    be.accuracy = static_cast<double>(t.correct) / static_cast<double>(t.count);
    be.learningRate = r.optimizer->learningRate();
    be.step = r.optimizer->stepCount();
    be.samplesPerSecond = elapsed > 0 ? static_cast<double>(r.seen) / elapsed : 0;
    publish(be);
    // The epoch's last batch is followed by the epoch end's snapshot.
    if (options_.snapshotEvery > 0 && options_.onSnapshot && snapshotting_ && b + 1 < r.batches &&
        be.step - r.lastSnapshotStep >= options_.snapshotEvery)
        publishSnapshot(r, epoch, b + 1, false, r.network->weightsToHost());
}

// A stop before batch b: the checkpoint resumes there (the same permutation is drawn again).
void Trainer::stopAt(Run &r, int epoch, int b)
{
    if (r.lateGuard && b > r.firstUnread && !readTotals(r, epoch, b - 1))
        return; // diverged: the last checkpoint is kept
    writeCheckpointAt(r, epoch, b, r.epochTotals, true);
    result_.reason = FinishedEvent::Reason::Stopped;
    // Counted as the progress display counts: completed epochs, then the batches of the
    // unfinished one.
    result_.message =
        "Stopped after " + std::to_string(epoch) + " of " + std::to_string(r.epochs) + " epochs";
    if (b > 0)
        result_.message += " and " + std::to_string(b) + " of " + std::to_string(r.batches) +
                           " batches of epoch " + std::to_string(epoch + 1);
    if (!options_.outDir.empty())
        result_.message += "; checkpoint written to " + checkpointFile(options_.outDir);
    result_.epochsRun = static_cast<int>(history_.size());
}

// Ends the run on divergence found for batches first..last; `why` says what was seen ("the loss
// became NaN or infinite"). Nothing of it is written: the last checkpoint stays the last good one.
void Trainer::diverged(Run &r, int epoch, int first, int last, const std::string &why)
{
    const std::string where =
        first == last ? "batch " + std::to_string(first + 1)
                      : "batches " + std::to_string(first + 1) + " to " + std::to_string(last + 1);
    result_.reason = FinishedEvent::Reason::Diverged;
    result_.message =
        "Training diverged at epoch " + std::to_string(epoch + 1) + ", " + where + ": " + why;
    if (r.lateGuard && first != last)
        result_.message += " (checked every " + std::to_string(r.readEvery) + " batches)";
    result_.message += ". Lower the learning rate (now " + rateText(r.optimizer->learningRate()) +
                       ") or normalise the inputs.";
    if (!options_.outDir.empty())
        result_.message += history_.empty()
                               ? " No checkpoint was written (no epoch ended before it)."
                               : " The last checkpoint, from the end of epoch " +
                                     std::to_string(history_.size()) + ", is kept.";
    result_.epochsRun = static_cast<int>(history_.size());
}

// The epoch's figures, validation, keep-best, the schedule, the checkpoint; true when the run
// ends here (early stopping, or divergence: then result_ says so).
bool Trainer::endEpoch(Run &r, int epoch)
{
    const TrainingSpec &spec = project_.training;
    const double seconds = std::chrono::duration<double>(Clock::now() - r.epochStart).count();
    EpochMetrics m;
    m.epoch = epoch;
    const double count = static_cast<double>(std::max<int64_t>(r.epochTotals.count, 1));
    m.loss = r.epochTotals.lossSum / count;
    m.accuracy = static_cast<double>(r.epochTotals.correct) / count;
    m.seconds = seconds;
    m.samplesPerSecond = seconds > 0 ? static_cast<double>(r.seen) / seconds : 0;
    m.dataWaitSeconds = r.pipeline->takeWaitSeconds();
    m.learningRate = r.optimizer->learningRate();
    // A diverged epoch never becomes a checkpoint: the last one stays the last good one.
    // One host copy of the weights serves the divergence check, keep-best and the checkpoint.
    const std::vector<std::pair<std::string, Tensor>> weights = r.network->weightsToHost();
    if (auto why = r.watch->onEpochEnd(m.loss, maxAbs(weights))) {
        diverged(r, epoch, 0, r.batches - 1, *why);
        return true;
    }
    if (r.validation) {
        auto eval = evaluateDataset(*r.network, *r.validation, spec.batchSize);
        m.hasValidation = true;
        m.valLoss = eval.loss;
        m.valAccuracy = eval.accuracy;
        m.confusion = std::move(eval.confusion);
    }
    if (!r.truthTable.empty()) {
        fillTruthTable(*r.network, r.truthTable);
        m.truthTable = r.truthTable;
    }
    if (options_.parameterStats)
        m.parameters = trainableStats(*r.network, weights);
    const double monitored = m.hasValidation ? m.valLoss : m.loss;
    if (monitored < r.bestValue - 1e-12) {
        r.bestValue = monitored;
        r.bestEpoch = epoch;
        r.sinceBest = 0;
        m.best = true;
        if (spec.keepBest)
            r.bestWeights = weights;
    } else {
        r.sinceBest++;
    }
    history_.push_back(m);
    if (options_.snapshotEvery > 0 && options_.onSnapshot && snapshotting_)
        publishSnapshot(r, epoch, r.batches, true, weights);
    if (!options_.outDir.empty()) {
        internal::appendHistoryLog(historyPath(), m); // before the checkpoint that counts it
        internal::appendParameterLog(parameterLogPath(), m);
    }
    publish(EpochEvent{m});
    const double before = r.optimizer->learningRate();
    const double next = r.schedule->onEpochEnd(monitored);
    if (std::fabs(next - before) > 1e-15 * std::max(1.0, before) && epoch + 1 < r.epochs)
        publish(LogEvent{LogEvent::Level::Info,
                         "Learning rate " + rateText(before) + " → " + rateText(next)});
    writeCheckpointAt(r, epoch + 1, 0, {}, false, &weights);
    if (spec.earlyStoppingPatience > 0 && r.sinceBest >= spec.earlyStoppingPatience &&
        epoch + 1 < r.epochs) {
        result_.reason = FinishedEvent::Reason::EarlyStopped;
        result_.message = "Early stop after epoch " + std::to_string(epoch + 1) + ": " +
                          (m.hasValidation ? "val_loss" : "loss") + " has not improved for " +
                          std::to_string(spec.earlyStoppingPatience) + " epochs";
        publish(LogEvent{LogEvent::Level::Info, result_.message});
        return true;
    }
    return false;
}

} // namespace strata
