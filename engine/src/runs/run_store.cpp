// The run store's folders and the files a list reads: run.json (the record a RunRecorder
// keeps), labels.json (the user's name, tags and note), history.jsonl (the epochs so far).

#include "strata/run_store.h"

#include "io/atomic_file.h"
#include "io/json_text.h"
#include "runs/run_files.h"
#include "strata/errors.h"
#include "train/history_log.h"
#include "train/parameter_log.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

namespace strata {

namespace fs = std::filesystem;

namespace internal {

std::string isoTimeNow()
{
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

double unixSecondsNow()
{
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::string engineVersion()
{
#ifdef STRATA_VERSION
    return STRATA_VERSION;
#else
    return "0";
#endif
}

double crashedSessionSeconds(const std::string &folder, const nlohmann::json &record)
{
    // It lasted at least until its last checkpoint or epoch line.
    double last = 0;
    struct stat st = {};
    for (const char *file : {"checkpoint.safetensors", kHistoryFileName})
        if (::stat((folder + "/" + file).c_str(), &st) == 0)
            last = std::max(last, double(st.st_mtim.tv_sec) + double(st.st_mtim.tv_nsec) * 1e-9);
    const auto started = record.find("session_started_unix");
    if (last == 0 || started == record.end() || !started->is_number())
        return 0;
    return std::clamp(last - started->get<double>(), 0.0, 1e9);
}

int runNumber(const std::string &id)
{
    if (id.size() < 5 || id.compare(0, 4, "run-") != 0 || id.size() > 13)
        return -1;
    int n = 0;
    for (size_t i = 4; i < id.size(); ++i) {
        if (id[i] < '0' || id[i] > '9' || (i == 4 && id[i] == '0'))
            return -1;
        n = n * 10 + (id[i] - '0');
    }
    return n;
}

nlohmann::json readRunJson(const std::string &path, const char *format)
{
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec)
        throw Error(path + ": is missing");
    if (size > kMaxRunJsonBytes)
        throw Error(path + ": is " + std::to_string(size) + " bytes, more than a run's record " +
                    "can be (" + std::to_string(kMaxRunJsonBytes) + ")");
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in)
        throw Error(path + ": cannot be read (" + std::strerror(errno) + ")");
    nlohmann::json j = parseJsonText(text.str(), path);
    if (!j.is_object() || !j.contains("format") || j["format"] != format)
        throw Error(path + ": is not a Strata run file (no \"format\": \"" + format + "\")");
    const auto &version = j.value("version", nlohmann::json());
    if (!version.is_number_integer() || version.get<int64_t>() < 1)
        throw Error(path + ": has no valid \"version\"");
    if (version.get<int64_t>() > kRunFormatVersion)
        throw Error(path + ": was written by a newer Strata (run format " +
                    std::to_string(version.get<int64_t>()) + "; this one reads up to " +
                    std::to_string(kRunFormatVersion) + "); open it with that version");
    return j;
}

void writeRunJson(const std::string &path, nlohmann::json j, const char *format)
{
    j["format"] = format;
    j["version"] = kRunFormatVersion;
    writeFileAtomically(path, j.dump(2) + "\n");
}

} // namespace internal

namespace {

using internal::readRunJson;

std::string textField(const nlohmann::json &j, const char *key)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double numberField(const nlohmann::json &j, const char *key)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_number() && std::isfinite(it->get<double>()) ? it->get<double>()
                                                                                : 0.0;
}

RunStatus statusFrom(const std::string &text)
{
    static const std::pair<const char *, RunStatus> kNames[] = {
        {"running", RunStatus::Running}, {"finished", RunStatus::Finished},
        {"stopped", RunStatus::Stopped}, {"diverged", RunStatus::Diverged},
        {"failed", RunStatus::Failed},   {"crashed", RunStatus::Crashed}};
    for (const auto &[name, status] : kNames)
        if (text == name)
            return status;
    return RunStatus::Unreadable;
}

std::string safeName(const std::string &name)
{
    std::string safe;
    for (char c : name)
        safe += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
    if (safe.size() > 64)
        safe.resize(64);
    return safe.empty() || safe.find_first_not_of('_') == std::string::npos ? "Untitled" : safe;
}

bool canWriteInto(const fs::path &folder)
{
    std::error_code ec;
    fs::path p = fs::absolute(folder, ec);
    while (!p.empty() && !fs::exists(p, ec))
        p = p.parent_path();
    return !p.empty() && ::access(p.c_str(), W_OK | X_OK) == 0;
}

} // namespace

