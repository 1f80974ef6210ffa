// strata-cli runs: the project's stored runs as a table (or JSON with --json), one line each,
// with what is wrong with a run that cannot be read or resumed below it.

#include "cli.h"

#include "strata/project.h"
#include "strata/run_store.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace strata::cli {

namespace {

std::string duration(double seconds)
{
    char text[32];
    const long long s = static_cast<long long>(seconds + 0.5);
    if (s < 60)
        std::snprintf(text, sizeof text, "%.1fs", seconds);
    else if (s < 3600)
        std::snprintf(text, sizeof text, "%lldm %02llds", s / 60, s % 60);
    else
        std::snprintf(text, sizeof text, "%lldh %02lldm", s / 3600, (s / 60) % 60);
    return text;
}

std::string figure(const std::optional<double> &value, const char *format)
{
    if (!value)
        return "-";
    char text[32];
    std::snprintf(text, sizeof text, format, *value);
    return text;
}

nlohmann::json toJson(const RunInfo &run)
{
    nlohmann::json j = {{"id", run.id},
                        {"name", run.name},
                        {"status", toString(run.status)},
                        {"epochs", run.epochs},
                        {"epochs_planned", run.epochsPlanned},
                        {"validation", run.validation},
                        {"best_accuracy", run.bestAccuracy ? nlohmann::json(*run.bestAccuracy)
                                                           : nlohmann::json(nullptr)},
                        {"best_loss", run.bestLoss ? nlohmann::json(*run.bestLoss)
                                                   : nlohmann::json(nullptr)},
                        {"seconds", run.seconds},
                        {"started", run.startedAt},
                        {"ended", run.endedAt},
                        {"device", run.device},
                        {"engine_version", run.engineVersion},
                        {"resumable", run.resumable},
                        {"tags", run.tags},
                        {"note", run.note},
                        {"message", run.message},
                        {"problem", run.problem},
                        {"folder", run.folder}};
    return j;
}

} // namespace

int runRuns(const Args &args)
{
    args.allowOnly({"json", "rename", "tag", "note", "delete"});
    if (args.positional.size() != 1 && !(args.positional.size() == 2 && args.has("rename")))
        throw UsageError{"expects one project file: strata-cli runs PROJECT.strata [--json], "
                         "or PROJECT.strata --rename RUN NEW-NAME"};
    const std::string path = args.positional[0];
    const Project project = loadProject(path);
    RunStore store(runStoreFor(path, project.name));
    // The labels, and delete: one run at a time, by id or name.
    if (args.has("rename")) {
        if (args.positional.size() != 2)
            throw UsageError{"--rename RUN expects the new name after the project: "
                             "strata-cli runs PROJECT.strata --rename RUN NEW-NAME"};
        const RunInfo run = store.find(args.get("rename"));
        store.rename(run.id, args.positional[1]);
        std::printf("Renamed %s to %s\n", run.id.c_str(), args.positional[1].c_str());
        return 0;
    }
    if (args.has("tag") || args.has("note")) {
        const std::string value = args.get(args.has("tag") ? "tag" : "note");
        const size_t eq = value.find('=');
        if (eq == std::string::npos)
            throw UsageError{"--tag and --note take RUN=TEXT (tags separated by commas)"};
        const RunInfo run = store.find(value.substr(0, eq));
        const std::string text = value.substr(eq + 1);
        if (args.has("note")) {
            store.setNote(run.id, text);
        } else {
            std::vector<std::string> tags;
            size_t start = 0;
            while (start <= text.size()) {
                const size_t comma = std::min(text.find(',', start), text.size());
                std::string tag = text.substr(start, comma - start);
                tag.erase(0, tag.find_first_not_of(' '));
                tag.erase(tag.find_last_not_of(' ') + 1);
                if (!tag.empty())
                    tags.push_back(tag);
                start = comma + 1;
            }
            store.setTags(run.id, tags);
        }
        std::printf("Labelled %s\n", run.id.c_str());
        return 0;
    }
    if (args.has("delete")) {
        const RunInfo run = store.find(args.get("delete"));
        store.remove(run.id);
        std::printf("Deleted %s (%s)\n", run.id.c_str(), run.folder.c_str());
        return 0;
    }
    const std::vector<RunInfo> runs = store.list();
    // What changed in the model since each run trained it (an unreadable run: nothing known).
    const auto changesOf = [&](const RunInfo &run) -> std::vector<std::string> {
        if (run.status == RunStatus::Unreadable)
            return {};
        try {
            return modelChanges(store.project(run), project);
        } catch (const std::exception &e) {
            return {std::string("its project as trained cannot be read: ") + e.what()};
        }
    };
    if (args.has("json")) {
        nlohmann::json list = nlohmann::json::array();
        for (const RunInfo &run : runs) {
            nlohmann::json j = toJson(run);
            j["model_changes"] = changesOf(run);
            list.push_back(std::move(j));
        }
        std::cout << nlohmann::json{{"store", store.folder()}, {"runs", list}}.dump(2) << "\n";
        return 0;
    }
    if (runs.empty()) {
        std::printf("No runs yet in %s ('strata-cli train %s' makes one)\n",
                    store.folder().c_str(), path.c_str());
        return 0;
    }
    size_t nameWidth = 4;
    for (const RunInfo &run : runs)
        nameWidth = std::max(nameWidth, std::min<size_t>(run.name.size(), 32));
    const bool validation = std::any_of(runs.begin(), runs.end(),
                                        [](const RunInfo &r) { return r.validation; });
    std::printf("Runs of %s in %s\n", path.c_str(), store.folder().c_str());
    std::printf("%-*s  %-10s  %-11s  %-9s  %-9s  %-9s  %-19s  %s\n", int(nameWidth), "name",
                "status", "epochs", "best acc", "best loss",
                "duration", "started", "tags");
    for (const RunInfo &run : runs) {
        const std::string epochs =
            std::to_string(run.epochs) + "/" + std::to_string(run.epochsPlanned);
        std::string started = run.startedAt;
        if (started.size() >= 19) {
            started[10] = ' ';
            started.resize(19);
        }
        std::string tags;
        for (const std::string &tag : run.tags)
            tags += (tags.empty() ? "" : ", ") + tag;
        std::printf("%-*s  %-10s  %-11s  %-9s  %-9s  %-9s  %-19s  %s\n", int(nameWidth),
                    run.name.substr(0, 32).c_str(), toString(run.status).c_str(), epochs.c_str(),
                    figure(run.bestAccuracy, "%.4f").c_str(), figure(run.bestLoss, "%.4f").c_str(),
                    duration(run.seconds).c_str(), started.c_str(), tags.c_str());
        if (!run.problem.empty())
            std::printf("  %s\n", run.problem.c_str());
        if (const std::vector<std::string> changes = changesOf(run); !changes.empty())
            std::printf("  its model differs from the project's now (%zu change%s: %s%s)\n",
                        changes.size(), changes.size() == 1 ? "" : "s", changes[0].c_str(),
                        changes.size() > 1 ? ", …" : "");
        else if (run.status == RunStatus::Crashed || run.status == RunStatus::Failed ||
                 run.status == RunStatus::Diverged)
            std::printf("  %s\n", run.message.c_str());
    }
    std::printf("Best figures are on the %s; 'strata-cli train %s --resume NAME' continues a "
                "stopped or crashed run.\n",
                validation ? "validation data (the training data for a run without it)"
                           : "training data",
                path.c_str());
    return 0;
}

} // namespace strata::cli
