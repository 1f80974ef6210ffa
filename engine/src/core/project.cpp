#include "strata/project.h"

#include "strata/backend.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <type_traits>
#include <utility>

namespace strata {

namespace {

using json = nlohmann::json;

// Whether v holds a T exactly. nlohmann's get<T>() is lenient where a project file must not
// be: it turns true into 1, truncates 2.5 to 2 and wraps -1 round to a huge unsigned seed.
template <typename T> bool holds(const json &v)
{
    if constexpr (std::is_same_v<T, bool>) {
        return v.is_boolean();
    } else if constexpr (std::is_same_v<T, std::string>) {
        return v.is_string();
    } else if constexpr (std::is_floating_point_v<T>) {
        return v.is_number();
    } else {
        static_assert(std::is_integral_v<T>);
        if (v.is_number_unsigned())
            return v.get<uint64_t>() <= uint64_t(std::numeric_limits<T>::max());
        if (v.is_number_integer())
            return std::in_range<T>(v.get<int64_t>());
        return false;
    }
}

template <typename T>
void read(const json &j, const char *key, T &out, const std::string &path, const char *expected)
{
    if (!j.contains(key))
        return;
    const json &v = j.at(key);
    if (!holds<T>(v))
        throw ProjectError("", path + "/" + key,
                           std::string("expected ") + expected + " but found " + v.dump());
    out = v.get<T>();
}

void rejectUnknownKeys(const json &j, std::initializer_list<const char *> known,
                       const std::string &path)
{
    for (auto it = j.begin(); it != j.end(); ++it) {
        bool ok = false;
        for (const char *k : known)
            ok = ok || it.key() == k;
        if (!ok) {
            std::string names;
            for (const char *k : known)
                names += (names.empty() ? "" : ", ") + std::string(k);
            throw ProjectError("", path + "/" + it.key(),
                               "unknown setting; expected one of " + names);
        }
    }
}

} // namespace

TrainingSpec trainingSpecFromJson(const json &j, const std::string &path)
{
    if (!j.is_object())
        throw ProjectError("", path, std::string("expected an object but found ") + j.type_name());
    rejectUnknownKeys(j,
                      {"epochs", "batch_size", "optimizer", "schedule", "loss",
                       "validation_split", "shuffle", "early_stopping_patience", "keep_best",
                       "seed", "device", "init", "threads"},
                      path);
    TrainingSpec s;
    read(j, "epochs", s.epochs, path, "a whole number of epochs");
    read(j, "batch_size", s.batchSize, path, "a whole number");
    read(j, "loss", s.loss, path, "a loss name");
    read(j, "validation_split", s.validationSplit, path, "a fraction");
    read(j, "shuffle", s.shuffle, path, "true or false");
    read(j, "early_stopping_patience", s.earlyStoppingPatience, path, "a whole number");
    read(j, "keep_best", s.keepBest, path, "true or false");
    read(j, "seed", s.seed, path, "a non-negative whole number");
    read(j, "device", s.device, path, "a device name");
    read(j, "init", s.init, path, "\"keras\" or \"pytorch\"");
    read(j, "threads", s.threads, path, "a whole number");
    if (j.contains("optimizer"))
        s.optimizer = optimizerSpecFromJson(j.at("optimizer"), path + "/optimizer");
    if (j.contains("schedule"))
        s.schedule = scheduleSpecFromJson(j.at("schedule"), path + "/schedule");
    if (s.epochs < 1 || s.epochs > 100000)
        throw ProjectError("", path + "/epochs",
                           "expected between 1 and 100000 epochs but found " +
                               std::to_string(s.epochs));
    if (s.batchSize < 1 || s.batchSize > 65536)
        throw ProjectError("", path + "/batch_size",
                           "expected a batch size between 1 and 65536 but found " +
                               std::to_string(s.batchSize));
    if (!(s.validationSplit >= 0 && s.validationSplit < 1))
        throw ProjectError("", path + "/validation_split",
                           "expected a fraction in [0, 1) but found " +
                               std::to_string(s.validationSplit));
    if (s.earlyStoppingPatience < 0)
        throw ProjectError("", path + "/early_stopping_patience", "expected 0 (off) or more");
    if (s.threads < 0 || s.threads > 1024)
        throw ProjectError("", path + "/threads", "expected 0 (all cores) or a thread count");
    try {
        parseLossKind(s.loss);
    } catch (const Error &e) {
        throw ProjectError("", path + "/loss", e.what());
    }
    if (s.init != "keras" && s.init != "pytorch")
        throw ProjectError("", path + "/init",
                           "expected \"keras\" or \"pytorch\" but found \"" + s.init + "\"");
    return s;
}

json toJson(const TrainingSpec &s)
{
    return {{"epochs", s.epochs},
            {"batch_size", s.batchSize},
            {"optimizer", toJson(s.optimizer)},
            {"schedule", toJson(s.schedule)},
            {"loss", s.loss},
            {"validation_split", s.validationSplit},
            {"shuffle", s.shuffle},
            {"early_stopping_patience", s.earlyStoppingPatience},
            {"keep_best", s.keepBest},
            {"seed", s.seed},
            {"device", s.device},
            {"init", s.init},
            {"threads", s.threads}};
}

Project projectFromJson(const json &j, const std::string &file)
{
    try {
        if (!j.is_object())
            throw ProjectError(file, "", std::string("expected a JSON object but found ") +
                                             j.type_name());
        if (!j.contains("format_version") || !holds<int>(j.at("format_version")))
            throw ProjectError(file, "/format_version",
                               "expected the project format version (a whole number); is "
                               "this a Strata project?");
        const int version = j.at("format_version").get<int>();
        if (version > kProjectFormatVersion)
            throw ProjectError(file, "/format_version",
                               "this project was saved by a newer Strata (format " +
                                   std::to_string(version) + "; this version reads up to " +
                                   std::to_string(kProjectFormatVersion) +
                                   "): update Strata to open it");
        if (version < 1)
            throw ProjectError(file, "/format_version",
                               "expected a version of at least 1 but found " +
                                   std::to_string(version));
        Project p;
        read(j, "name", p.name, "", "a string");
        read(j, "description", p.description, "", "a string");
        if (!j.contains("model"))
            throw ProjectError(file, "/model", "expected the model (nodes and edges)");
        p.graph = Graph::fromJson(j.at("model"), file, "/model");
        if (j.contains("dataset"))
            p.dataset = datasetSpecFromJson(j.at("dataset"), "/dataset");
        if (j.contains("training"))
            p.training = trainingSpecFromJson(j.at("training"), "/training");
        if (j.contains("ui"))
            p.ui = j.at("ui");
        return p;
    } catch (const ProjectError &e) {
        if (!e.file().empty() || file.empty())
            throw;
        // Rebuild the message with the file in front: drop the "jsonPath: " prefix.
        const size_t prefix = e.jsonPath().empty() ? 0 : e.jsonPath().size() + 2;
        throw ProjectError(file, e.jsonPath(), e.what() + prefix);
    } catch (const json::exception &e) {
        throw ProjectError(file, "", std::string("malformed project: ") + e.what());
    }
}

json toJson(const Project &p)
{
    json j;
    j["format_version"] = kProjectFormatVersion;
    j["name"] = p.name;
    if (!p.description.empty())
        j["description"] = p.description;
    j["model"] = p.graph.toJson();
    j["dataset"] = toJson(p.dataset);
    j["training"] = toJson(p.training);
    j["ui"] = p.ui;
    return j;
}

Project loadProject(const std::string &path)
{
    // A folder opens as a stream but reads as nothing: say what it is instead of "bad JSON".
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw ProjectError(path, "", "this is a folder; open the .strata file inside it");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ProjectError(path, "", "cannot open the file (does it exist, and may you read it?)");
    std::stringstream buffer;
    buffer << in.rdbuf();
    json j;
    try {
        j = json::parse(buffer.str());
    } catch (const json::parse_error &e) {
        // Turn the byte offset into a line and column the user can find.
        const std::string text = buffer.str();
        size_t line = 1, col = 1;
        for (size_t i = 0; i < std::min(e.byte > 0 ? e.byte - 1 : 0, text.size()); ++i) {
            if (text[i] == '\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
        throw ProjectError(path, "",
                           "not valid JSON at line " + std::to_string(line) + ", column " +
                               std::to_string(col) + " (" + e.what() + ")");
    }
    return projectFromJson(j, path);
}

void saveProject(const Project &project, const std::string &path)
{
    // Serialise first: dump() throws on text that is not UTF-8, and a failure here must
    // leave neither a temporary file nor a damaged project behind.
    std::string text;
    try {
        text = toJson(project).dump(2) + '\n';
    } catch (const json::exception &e) {
        throw Error("Cannot write " + path + ": some of its text is not valid UTF-8 (" + e.what() +
                    ")");
    }
    const std::string tmp = path + ".saving";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw Error("Cannot write " + path + ": the folder is missing or read-only");
        out << text;
        out.flush();
        if (!out) {
            std::remove(tmp.c_str());
            throw Error("Cannot write " + path + ": the disk may be full");
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::remove(tmp.c_str());
        throw Error("Cannot replace " + path + ": " + ec.message());
    }
}

std::string projectBaseDir(const std::string &projectPath)
{
    auto parent = std::filesystem::path(projectPath).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

} // namespace strata
