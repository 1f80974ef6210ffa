// A run's record as it trains: run.json's status and times, and batches.csv.

#include "strata/run_store.h"

#include "runs/run_files.h"
#include "strata/errors.h"
#include "strata/trainer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace strata {

namespace fs = std::filesystem;

namespace {

constexpr const char *kBatchesHeader =
    "epoch,batch,step,loss,accuracy,learning_rate,samples_per_second\n";

const char *statusOf(FinishedEvent::Reason reason)
{
    switch (reason) {
    case FinishedEvent::Reason::Completed:
    case FinishedEvent::Reason::EarlyStopped:
        return "finished";
    case FinishedEvent::Reason::Stopped:
        return "stopped";
    case FinishedEvent::Reason::Diverged:
        return "diverged";
    case FinishedEvent::Reason::Failed:
        break;
    }
    return "failed";
}

// The lines of batches.csv before (epoch, batch): what a resumed run keeps of it. A line a
// killed run wrote after its last checkpoint (or cut short) is dropped.
std::string batchesBefore(const std::string &path, int epoch, int batch)
{
    std::ifstream in(path);
    std::string line, kept = kBatchesHeader;
    bool header = true;
    while (std::getline(in, line)) {
        if (header) {
            header = false;
            continue;
        }
        int e = -1, b = -1;
        if (std::sscanf(line.c_str(), "%d,%d,", &e, &b) != 2 || in.eof())
            break; // damaged, or the last line without its newline
        if (e > epoch || (e == epoch && b >= batch))
            break;
        kept += line + "\n";
    }
    return kept;
}

} // namespace

RunRecorder::RunRecorder(std::string runFolder, bool resume, int keepCheckpoints)
    : folder_(std::move(runFolder)), resume_(resume), keep_(keepCheckpoints)
{
    const std::string recordPath = folder_ + "/" + internal::kRunRecordFile;
    if (!fs::is_regular_file(recordPath))
        throw Error(folder_ + ": is not a run folder (it has no run.json)");
    lock_ = std::make_unique<FolderLock>(folder_);
    record_ = internal::readRunJson(recordPath, "strata-run");
    static const char *kKnown[] = {"running", "finished", "stopped", "diverged", "failed"};
    if (std::none_of(std::begin(kKnown), std::end(kKnown),
                     [&](const char *s) { return record_["status"] == s; }))
        throw Error(recordPath + ": holds an unknown status; it was not written by this Strata");
    if (resume_ && !fs::is_regular_file(folder_ + "/checkpoint.safetensors"))
        throw Error(folder_ + ": has no checkpoint to resume from (the run ended before its "
                              "first checkpoint); train it afresh");
    if (record_["status"] == "running") {
        // It crashed (we hold its lock): its last session counts up to its last checkpoint.
        const nlohmann::json &soFar = record_["seconds"];
        record_["seconds"] = (soFar.is_number() ? soFar.get<double>() : 0.0) +
                             internal::crashedSessionSeconds(folder_, record_);
    }
    record_["status"] = "running";
    record_["message"] = "";
    record_["ended"] = "";
    record_["session_started_unix"] = internal::unixSecondsNow();
    record_["engine_version"] = internal::engineVersion();
    if (!record_.contains("started") || !record_["started"].is_string())
        record_["started"] = internal::isoTimeNow();
    sessionStart_ = std::chrono::duration<double>(
                        std::chrono::steady_clock::now().time_since_epoch())
                        .count();
    writeRecord();
}

RunRecorder::~RunRecorder()
{
    if (batches_)
        std::fclose(batches_);
}

void RunRecorder::configure(TrainerOptions &options) const
{
    options.outDir = folder_;
    options.keepCheckpoints = keep_;
    if (resume_)
        options.resumeFrom = folder_ + "/checkpoint.safetensors";
}

void RunRecorder::writeRecord()
{
    try {
        internal::writeRunJson(folder_ + "/" + internal::kRunRecordFile, record_, "strata-run");
    } catch (const Error &) {
        // A full disk: the run trains on; its list entry stays as it was (and a run left
        // "running" without its lock is listed as crashed, its checkpoint intact).
    }
}

void RunRecorder::observe(const TrainingEvent &event)
{
    if (const auto *s = std::get_if<StartedEvent>(&event)) {
        started_ = true;
        record_["device"] = s->device;
        record_["epochs_planned"] = s->epochs;
        const std::string path = folder_ + "/" + internal::kRunBatchesFile;
        const std::string kept = s->startEpoch == 0 && s->startBatch == 0
                                     ? std::string(kBatchesHeader)
                                     : batchesBefore(path, s->startEpoch, s->startBatch);
        batches_ = std::fopen(path.c_str(), "w");
        if (batches_)
            std::fputs(kept.c_str(), batches_);
        writeRecord();
    } else if (const auto *b = std::get_if<BatchEvent>(&event)) {
        if (batches_)
            std::fprintf(batches_, "%d,%d,%lld,%.9g,%.9g,%.9g,%.6g\n", b->epoch, b->batch,
                         static_cast<long long>(b->step), b->loss, b->accuracy, b->learningRate,
                         b->samplesPerSecond);
    } else if (std::holds_alternative<EpochEvent>(event)) {
        if (batches_)
            std::fflush(batches_);
    } else if (const auto *f = std::get_if<FinishedEvent>(&event)) {
        finished_ = true;
        if (batches_) {
            std::fclose(batches_);
            batches_ = nullptr;
        }
        const double now = std::chrono::duration<double>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count();
        const nlohmann::json &soFar = record_["seconds"];
        const double before = soFar.is_number() ? soFar.get<double>() : 0.0;
        record_["seconds"] = before + (now - sessionStart_);
        record_["status"] = statusOf(f->reason);
        record_["message"] = f->message;
        record_["ended"] = internal::isoTimeNow();
        writeRecord();
        lock_.reset(); // the run is over: it may be resumed or deleted now
    }
}

} // namespace strata
