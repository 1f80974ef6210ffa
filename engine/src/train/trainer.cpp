#include "strata/trainer.h"

#include "backends/host_backend.h"
#include "optim/optimizer.h"
#include "strata/backend.h"
#include "strata/evaluation.h"
#include "strata/memory.h"
#include "strata/misclassified.h"
#include "strata/network.h"
#include "strata/project_check.h"
#include "strata/safetensors.h"
#include "strata/weights_file.h"
#include "train/checkpoint.h"
#include "train/checkpoint_fields.h"
#include "train/cpu_threads.h"
#include "train/history_log.h"
#include "train/parameter_log.h"
#include "train/trainer_run.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

namespace strata {

using internal::Checkpoint;

Trainer::Trainer(Project project, std::string baseDir, TrainerOptions options)
    : project_(std::move(project)), baseDir_(std::move(baseDir)), options_(std::move(options))
{
    if (!(options_.profilePeriodSeconds > 0) || options_.profileStepsPerPeriod < 1)
        throw Error("The live profile needs a period above 0 seconds and at least one step "
                    "timed in it");
    profiling_ = options_.profile;
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
        stepBatches_ = 0;
        stepToEpochEnd_ = false;
    }
    commandCv_.notify_all();
}

void Trainer::stepBatch()
{
    {
        std::lock_guard lock(commandMutex_);
        stepBatches_ = 1;
        stepToEpochEnd_ = false;
        ++stepCommands_;
        paused_ = false;
    }
    commandCv_.notify_all();
}