std::string toString(RunStatus status)
{
    switch (status) {
    case RunStatus::Running:
        return "running";
    case RunStatus::Finished:
        return "finished";
    case RunStatus::Stopped:
        return "stopped";
    case RunStatus::Diverged:
        return "diverged";
    case RunStatus::Failed:
        return "failed";
    case RunStatus::Crashed:
        return "crashed";
    case RunStatus::Unreadable:
        break;
    }
    return "unreadable";
}

std::string runStoreBesideProject(const std::string &projectPath)
{
    const fs::path p(projectPath);
    return (p.parent_path() / (p.stem().string() + ".runs")).string();
}

std::string runStoreInUserData(const std::string &projectName)
{
    fs::path base;
    if (const char *xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg == '/')
        base = xdg;
    else if (const char *home = std::getenv("HOME"); home && *home)
        base = fs::path(home) / ".local" / "share";
    else
        base = fs::temp_directory_path();
    return (base / "strata" / "runs" / (safeName(projectName) + ".runs")).string();
}

std::string runStoreFor(const std::string &projectPath, const std::string &projectName)
{
    if (!projectPath.empty()) {
        const std::string beside = runStoreBesideProject(projectPath);
        if (canWriteInto(beside))
            return beside;
    }
    return runStoreInUserData(projectName);
}

RunStore::RunStore(std::string folder) : folder_(std::move(folder))
{
}

std::vector<RunInfo> RunStore::list() const
{
    std::vector<std::pair<int, std::string>> ids;
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(folder_, ec)) {
        const std::string id = entry.path().filename().string();
        const int n = internal::runNumber(id);
        if (n > 0 && entry.is_directory(ec))
            ids.emplace_back(n, id);
    }
    std::sort(ids.begin(), ids.end());
    std::vector<RunInfo> runs;
    for (const auto &[n, id] : ids)
        runs.push_back(read(id));
    return runs;
}

