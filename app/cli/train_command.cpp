// strata-cli train: Keras-fit-style epoch lines, a progress bar on a terminal. Ctrl-C (SIGINT),
// SIGTERM (docker stop, schedulers) and SIGHUP (a closed terminal or logout) all stop cleanly
// after the current batch and write a checkpoint. The output folder is locked for the run.

#include "cli.h"

#include "strata/folder_lock.h"
#include "strata/precision.h"
#include "strata/run_store.h"
#include "strata/trainer.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace strata::cli {

namespace {

// Training diverged (NaN/Inf, or a loss or weights far out): a script can tell it from a
// failure to start (1) and a stop (128 + signal).
constexpr int kExitDiverged = 3;

// The signal that asked training to stop (0: none yet).
std::atomic<int> g_stopSignal{0};

void onStopSignal(int signal)
{
    g_stopSignal = signal;
}

const char *signalName(int signal)
{
    switch (signal) {
    case SIGINT:
        return "Ctrl-C";
    case SIGTERM:
        return "SIGTERM";
    case SIGHUP:
        return "SIGHUP";
    }
    return "a signal";
}

// SIGINT, SIGTERM and SIGHUP set g_stopSignal while installed; the previous handlers come
// back when it goes.
class StopSignals
{
public:
    StopSignals()
    {
        struct sigaction action = {};
        action.sa_handler = onStopSignal;
        sigemptyset(&action.sa_mask);
        for (size_t i = 0; i < std::size(kSignals); ++i)
            sigaction(kSignals[i], &action, &previous_[i]);
    }
    ~StopSignals()
    {
        for (size_t i = 0; i < std::size(kSignals); ++i)
            sigaction(kSignals[i], &previous_[i], nullptr);
    }
    StopSignals(const StopSignals &) = delete;
    StopSignals &operator=(const StopSignals &) = delete;

private:
    static constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction previous_[std::size(kSignals)] = {};
};

// The files of the output folder this run wrote (modified since it started), in the order a
// user looks for them.
std::vector<std::string> filesWritten(const std::string &outDir,
                                      std::filesystem::file_time_type since)
{
    std::vector<std::string> written;
    for (const char *name :
         {"final.safetensors", "best.safetensors", "checkpoint.safetensors", "history.jsonl",
          "parameters.jsonl", "batches.csv", "metrics.csv", "metrics.json"}) {
        std::error_code ec;
        const auto path = std::filesystem::path(outDir) / name;
        const auto time = std::filesystem::last_write_time(path, ec);
        if (!ec && time >= since)
            written.push_back(name);
    }
    return written;
}

void printEpoch(const EpochMetrics &m, int epochs)
{
    std::printf("Epoch %d/%d - %.1fs - loss: %.4f - accuracy: %.4f", m.epoch + 1, epochs, m.seconds,
                m.loss, m.accuracy);
    if (m.hasValidation)
        std::printf(" - val_loss: %.4f - val_accuracy: %.4f", m.valLoss, m.valAccuracy);
    std::printf(" - %.0f samples/s%s\n", m.samplesPerSecond, m.best ? " *" : "");
    std::fflush(stdout);
}

// A tiny tabular set's truth table after the last epoch: each input, its label ("-" when it
// is not in the data) and the model's output.
void printTruthTable(const std::vector<TruthTableRow> &rows)
{
    if (rows.empty())
        return;
    std::printf("Truth table (inputs -> target: output):\n");
    for (const TruthTableRow &row : rows) {
        std::string line = " ";
        char value[32];
        for (float v : row.inputs) {
            std::snprintf(value, sizeof value, " %g", static_cast<double>(v));
            line += value;
        }
        line += " -> " + (row.target < 0 ? std::string("-") : std::to_string(row.target)) + ":";
        for (float p : row.outputs) {
            std::snprintf(value, sizeof value, " %.3f", static_cast<double>(p));
            line += value;
        }
        std::printf("%s (answer %d)\n", line.c_str(), row.predicted);
    }
}

void printProgress(const BatchEvent &b, int epochs)
{
    const int width = 30;
    const int done = static_cast<int>(static_cast<double>(b.batch + 1) / b.batches * width);
    std::string bar(static_cast<size_t>(done), '=');
    if (done < width)
        bar += '>';
    bar.resize(width, '.');
    std::printf("\rEpoch %d/%d %d/%d [%s] loss: %.4f - %.0f samples/s   ", b.epoch + 1, epochs,
                b.batch + 1, b.batches, bar.c_str(), b.loss, b.samplesPerSecond);
    std::fflush(stdout);
}

// --precision fp32|bf16, as the project's training precision (stored with the run).
std::string precisionArgument(const Args &args)
{
    const std::string text = args.get("precision");
    try {
        return toString(parsePrecision(text));
    } catch (const Error &e) {
        throw UsageError{std::string("--precision: ") + e.what()};
    }
}

} // namespace