void Trainer::stepEpoch()
{
    {
        std::lock_guard lock(commandMutex_);
        stepBatches_ = 0;
        stepToEpochEnd_ = true;
        ++stepCommands_;
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
    // A stop that came before the run began is kept (it is cleared when a run ends), so
    // stopping right after starting, from another thread, is never lost.
    running_ = true;
    history_.clear();
    run_ = std::make_unique<Run>();
    try {
        execute(*run_);
    } catch (const std::bad_alloc &) {
        result_ = FinishedEvent{};
        result_.reason = FinishedEvent::Reason::Failed;
        result_.message = "Ran out of memory while " + stage_ +
                          ": the model, its batch or the dataset does not fit in this machine's "
                          "memory; use a smaller batch size, fewer units or a subset of the data";
        result_.epochsRun = static_cast<int>(history_.size());
    } catch (const std::exception &e) {
        result_ = FinishedEvent{};
        result_.reason = FinishedEvent::Reason::Failed;
        result_.message = e.what();
        result_.epochsRun = static_cast<int>(history_.size());
    }
    run_->pipeline.reset(); // its thread ends with the run (the network stays for use)
    if (run_->live && result_.reason != FinishedEvent::Reason::Failed)
        run_->live->flush(); // a run shorter than a period is profiled too
    run_->live.reset();      // no profiler stays attached to the trained network
    {
        std::lock_guard lock(commandMutex_);
        stopRequested_ = false;
        stepBatches_ = 0;
        stepToEpochEnd_ = false;
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

} // namespace

void Trainer::execute(Run &r)
{
    // Refused before the dataset loads: a model without weights has nothing to learn.
    if (auto problem = nothingToTrain(analyze(project_.graph)))
        throw Error(problem->message);
    stage_ = "loading the dataset";
    if (!prepareData(r))
        return;
    stage_ = "building the network";
    buildNetwork(r);
    stage_ = "training";
    if (!options_.resumeFrom.empty())
        restoreCheckpoint(r);
    publishStarted(r);
    if (!options_.outDir.empty()) {
        std::filesystem::create_directories(options_.outDir);
        // The history so far (a resumed run's; none: no file until an epoch ends), then a
        // line per epoch: see history_log.h. An earlier run's log must not be appended to.
        if (history_.empty())
            std::filesystem::remove(historyPath());
        else
            internal::writeHistoryLog(historyPath(), history_);
        // The statistics of a resumed run's epochs come from beside its checkpoint; lost or
        // damaged ones only leave those epochs without them.
        if (!options_.resumeFrom.empty())
            internal::readParameterLog((std::filesystem::path(options_.resumeFrom).parent_path() /
                                        internal::kParameterLogFileName)
                                           .string(),
                                       history_);
        internal::writeParameterLog(parameterLogPath(), history_);
    }

    result_ = FinishedEvent{};
    for (int epoch = r.startEpoch; epoch < r.epochs; ++epoch) {
        if (!runEpoch(r, epoch))
            return; // stopped or diverged
        if (endEpoch(r, epoch)) {
            if (result_.reason == FinishedEvent::Reason::Diverged)
                return; // nothing of the diverged epoch is written
            break;      // early stop
        }
        if (countStep(true) && !reportStep(r, epoch, r.batches - 1))
            return; // diverged
    }
    finish(r);
}

namespace {

// Thrown by the load's progress callback when a stop comes: the load ends at once.
struct StoppedWhileLoading
{
};

} // namespace

// Loads the dataset and holds back the validation part; false when a stop came during the
// load (the run has then ended, with nothing trained).
bool Trainer::prepareData(Run &r)
{
    const TrainingSpec &spec = project_.training;
    publish(LogEvent{LogEvent::Level::Info, "Loading the dataset…"});
    // Pictures decoded from folders take a while: say how far, about once a second, and
    // let a stop end the load.
    auto lastReport = std::chrono::steady_clock::now();
    const auto progress = [&](int64_t done, int64_t total) {
        if (stopRequested_)
            throw StoppedWhileLoading{};
        const auto now = std::chrono::steady_clock::now();
        if (done < total && now - lastReport < std::chrono::seconds(1))
            return;
        lastReport = now;
        publish(LogEvent{LogEvent::Level::Info, "Decoding pictures: " + std::to_string(done) +
                                                    " of " + std::to_string(total)});
    };
    try {
        r.data = loadDataset(project_.dataset, baseDir_, progress);
    } catch (const StoppedWhileLoading &) {
        result_ = FinishedEvent{};
        result_.reason = FinishedEvent::Reason::Stopped;
        result_.message = "Stopped while loading the dataset: nothing was trained";
        publish(LogEvent{LogEvent::Level::Info, result_.message});
        return false;
    }
    for (const std::string &warning : r.data.warnings)
        publish(LogEvent{LogEvent::Level::Warning, warning});
    DataSplit split = splitForTraining(r.data, spec);
    r.train = std::move(split.train);
    r.validation = std::move(split.validation);
    r.validationSource = split.source;
    if (r.train.size() == 0)
        throw Error("The training set is empty");
    r.truthTable = truthTableRows({&r.data.train, r.data.test ? &*r.data.test : nullptr});
    return true;
}

// The backend, the network, the optimizer and schedule, the shuffle stream and the read
// cadence.
void Trainer::buildNetwork(Run &r)
{
    const TrainingSpec &spec = project_.training;
    r.epochs = options_.epochs.value_or(spec.epochs);
    const uint64_t seed = options_.seed.value_or(spec.seed);
    r.loss = parseLossKind(spec.loss);
    setCpuThreads(spec.threads);
    // Refuse what cannot fit before allocating it (the dataset is already in memory).
    const GraphAnalysis analysis = analyze(project_.graph);
    if (analysis.ok()) {
        const TrainingMemory m = estimateTrainingMemory(analysis, spec.batchSize, spec.optimizer);
        const std::string shortfall = memoryShortfall(
            m.total(), "Training this model at batch size " + std::to_string(spec.batchSize),
            "weights " + formatBytes(m.weights) + ", gradients and optimizer state " +
                formatBytes(m.gradients + m.optimizer) + ", activations " +
                formatBytes(m.activations) + ": use a smaller batch size or fewer units");
        if (!shortfall.empty())
            throw Error(shortfall);
    }
    r.backend = createBackend(options_.device.value_or(spec.device));
    r.network = std::make_unique<Network>(project_.graph, *r.backend, r.loss,
                                          parseInitConvention(spec.init), seed);
    // Refused before the first step where the device cannot compute in it natively.
    r.network->setPrecision(parsePrecision(options_.precision.value_or(spec.precision)));
    // The dataset against the model's Input and output: the rule the studio checks before Train.
    const GraphAnalysis &compiled = r.network->analysis();
    const Node *output = project_.graph.find(compiled.outputNode);
    if (auto problem = datasetMismatch(compiled, {r.train.sampleShape, r.train.classCount()},
                                       r.loss, output ? output->type : std::string()))
        throw Error(problem->message);
    if (spec.threads == 0)
        setCpuThreads(internal::automaticCpuThreads(r.network->analysis(), spec.batchSize));
    r.optimizer = makeOptimizer(spec.optimizer, *r.backend, r.network->parameters());
    // Plain SGD fused into large Dense layers' weight GEMMs (each step turns it on or off:
    // trainBatch).
    connectFusedUpdates(*r.optimizer, *r.network);
    r.schedule = std::make_unique<LrSchedule>(spec.schedule, spec.optimizer.lr, r.epochs);
    r.shuffleRng.reseed(seed + 1);
    r.augmentRng.reseed(seed + 2);
    const int64_t n = r.train.size();
    r.batches = static_cast<int>((n + spec.batchSize - 1) / spec.batchSize);
    r.order.resize(static_cast<size_t>(n));
    r.readEvery = options_.readEvery > 0   ? options_.readEvery
                  : r.backend->readsWait() ? kDeviceReadEvery
                                           : 1;
    r.lateGuard = r.readEvery > 1 || r.backend->readsWait();
    r.watch.emplace(r.loss, r.train.classCount());
    buildPipeline(r);
}

// The batches' source: gathered in each epoch's order, augmented where the dataset asks for
// it (refused with a message when its samples cannot be), prepared ahead on a thread of their
// own when TrainerOptions::prefetch says so.
void Trainer::buildPipeline(Run &r)
{
    std::optional<Augmenter> augmenter;
    const AugmentationSpec &augmentation = project_.dataset.augmentation;
    if (augmentation.active()) {
        const Shape &shape = r.train.sampleShape;
        augmenter.emplace(augmentation, shape,
                          augmentRange(r.data.normalization, shape.empty() ? 1 : shape.front()),
                          holdsPictureValues(project_.dataset));
        publish(LogEvent{LogEvent::Level::Info,
                         "Augmenting the training samples: " + augmentation.summary()});
    }
    using Prefetch = TrainerOptions::Prefetch;
    // A thread of its own helps only where a core is free for it: measured on 2 cores that
    // both train, it took 7% of the throughput instead of saving the augmentation's 6%.
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const bool coreFree = !r.backend->hostMemory() || static_cast<unsigned>(cpuThreads()) < cores;
    const bool background =
        options_.prefetch == Prefetch::On ||
        (options_.prefetch == Prefetch::Auto && augmenter.has_value() && coreFree);
    r.pipeline = std::make_unique<internal::BatchPipeline>(r.train, project_.training.batchSize,
                                                           std::move(augmenter), background);
}

void Trainer::publishStarted(Run &r)
{
    StartedEvent started;
    started.device = r.backend->description();
    if (r.network->precision() != Precision::Fp32) // said where the device is shown
        started.device += ", " + toString(r.network->precision()) + " mixed precision";
    started.trainSamples = r.train.size();
    started.validationSamples = r.validation ? r.validation->size() : 0;
    started.batchesPerEpoch = r.batches;
    started.epochs = r.epochs;
    started.startEpoch = r.startEpoch;
    started.startBatch = r.startBatch;
    started.validationSource = r.validationSource;
    started.classNames = r.train.classNames;
    started.normalization = r.data.normalization;
    publish(started);
}

std::string Trainer::historyPath() const
{
    return options_.outDir + "/" + internal::kHistoryFileName;
}

std::string Trainer::parameterLogPath() const
{
    return options_.outDir + "/" + internal::kParameterLogFileName;
}

// The result, the final and best weights, the metrics files and the test set's figures.
void Trainer::finish(Run &r)
{
    const TrainingSpec &spec = project_.training;
    if (result_.reason != FinishedEvent::Reason::EarlyStopped) {
        result_.reason = FinishedEvent::Reason::Completed;
        result_.message = "Training completed: " + std::to_string(history_.size()) + " epochs";
    }
    result_.epochsRun = static_cast<int>(history_.size());
    result_.bestEpoch = r.bestEpoch;
    if (!options_.outDir.empty())
        saveWeights(options_.outDir + "/final.safetensors",
                    {r.network->weightsToHost(), r.data.normalization, r.train.classNames});
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
        auto test = evaluateDataset(*r.network, *r.data.test, spec.batchSize);
        result_.testLoss = test.loss;
        result_.testAccuracy = test.accuracy;
    }
}

} // namespace strata