RunInfo RunStore::read(const std::string &id) const
{
    RunInfo run;
    run.id = id;
    run.name = id;
    run.folder = (fs::path(folder_) / id).string();
    nlohmann::json record;
    try {
        record = readRunJson(run.folder + "/" + internal::kRunRecordFile, "strata-run");
        run.status = statusFrom(textField(record, "status"));
        if (run.status == RunStatus::Unreadable)
            run.problem = run.folder + "/run.json: unknown status \"" +
                          internal::briefQuote(textField(record, "status")) + "\"";
    } catch (const Error &e) {
        run.problem = e.what();
        return run;
    }
    run.message = textField(record, "message");
    run.device = textField(record, "device");
    run.engineVersion = textField(record, "engine_version");
    run.startedAt = textField(record, "started");
    run.endedAt = textField(record, "ended");
    run.seconds = numberField(record, "seconds");
    run.epochsPlanned =
        static_cast<int>(std::clamp(numberField(record, "epochs_planned"), 0.0, 1e9));
    if (run.status == RunStatus::Running && !FolderLock::isHeld(run.folder)) {
        run.status = RunStatus::Crashed;
        run.message = "The process training it ended without a word (killed, or the machine "
                      "stopped); resume it from its last checkpoint";
        // What it was writing when it died is a half-written temporary: taking the folder's
        // lock for a moment removes those (the checkpoint itself is written atomically).
        try {
            FolderLock cleanup(run.folder);
        } catch (const Error &) {
            // Someone took it meanwhile (a resume): theirs to clean.
        }
    }
    if (run.status == RunStatus::Running)
        run.seconds +=
            std::max(0.0, internal::unixSecondsNow() - numberField(record, "session_started_unix"));

    try {
        const nlohmann::json labels =
            readRunJson(run.folder + "/" + internal::kRunLabelsFile, "strata-run-labels");
        if (std::string name = textField(labels, "name"); !name.empty())
            run.name = name;
        run.note = textField(labels, "note");
        if (const auto it = labels.find("tags"); it != labels.end() && it->is_array())
            for (const auto &tag : *it)
                if (tag.is_string())
                    run.tags.push_back(tag.get<std::string>());
    } catch (const Error &e) {
        if (fs::exists(run.folder + "/" + internal::kRunLabelsFile))
            run.problem = e.what();
    }

    std::string historyProblem;
    run.history =
        internal::readHistorySoFar(run.folder + "/" + internal::kHistoryFileName, historyProblem);
    if (!historyProblem.empty() && run.problem.empty())
        run.problem = historyProblem;
    run.epochs = static_cast<int>(run.history.size());
    double trained = 0;
    for (const EpochMetrics &m : run.history) {
        trained += m.seconds;
        run.validation = run.validation || m.hasValidation;
    }
    if (run.status == RunStatus::Crashed)
        run.seconds =
            std::max(run.seconds + internal::crashedSessionSeconds(run.folder, record), trained);
    for (const EpochMetrics &m : run.history) {
        if (run.validation && !m.hasValidation)
            continue;
        const double accuracy = run.validation ? m.valAccuracy : m.accuracy;
        const double loss = run.validation ? m.valLoss : m.loss;
        if (!run.bestAccuracy || accuracy > *run.bestAccuracy)
            run.bestAccuracy = accuracy;
        if (!run.bestLoss || loss < *run.bestLoss)
            run.bestLoss = loss;
    }
    run.resumable = fs::is_regular_file(run.folder + "/checkpoint.safetensors");
    if (!run.resumable && run.problem.empty() &&
        (run.status == RunStatus::Crashed || run.status == RunStatus::Stopped))
        run.problem = "no checkpoint was written before it ended: it cannot be resumed";
    return run;
}

RunInfo RunStore::find(const std::string &idOrName) const
{
    const std::vector<RunInfo> runs = list();
    for (const RunInfo &run : runs)
        if (run.id == idOrName)
            return run;
    for (const RunInfo &run : runs)
        if (run.name == idOrName)
            return run;
    std::string known;
    for (const RunInfo &run : runs)
        known += (known.empty() ? "" : ", ") + run.id +
                 (run.name != run.id ? " (" + run.name + ")" : std::string());
    throw Error("no run called " + internal::briefQuote(idOrName) + " in " + folder_ +
                (known.empty() ? std::string(" (it holds no runs yet)") : "; its runs: " + known));
}

Project RunStore::project(const RunInfo &run) const
{
    return loadProject(run.folder + "/" + internal::kRunProjectFile);
}

std::vector<EpochMetrics> RunStore::historyWithParameters(const RunInfo &run) const
{
    std::vector<EpochMetrics> history = run.history;
    internal::readParameterLog(run.folder + "/" + internal::kParameterLogFileName, history);
    return history;
}

std::string RunStore::baseDir(const RunInfo &run) const
{
    // Beside its project, the store's folder is the project's: relative paths resolve there
    // even after the whole folder moved.
    const fs::path store(folder_);
    if (store.extension() == ".runs" &&
        fs::exists(store.parent_path() / (store.stem().string() + ".strata")))
        return store.parent_path().string();
    try {
        const nlohmann::json record =
            readRunJson(run.folder + "/" + internal::kRunRecordFile, "strata-run");
        if (std::string dir = textField(record, "base_dir"); !dir.empty())
            return dir;
    } catch (const Error &) {
    }
    return store.parent_path().string();
}

