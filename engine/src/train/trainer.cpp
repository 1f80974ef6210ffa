#include "strata/trainer.h"

#include "backends/host_backend.h"
#include "optim/optimizer.h"
#include "strata/backend.h"
#include "strata/evaluation.h"
#include "strata/network.h"
#include "strata/safetensors.h"
#include "strata/weights_file.h"
#include "train/checkpoint.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>

namespace strata {

using internal::Checkpoint;
using Clock = std::chrono::steady_clock;

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
    std::vector<int64_t> order;
    int epochs = 0;
    int startEpoch = 0;
    int startBatch = 0;
    LossTotals partial; // totals of an epoch interrupted by a checkpoint
    double bestValue = INFINITY;
    int bestEpoch = -1;
    int sinceBest = 0;
    std::vector<std::pair<std::string, Tensor>> bestWeights;
    std::array<uint64_t, 4> epochStartRng{};
};

Trainer::Trainer(Project project, std::string baseDir, TrainerOptions options)
    : project_(std::move(project)), baseDir_(std::move(baseDir)), options_(std::move(options))
{
}

Trainer::~Trainer()
{
    stop();
    wait();
}

void Trainer::start()
{
    wait();
    running_ = true;
    thread_ = std::thread([this] { run(); });
}

void Trainer::wait()
{
    if (thread_.joinable())
        thread_.join();
}

void Trainer::pause()
{
    paused_ = true;
}

void Trainer::resume()
{
    {
        std::lock_guard lock(commandMutex_);
        paused_ = false;
    }
    commandCv_.notify_all();
}

void Trainer::stop()
{
    {
        std::lock_guard lock(commandMutex_);
        stopRequested_ = true;
    }
    commandCv_.notify_all();
}

void Trainer::setLearningRate(double lr)
{
    std::lock_guard lock(commandMutex_);
    pendingLr_ = lr;
}

Network *Trainer::network()
{
    return run_ ? run_->network.get() : nullptr;
}

void Trainer::publish(const TrainingEvent &event)
{
    if (options_.observer)
        options_.observer(event);
}

FinishedEvent Trainer::run()
{
    running_ = true;
    stopRequested_ = false;
    history_.clear();
    run_ = std::make_unique<Run>();
    try {
        execute(*run_);
    } catch (const std::exception &e) {
        result_ = FinishedEvent{};
        result_.reason = FinishedEvent::Reason::Failed;
        result_.message = e.what();
        result_.epochsRun = static_cast<int>(history_.size());
    }
    publish(result_);
    running_ = false;
    return result_;
}

namespace {

std::string fixed(double v, int digits)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

// Checks the dataset against the model's input and output before anything runs.
void checkCompatibility(const Network &net, const Dataset &data, LossKind loss)
{
    const Shape in = net.inputShape();
    if (numel(in) != data.sampleSize())
        throw Error("The dataset's samples are " + toString(data.sampleShape) +
                    " but the model's Input expects " + toString(in) + ": set the Input layer to " +
                    toString(data.sampleShape) + " or pick a matching dataset");
    const int64_t k = numel(net.outputShape());
    const int classes = data.classCount();
    const std::string out = "The model gives " + std::to_string(k) + " output" +
                            (k == 1 ? "" : "s") + " but the dataset has " +
                            std::to_string(classes) + " classes";
    if (k == 1) {
        if (classes > 2)
            throw Error(out + ": set the last layer's units to " + std::to_string(classes));
        if (loss == LossKind::CrossEntropy)
            throw Error(out + ": cross-entropy needs one output per class; use 2 outputs, or "
                              "binary cross-entropy with a Sigmoid output");
    } else if (k != classes) {
        throw Error(out + ": set the last layer's units to " + std::to_string(classes));
    }
}

std::string rngToJson(const std::array<uint64_t, 4> &s)
{
    std::string out;
    for (uint64_t v : s)
        out += (out.empty() ? "" : ",") + std::to_string(v);
    return out;
}

std::array<uint64_t, 4> rngFromJson(const std::string &text)
{
    std::array<uint64_t, 4> s{};
    size_t pos = 0;
    for (auto &v : s) {
        size_t next = text.find(',', pos);
        v = std::stoull(text.substr(pos, next - pos));
        pos = next == std::string::npos ? text.size() : next + 1;
    }
    return s;
}

} // namespace

