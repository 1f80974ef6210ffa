#pragma once
// The run store: every training run, from the studio or strata-cli, keeps a folder of its own
// beside its project (NAME.runs/run-N next to NAME.strata; for an unsaved project, or a project
// in a folder Strata cannot write, under the user's data folder). A run folder holds the
// project as trained (project.strata), the run's record (run.json: status, device, engine
// version, start and end), the user's labels (labels.json: name, tags, note), the per-batch
// metrics (batches.csv), the per-epoch metrics (history.jsonl while it trains; metrics.csv
// and metrics.json at the end), the latest checkpoint and the last few epochs' checkpoints
// (checkpoints/), and the final and best weights. docs/file-formats.md describes each file.
//
// A run is written by one process, which holds the folder's lock (FolderLock) while it
// trains; a run whose record says "running" but whose lock nobody holds was killed, and is
// listed as crashed, its last checkpoint intact (listing it removes the temporary files it
// was writing when it died). Listing never throws for one bad run: a
// missing or damaged file, or a run from a newer Strata, is listed with its problem.

#include "strata/folder_lock.h"
#include "strata/project.h"
#include "strata/training_events.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace strata {

struct TrainerOptions;

// The version of run.json and labels.json; a run from a newer version is listed, not read.
inline constexpr int kRunFormatVersion = 1;
// Epoch checkpoints kept by default beside the latest one (the best epoch's is kept too).
inline constexpr int kDefaultKeepCheckpoints = 3;

enum class RunStatus {
    Running,   // its process holds the lock
    Finished,  // completed or stopped early by early stopping
    Stopped,   // stopped by the user (resumable)
    Diverged,  // stopped by the NaN/Inf guard (resumable from the last good checkpoint)
    Failed,    // could not go on (a message says why)
    Crashed,   // killed while running: its record says running, nobody holds its lock
    Unreadable // run.json is missing, damaged or from a newer Strata (problem says which)
};
// "running", "finished", "stopped", "diverged", "failed", "crashed", "unreadable".
std::string toString(RunStatus status);

struct RunInfo
{
    std::string id;     // the folder's name, run-N; never changes
    std::string folder; // the folder's path
    std::string name;   // what the user calls it: the id until renamed
    RunStatus status = RunStatus::Unreadable;
    // Why the run cannot be read (Unreadable) or what is wrong with a readable one (a damaged
    // metrics file, a missing checkpoint); empty when all is well.
    std::string problem;
    std::string message; // how it ended, as the trainer said it
    std::vector<std::string> tags;
    std::string note;
    std::string device, engineVersion;
    std::string startedAt, endedAt; // ISO 8601, UTC; endedAt is empty until it ends
    double seconds = 0;             // time spent training, over all its sessions
    int epochs = 0;                 // epochs finished
    int epochsPlanned = 0;
    bool validation = false; // the best figures are validation figures (else training ones)
    std::optional<double> bestAccuracy, bestLoss;
    bool resumable = false;            // a checkpoint is there
    std::vector<EpochMetrics> history; // per epoch, as far as it got
};

// NAME.runs beside the project file NAME.strata.
std::string runStoreBesideProject(const std::string &projectPath);
// The store under the user's data folder ($XDG_DATA_HOME/strata/runs, else
// ~/.local/share/strata/runs) for a project called `projectName` that has no folder of its
// own (unsaved) or whose folder cannot be written.
std::string runStoreInUserData(const std::string &projectName);

// Where the project's runs go: beside it when that folder can be written, else in the user's
// data folder; projectPath empty: an unsaved project.
std::string runStoreFor(const std::string &projectPath, const std::string &projectName);

class RunStore
{
public:
    explicit RunStore(std::string folder); // need not exist yet
    const std::string &folder() const { return folder_; }

    // Every run, oldest first (by number). An empty list when the folder does not exist.
    std::vector<RunInfo> list() const;
    // One run, by id or by name. Throws Error naming the store and the runs it holds.
    RunInfo find(const std::string &idOrName) const;
    // The project as trained, and the folder its relative paths resolve against.
    Project project(const RunInfo &run) const;
    std::string baseDir(const RunInfo &run) const;
    // The run's history with each epoch's weight and gradient statistics
    // (EpochMetrics::parameters; kept apart from the history, so list() does not read them).
    // An epoch whose statistics were not taken or are damaged has none.
    std::vector<EpochMetrics> historyWithParameters(const RunInfo &run) const;

    // A new run folder run-N (N one past the highest so far) holding the project as trained
    // and a record; returns its id. baseDir: where the project's relative paths resolve.
    std::string create(const Project &project, const std::string &baseDir);

    // The user's labels. Throw Error when the run is unknown or the name is empty or taken.
    void rename(const std::string &id, const std::string &name);
    void setTags(const std::string &id, const std::vector<std::string> &tags);
    void setNote(const std::string &id, const std::string &note);
    // Deletes the run's folder. Throws FolderBusyError while it trains.
    void remove(const std::string &id);

private:
    RunInfo read(const std::string &id) const;
    std::string folder_;
};

// Records one training session of a run into its folder: takes the folder's lock, sets the
// trainer's options (output folder, checkpoints to keep, the checkpoint to resume from), and
// keeps run.json and batches.csv up to date from the trainer's events; the lock goes with the
// run's FinishedEvent. Not thread-safe: the trainer calls observe() on its thread, one event
// at a time.
class RunRecorder
{
public:
    // Throws FolderBusyError when another process trains this run, Error when the folder is
    // not a run or is from a newer Strata.
    RunRecorder(std::string runFolder, bool resume, int keepCheckpoints = kDefaultKeepCheckpoints);
    ~RunRecorder();
    RunRecorder(const RunRecorder &) = delete;
    RunRecorder &operator=(const RunRecorder &) = delete;

    const std::string &folder() const { return folder_; }
    // outDir, keepCheckpoints and (resuming) resumeFrom.
    void configure(TrainerOptions &options) const;
    void observe(const TrainingEvent &event);
    // False when the run failed before training started: it holds nothing worth keeping and
    // the caller may delete it (after the recorder is gone).
    bool worthKeeping() const { return started_ || !finished_; }

private:
    void writeRecord();
    std::string folder_;
    bool resume_;
    int keep_;
    std::unique_ptr<FolderLock> lock_;
    nlohmann::json record_;
    std::FILE *batches_ = nullptr;
    bool started_ = false, finished_ = false;
    double sessionStart_ = 0; // steady clock seconds when this session started
};

// What changed from one project to another, one line each, in a user's words:
// "fc1 (Dense): units 32 → 64", "Layer drop1 (Dropout) added", "training: lr 0.01 → 0.1".
// The canvas layout and the description are left out. Empty: the same model, data and
// settings.
std::vector<std::string> diffProjects(const Project &before, const Project &after);
// The lines of diffProjects about the model only (layers, their settings, connections): a run
// whose model differs from the open project's is listed with them.
std::vector<std::string> modelChanges(const Project &before, const Project &after);

} // namespace strata
