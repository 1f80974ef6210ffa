// strata-cli train: Keras-fit-style epoch lines, a progress bar on a terminal, Ctrl-C stops
// cleanly after writing a checkpoint.

#include "cli.h"

#include "strata/trainer.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace strata::cli {

namespace {

std::atomic<bool> g_interrupted{false};

void onSigint(int)
{
    g_interrupted = true;
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

} // namespace

int runTrain(const Args &args)
{
    args.allowOnly({"epochs", "device", "out", "resume", "seed", "threads", "quiet"});
    if (args.positional.size() != 1)
        throw UsageError{"expects one project file: strata-cli train PROJECT.strata [options]"};
    const std::string path = args.positional[0];
    Project project = loadProject(path);
    TrainerOptions options;
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
    options.outDir = args.get("out");
    options.resumeFrom = args.get("resume");
    const bool quiet = args.has("quiet");
    const bool tty = isatty(fileno(stdout)) && !quiet;

    EventQueue queue;
    options.observer = [&](const TrainingEvent &e) { queue.push(e); };
    Trainer trainer(project, projectBaseDir(path), options);
    std::signal(SIGINT, onSigint);
    trainer.start();

    int epochs = options.epochs.value_or(project.training.epochs);
    bool stopping = false;
    auto lastBar = std::chrono::steady_clock::now();
    FinishedEvent finished;
    bool done = false;
    while (!done) {
        if (g_interrupted && !stopping) {
            stopping = true;
            std::printf("\nStopping after this batch (Ctrl-C)…\n");
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
    std::signal(SIGINT, SIG_DFL);
    if (finished.testAccuracy)
        std::printf("Test: loss %.4f - accuracy %.4f\n", *finished.testLoss,
                    *finished.testAccuracy);
    const bool ok = finished.reason == FinishedEvent::Reason::Completed ||
                    finished.reason == FinishedEvent::Reason::EarlyStopped;
    std::fprintf(ok ? stdout : stderr, "%s\n", finished.message.c_str());
    if (!options.outDir.empty() && finished.reason != FinishedEvent::Reason::Failed)
        std::printf("Wrote %s/{metrics.csv,metrics.json,final.safetensors,best.safetensors,"
                    "checkpoint.safetensors}\n",
                    options.outDir.c_str());
    if (finished.reason == FinishedEvent::Reason::Stopped)
        return 130;
    return ok ? 0 : 1;
}

} // namespace strata::cli