void Trainer::execute(Run &r)
{
    const TrainingSpec &spec = project_.training;
    r.epochs = options_.epochs.value_or(spec.epochs);
    const uint64_t seed = options_.seed.value_or(spec.seed);
    const LossKind loss = parseLossKind(spec.loss);
    setCpuThreads(spec.threads);

    publish(LogEvent{LogEvent::Level::Info, "Loading the dataset…"});
    r.data = loadDataset(project_.dataset, baseDir_);
    r.train = r.data.train;
    if (spec.validationSplit > 0) {
        // Keras' validation_split: the last fraction of the data, taken before shuffling.
        const int64_t n = r.train.size();
        const int64_t held = static_cast<int64_t>(std::floor(n * spec.validationSplit));
        if (held < 1 || held >= n)
            throw Error("A validation split of " + fixed(spec.validationSplit, 2) + " leaves " +
                        std::to_string(n - held) + " training and " + std::to_string(held) +
                        " validation samples: change the split or use more data");
        r.validation = r.train.slice(n - held, n);
        r.train = r.train.slice(0, n - held);
        r.validationSource = "validation split " + fixed(spec.validationSplit, 2);
    } else if (r.data.test) {
        r.validation = *r.data.test;
        r.validationSource = "test set";
    }
    if (r.train.size() == 0)
        throw Error("The training set is empty");

    r.backend = createBackend(options_.device.value_or(spec.device));
    r.network = std::make_unique<Network>(project_.graph, *r.backend, loss,
                                          parseInitConvention(spec.init), seed);
    checkCompatibility(*r.network, r.train, loss);
    if (spec.threads == 0) {
        // Tiny models lose more to thread synchronisation than they gain from a second core
        // (and would compete with the GUI thread): below ~20 MFLOP a step, one thread.
        const double stepFlops =
            3.0 * static_cast<double>(r.network->analysis().totalFlops) * spec.batchSize;
        setCpuThreads(stepFlops < 2e7 ? 1 : 0);
    }
    r.optimizer = makeOptimizer(spec.optimizer, *r.backend, r.network->parameters());
    r.schedule = std::make_unique<LrSchedule>(spec.schedule, spec.optimizer.lr, r.epochs);
    r.shuffleRng.reseed(seed + 1);

    if (!options_.resumeFrom.empty()) {
        Checkpoint c = internal::readCheckpoint(options_.resumeFrom);
        try {
            r.network->loadWeights(c.weights);
            r.optimizer->loadState(c.optimizer);
            const auto &s = c.state;
            r.schedule->loadState(s.at("schedule"));
            r.startEpoch = s.at("epoch").get<int>();
            r.startBatch = s.at("batch").get<int>();
            r.shuffleRng.setState(rngFromJson(s.at("shuffle_rng").get<std::string>()));
            r.network->dropoutRng().setState(rngFromJson(s.at("dropout_rng").get<std::string>()));
            r.partial.lossSum = s.at("partial_loss").get<double>();
            r.partial.correct = s.at("partial_correct").get<int64_t>();
            r.partial.count = s.at("partial_count").get<int64_t>();
            // JSON has no infinity: before the first epoch ends there is no best yet (null).
            const auto &best = s.at("best_value");
            r.bestValue = best.is_null() ? INFINITY : best.get<double>();
            r.bestEpoch = s.at("best_epoch").get<int>();
            r.sinceBest = s.at("since_best").get<int>();
            for (const auto &m : s.at("history"))
                history_.push_back(internal::epochMetricsFromJson(m));
            r.bestWeights = c.best;
        } catch (const nlohmann::json::exception &e) {
            throw Error(options_.resumeFrom + ": the checkpoint's training state is incomplete (" +
                        e.what() + ")");
        }
        publish(LogEvent{LogEvent::Level::Info, "Resumed from " + options_.resumeFrom +
                                                    " at epoch " +
                                                    std::to_string(r.startEpoch + 1) + ", batch " +
                                                    std::to_string(r.startBatch + 1)});
    }

    const int64_t n = r.train.size();
    const int batchSize = spec.batchSize;
    const int batches = static_cast<int>((n + batchSize - 1) / batchSize);
    StartedEvent started;
    started.device = r.backend->description();
    started.trainSamples = n;
    started.validationSamples = r.validation ? r.validation->size() : 0;
    started.batchesPerEpoch = batches;
    started.epochs = r.epochs;
    started.startEpoch = r.startEpoch;
    started.validationSource = r.validationSource;
    started.classNames = r.train.classNames;
    publish(started);

    Tensor x, y;
    r.order.resize(static_cast<size_t>(n));
    // shuffleState: the shuffle stream as it must be on resume, i.e. before the permutation
    // of `epoch` is drawn.
    auto writeCheckpointAt = [&](int epoch, int batch, const LossTotals &partial,
                                 const std::array<uint64_t, 4> &shuffleState) {
        if (options_.outDir.empty())
            return;
        Checkpoint c;
        c.weights = r.network->weightsToHost();
        c.optimizer = r.optimizer->state();
        c.best = r.bestWeights;
        nlohmann::json history = nlohmann::json::array();
        for (const auto &m : history_)
            history.push_back(internal::toJson(m));
        c.state = {{"epoch", epoch},
                   {"batch", batch},
                   {"shuffle_rng", rngToJson(shuffleState)},
                   {"dropout_rng", rngToJson(r.network->dropoutRng().state())},
                   {"schedule", r.schedule->state()},
                   {"partial_loss", partial.lossSum},
                   {"partial_correct", partial.correct},
                   {"partial_count", partial.count},
                   {"best_value", std::isfinite(r.bestValue) ? nlohmann::json(r.bestValue)
                                                             : nlohmann::json(nullptr)},
                   {"best_epoch", r.bestEpoch},
                   {"since_best", r.sinceBest},
                   {"history", history}};
        internal::writeCheckpoint(options_.outDir + "/checkpoint.safetensors", c);
    };
    if (!options_.outDir.empty())
        std::filesystem::create_directories(options_.outDir);

    result_ = FinishedEvent{};
    for (int epoch = r.startEpoch; epoch < r.epochs; ++epoch) {
        const double lr = r.schedule->currentLr();
        r.optimizer->setLearningRate(lr);
        r.epochStartRng = r.shuffleRng.state();
        std::iota(r.order.begin(), r.order.end(), 0);
        if (spec.shuffle)
            for (int64_t i = n - 1; i > 0; --i)
                std::swap(r.order[static_cast<size_t>(i)],
                          r.order[r.shuffleRng.below(static_cast<uint64_t>(i + 1))]);
        LossTotals epochTotals = epoch == r.startEpoch ? r.partial : LossTotals{};
        const int firstBatch = epoch == r.startEpoch ? r.startBatch : 0;
        const auto epochStart = Clock::now();
        int64_t seen = 0;
        for (int b = firstBatch; b < batches; ++b) {
            // Commands arrive between batches.
            {
                std::unique_lock lock(commandMutex_);
                if (paused_ && !stopRequested_) {
                    publish(LogEvent{LogEvent::Level::Info, "Paused"});
                    commandCv_.wait(lock, [&] { return !paused_ || stopRequested_; });
                    if (!stopRequested_)
                        publish(LogEvent{LogEvent::Level::Info, "Resumed"});
                }
                if (pendingLr_) {
                    r.schedule->override(*pendingLr_);
                    r.optimizer->setLearningRate(r.schedule->currentLr());
                    publish(LogEvent{LogEvent::Level::Info,
                                     "Learning rate set to " + std::to_string(*pendingLr_)});
                    pendingLr_.reset();
                }
            }
            if (stopRequested_) {
                // The same permutation is drawn again on resume.
                writeCheckpointAt(epoch, b, epochTotals, r.epochStartRng);
                result_.reason = FinishedEvent::Reason::Stopped;
                result_.message = "Stopped at epoch " + std::to_string(epoch + 1) + ", batch " +
                                  std::to_string(b + 1) +
                                  (options_.outDir.empty() ? "" : "; checkpoint written");
                result_.epochsRun = static_cast<int>(history_.size());
                return;
            }
            const int64_t first = static_cast<int64_t>(b) * batchSize;
            const int64_t count = std::min<int64_t>(batchSize, n - first);
            r.train.gather(r.order, first, count, x, y);
            r.network->trainStep(x, y);
            LossTotals t = r.network->takeTotals();
            if (!std::isfinite(t.lossSum) || !r.network->gradientsFinite()) {
                r.network->revertStepState();
                result_.reason = FinishedEvent::Reason::Diverged;
                result_.message =
                    "Training diverged at epoch " + std::to_string(epoch + 1) + ", batch " +
                    std::to_string(b + 1) + ": the " +
                    (std::isfinite(t.lossSum) ? std::string("gradients") : std::string("loss")) +
                    " became NaN or infinite, so this step was not applied. Lower the learning "
                    "rate (now " +
                    std::to_string(r.optimizer->learningRate()) +
                    ") or normalise the inputs. The weights are those of the last good step" +
                    (options_.outDir.empty() ? "." : "; the last checkpoint is kept.");
                result_.epochsRun = static_cast<int>(history_.size());
                return;
            }
            r.optimizer->step();
            epochTotals.lossSum += t.lossSum;
            epochTotals.correct += t.correct;
            epochTotals.count += t.count;
            seen += count;
            const double elapsed = std::chrono::duration<double>(Clock::now() - epochStart).count();
            BatchEvent be;
            be.epoch = epoch;
            be.batch = b;
            be.batches = batches;
            be.loss = t.lossSum / static_cast<double>(t.count);
            be.accuracy = static_cast<double>(t.correct) / static_cast<double>(t.count);
            be.learningRate = r.optimizer->learningRate();
            be.step = r.optimizer->stepCount();
            be.samplesPerSecond = elapsed > 0 ? static_cast<double>(seen) / elapsed : 0;
            publish(be);
        }
        const double seconds = std::chrono::duration<double>(Clock::now() - epochStart).count();

        EpochMetrics m;
        m.epoch = epoch;
        m.loss = epochTotals.lossSum / static_cast<double>(std::max<int64_t>(epochTotals.count, 1));
        m.accuracy = static_cast<double>(epochTotals.correct) /
                     static_cast<double>(std::max<int64_t>(epochTotals.count, 1));
        m.seconds = seconds;
        m.samplesPerSecond = seconds > 0 ? static_cast<double>(seen) / seconds : 0;
        m.learningRate = r.optimizer->learningRate();
        if (r.validation) {
            auto eval = evaluateDataset(*r.network, *r.validation, batchSize);
            m.hasValidation = true;
            m.valLoss = eval.loss;
            m.valAccuracy = eval.accuracy;
            m.confusion = std::move(eval.confusion);
        }
        const double monitored = m.hasValidation ? m.valLoss : m.loss;
        if (monitored < r.bestValue - 1e-12) {
            r.bestValue = monitored;
            r.bestEpoch = epoch;
            r.sinceBest = 0;
            m.best = true;
            if (spec.keepBest)
                r.bestWeights = r.network->weightsToHost();
        } else {
            r.sinceBest++;
        }
        history_.push_back(m);
        publish(EpochEvent{m});
        const double before = r.optimizer->learningRate();
        const double next = r.schedule->onEpochEnd(monitored);
        if (std::fabs(next - before) > 1e-15 * std::max(1.0, before) && epoch + 1 < r.epochs)
            publish(LogEvent{LogEvent::Level::Info, "Learning rate " + std::to_string(before) +
                                                        " → " + std::to_string(next)});
        writeCheckpointAt(epoch + 1, 0, {}, r.shuffleRng.state());
        if (spec.earlyStoppingPatience > 0 && r.sinceBest >= spec.earlyStoppingPatience &&
            epoch + 1 < r.epochs) {
            result_.reason = FinishedEvent::Reason::EarlyStopped;
            result_.message = "Early stop after epoch " + std::to_string(epoch + 1) + ": " +
                              (m.hasValidation ? "val_loss" : "loss") + " has not improved for " +
                              std::to_string(spec.earlyStoppingPatience) + " epochs";
            publish(LogEvent{LogEvent::Level::Info, result_.message});
            break;
        }
    }
    if (result_.reason != FinishedEvent::Reason::EarlyStopped) {
        result_.reason = FinishedEvent::Reason::Completed;
        result_.message = "Training completed: " + std::to_string(history_.size()) + " epochs";
    }
    result_.epochsRun = static_cast<int>(history_.size());
    result_.bestEpoch = r.bestEpoch;

    if (!options_.outDir.empty()) {
        saveWeights(options_.outDir + "/final.safetensors",
                    {r.network->weightsToHost(), r.data.normalization, r.train.classNames});
    }
    if (spec.keepBest && !r.bestWeights.empty()) {
        r.network->loadWeights(r.bestWeights);
        publish(LogEvent{LogEvent::Level::Info,
                         "Restored the weights of epoch " + std::to_string(r.bestEpoch + 1) +
                             ", the best (" + (r.validation ? "val_loss " : "loss ") +
                             fixed(r.bestValue, 4) + ")"});
    }
    if (!options_.outDir.empty()) {
        saveWeights(options_.outDir + "/best.safetensors",
                    {r.bestWeights.empty() ? r.network->weightsToHost() : r.bestWeights,
                     r.data.normalization, r.train.classNames});
        writeMetricsCsv(history_, options_.outDir + "/metrics.csv");
        writeMetricsJson(history_, options_.outDir + "/metrics.json");
    }
    if (r.data.test) {
        auto test = evaluateDataset(*r.network, *r.data.test, batchSize);
        result_.testLoss = test.loss;
        result_.testAccuracy = test.accuracy;
    }
}

} // namespace strata