std::string RunStore::create(const Project &project, const std::string &baseDir)
{
    std::error_code ec;
    fs::create_directories(folder_, ec);
    if (ec)
        throw Error(folder_ + ": cannot create the folder for the project's runs (" + ec.message() +
                    ")");
    int next = 1;
    for (const auto &entry : fs::directory_iterator(folder_, ec))
        next = std::max(next, internal::runNumber(entry.path().filename().string()) + 1);
    for (;; ++next) {
        const std::string id = "run-" + std::to_string(next);
        const fs::path folder = fs::path(folder_) / id;
        if (!fs::create_directory(folder, ec)) {
            if (ec)
                throw Error(folder.string() + ": cannot be created (" + ec.message() + ")");
            continue; // another process took this number
        }
        saveProject(project, (folder / internal::kRunProjectFile).string());
        nlohmann::json record = {
            {"id", id},
            {"status", "running"},
            {"started", internal::isoTimeNow()},
            {"session_started_unix", internal::unixSecondsNow()},
            {"seconds", 0.0},
            {"epochs_planned", project.training.epochs},
            {"device", project.training.device},
            {"engine_version", internal::engineVersion()},
            {"base_dir",
             fs::absolute(baseDir.empty() ? "." : baseDir).lexically_normal().string()}};
        internal::writeRunJson((folder / internal::kRunRecordFile).string(), record, "strata-run");
        return id;
    }
}

namespace {

// The user's labels of the run, as the file holds them (an empty object when none yet).
nlohmann::json readLabels(const std::string &folder)
{
    const std::string path = folder + "/" + internal::kRunLabelsFile;
    if (!fs::exists(path))
        return nlohmann::json::object();
    nlohmann::json labels = readRunJson(path, "strata-run-labels");
    labels.erase("format");
    labels.erase("version");
    return labels;
}

} // namespace

void RunStore::rename(const std::string &id, const std::string &name)
{
    const RunInfo run = find(id);
    if (name.empty() || name.find_first_not_of(" \t") == std::string::npos)
        throw Error("a run's name cannot be empty");
    if (name.size() > 200)
        throw Error("a run's name can have at most 200 characters");
    for (const RunInfo &other : list())
        if (other.id != run.id && (other.name == name || other.id == name))
            throw Error("another run is already called " + internal::briefQuote(name) +
                        "; choose another name");
    nlohmann::json labels = readLabels(run.folder);
    labels["name"] = name;
    internal::writeRunJson(run.folder + "/" + internal::kRunLabelsFile, labels,
                           "strata-run-labels");
}

void RunStore::setTags(const std::string &id, const std::vector<std::string> &tags)
{
    const RunInfo run = find(id);
    nlohmann::json labels = readLabels(run.folder);
    labels["tags"] = tags;
    internal::writeRunJson(run.folder + "/" + internal::kRunLabelsFile, labels,
                           "strata-run-labels");
}

void RunStore::setNote(const std::string &id, const std::string &note)
{
    const RunInfo run = find(id);
    nlohmann::json labels = readLabels(run.folder);
    labels["note"] = note;
    internal::writeRunJson(run.folder + "/" + internal::kRunLabelsFile, labels,
                           "strata-run-labels");
}

void RunStore::remove(const std::string &id)
{
    if (internal::runNumber(id) <= 0)
        throw Error(internal::briefQuote(id) + " is not a run of " + folder_);
    const std::string folder = (fs::path(folder_) / id).string();
    if (!fs::is_directory(folder))
        throw Error("no run " + id + " in " + folder_);
    {
        FolderLock lock(folder); // refuses while the run trains
        std::error_code ec;
        fs::remove_all(folder, ec);
        if (ec)
            throw Error(folder + ": could not be deleted (" + ec.message() + ")");
    }
}

} // namespace strata