// Where the run goes: a new run in the project's store, a stored run continued, or (--out)
// a folder of the user's choosing, which the CLI locks itself.
struct RunPlace
{
    std::unique_ptr<RunRecorder> recorder;
    std::unique_ptr<FolderLock> lock;
    std::string storeFolder;
};

bool isRegularFile(const std::string &path)
{
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec);
}

int runTrain(const Args &args)
{
    args.allowOnly({"epochs", "device", "out", "resume", "seed", "threads", "quiet",
                    "keep-checkpoints", "precision"});
    if (args.positional.size() != 1)
        throw UsageError{"expects one project file: strata-cli train PROJECT.strata [options]"};
    const std::string path = args.positional[0];
    Project project = loadProject(path);
    std::string baseDir = projectBaseDir(path);
    TrainerOptions options;
    options.parameterStats = true; // kept in the run's history: strata-cli stats reads them
    if (args.has("epochs")) {
        const int e = args.getInt("epochs", 0);
        if (e < 1)
            throw UsageError{"--epochs must be at least 1"};
        options.epochs = e;
    }
    if (args.has("seed"))
        options.seed = static_cast<uint64_t>(args.getInt("seed", 0));
    if (args.has("device"))
        options.device = args.get("device");
    if (args.has("threads"))
        project.training.threads = args.getInt("threads", 0);
    if (args.has("precision"))
        project.training.precision = precisionArgument(args);
    const int keep = args.getInt("keep-checkpoints", kDefaultKeepCheckpoints);
    const std::string resume = args.get("resume");
    const bool quiet = args.has("quiet");
    const bool tty = isatty(fileno(stdout)) && !quiet;

    RunPlace place;
    if (args.has("out")) {
        // A second run into the same folder would overwrite this one's files mid-run.
        options.outDir = args.get("out");
        options.resumeFrom = resume;
        place.lock = std::make_unique<FolderLock>(options.outDir);
    } else {
        RunStore store(runStoreFor(path, project.name));
        place.storeFolder = store.folder();
        if (!resume.empty() && !isRegularFile(resume)) {
            // A stored run continues in its own folder, with the project as it was trained.
            const RunInfo run = store.find(resume);
            project = store.project(run);
            baseDir = store.baseDir(run);
            if (args.has("threads"))
                project.training.threads = args.getInt("threads", 0);
            if (args.has("precision")) // a checkpoint resumes in either precision
                project.training.precision = precisionArgument(args);
            place.recorder = std::make_unique<RunRecorder>(run.folder, true, keep);
            std::printf("Resuming %s (%s, %d epochs so far) in %s\n", run.id.c_str(),
                        toString(run.status).c_str(), run.epochs, store.folder().c_str());
        } else {
            const std::string id = store.create(project, baseDir);
            place.recorder = std::make_unique<RunRecorder>(store.folder() + "/" + id, false, keep);
            options.resumeFrom = resume; // a checkpoint file continues into the new run
            std::printf("Run %s in %s ('strata-cli runs %s' lists the runs)\n", id.c_str(),
                        store.folder().c_str(), path.c_str());
        }
        place.recorder->configure(options);
        std::fflush(stdout);
    }
    // Files modified from here on are this run's (the clock may be coarse: a second early).
    const auto started = std::filesystem::file_time_type::clock::now() - std::chrono::seconds(1);

    EventQueue queue;
    options.observer = [&](const TrainingEvent &e) {
        if (place.recorder)
            place.recorder->observe(e);
        queue.push(e);
    };
    Trainer trainer(project, projectBaseDir(path), options);
    StopSignals signals;
    trainer.start();

    int epochs = options.epochs.value_or(project.training.epochs);
    bool stopping = false;
    auto lastBar = std::chrono::steady_clock::now();
    FinishedEvent finished;
    bool done = false;
    while (!done) {
        if (g_stopSignal != 0 && !stopping) {
            stopping = true;
            std::printf("\nStopping after this batch (%s)…\n", signalName(g_stopSignal));
            std::fflush(stdout);
            trainer.stop();
        }
        for (TrainingEvent &event : queue.waitAndDrain(100)) {
            if (auto *s = std::get_if<StartedEvent>(&event)) {
                epochs = s->epochs;
                std::printf("Training on %s: %lld samples, validating on %s (%lld samples), "
                            "%d batches per epoch\n",
                            s->device.c_str(), static_cast<long long>(s->trainSamples),
                            s->validationSource.c_str(),
                            static_cast<long long>(s->validationSamples), s->batchesPerEpoch);
            } else if (auto *b = std::get_if<BatchEvent>(&event)) {
                auto now = std::chrono::steady_clock::now();
                if (tty && (now - lastBar > std::chrono::milliseconds(100) ||
                            b->batch + 1 == b->batches)) {
                    printProgress(*b, epochs);
                    lastBar = now;
                }
            } else if (auto *ep = std::get_if<EpochEvent>(&event)) {
                if (tty)
                    std::printf("\r\033[K");
                printEpoch(ep->metrics, epochs);
            } else if (auto *log = std::get_if<LogEvent>(&event)) {
                if (log->level != LogEvent::Level::Info || !quiet)
                    std::printf("%s%s\n", tty ? "\r\033[K" : "", log->message.c_str());
            } else if (auto *f = std::get_if<FinishedEvent>(&event)) {
                finished = *f;
                done = true;
            }
        }
    }
    trainer.wait();
    if (!trainer.history().empty())
        printTruthTable(trainer.history().back().truthTable);
    if (finished.testAccuracy)
        std::printf("Test: loss %.4f - accuracy %.4f\n", *finished.testLoss,
                    *finished.testAccuracy);
    const bool ok = finished.reason == FinishedEvent::Reason::Completed ||
                    finished.reason == FinishedEvent::Reason::EarlyStopped;
    std::fprintf(ok ? stdout : stderr, "%s\n", finished.message.c_str());
    if (place.recorder && !place.recorder->worthKeeping()) {
        // It failed before training started: a run folder would hold nothing but the error.
        const std::string folder = place.recorder->folder();
        place.recorder.reset();
        std::error_code ec;
        std::filesystem::remove_all(folder, ec);
        std::filesystem::remove(place.storeFolder, ec); // only when no other run is there
    } else if (!options.outDir.empty()) {
        const std::vector<std::string> written = filesWritten(options.outDir, started);
        if (written.empty()) {
            std::printf("Wrote nothing into %s\n", options.outDir.c_str());
        } else {
            std::string list;
            for (const std::string &name : written)
                list += (list.empty() ? "" : ", ") + name;
            std::printf("Wrote into %s: %s\n", options.outDir.c_str(), list.c_str());
        }
    }
    if (finished.reason == FinishedEvent::Reason::Stopped)
        return 128 + (g_stopSignal != 0 ? g_stopSignal.load() : SIGINT); // as shells report it
    if (finished.reason == FinishedEvent::Reason::Diverged)
        return kExitDiverged;
    return ok ? 0 : 1;
}

} // namespace strata::cli
