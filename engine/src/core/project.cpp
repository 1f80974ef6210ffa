#include "strata/project.h"

#include "io/atomic_file.h"
#include "io/json_reader.h"
#include "io/json_text.h"
#include "strata/backend.h"
#include "strata/precision.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

namespace strata {

namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;
using internal::JsonObjectReader;

// The order a project is written in when no project file is there yet: what a reader looks for
// first.
const ordered_json &formatKeyOrder()
{
    static const ordered_json order = ordered_json::parse(R"({
        "format_version": 0, "name": 0, "description": 0,
        "model": {"nodes": [{"id": 0, "type": 0, "name": 0, "params": 0}],
                  "edges": [{"from": 0, "to": 0}]},
        "dataset": {"kind": 0}, "training": {"epochs": 0, "batch_size": 0}, "ui": 0})");
    return order;
}

// The key order of the project file at path, or null when there is none that reads as JSON.
ordered_json keyOrderOf(const std::string &path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return nullptr;
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    try {
        internal::parseJsonText(buffer.str(), ""); // the strict read: depth and size bounded
        return ordered_json::parse(buffer.str());
    } catch (const std::exception &) {
        return nullptr;
    }
}

// value with its objects' keys in order's order; keys order lacks follow, sorted. An array's
// elements follow order's element at the same index (its last one past its end).
ordered_json inKeyOrder(const json &value, const ordered_json *order)
{
    switch (value.type()) {
    case json::value_t::object: {
        ordered_json out = ordered_json::object();
        if (order && order->is_object())
            for (auto it = order->begin(); it != order->end(); ++it)
                if (const auto v = value.find(it.key()); v != value.end())
                    out[it.key()] = inKeyOrder(*v, &it.value());
        for (auto it = value.begin(); it != value.end(); ++it)
            if (!out.contains(it.key()))
                out[it.key()] = inKeyOrder(it.value(), nullptr);
        return out;
    }
    case json::value_t::array: {
        ordered_json out = ordered_json::array();
        const bool ordered = order && order->is_array() && !order->empty();
        for (size_t i = 0; i < value.size(); ++i)
            out.push_back(inKeyOrder(value[i], ordered ? &(*order)[std::min(i, order->size() - 1)]
                                                       : nullptr));
        return out;
    }
    case json::value_t::boolean:
        return value.get<bool>();
    case json::value_t::number_integer:
        return value.get<int64_t>();
    case json::value_t::number_unsigned:
        return value.get<uint64_t>();
    case json::value_t::number_float:
        return value.get<double>();
    case json::value_t::string:
        return value.get_ref<const std::string &>();
    default:
        return nullptr;
    }
}

} // namespace

TrainingSpec trainingSpecFromJson(const json &j, const std::string &path)
{
    TrainingSpec s;
    JsonObjectReader r(j, path);
    r.integer("epochs", s.epochs, 1, 100000);
    r.integer("batch_size", s.batchSize, 1, 65536);
    if (const json *v = r.find("optimizer"))
        s.optimizer = optimizerSpecFromJson(*v, r.pathOf("optimizer"));
    if (const json *v = r.find("schedule"))
        s.schedule = scheduleSpecFromJson(*v, r.pathOf("schedule"));
    r.string("loss", s.loss);
    r.number("validation_split", s.validationSplit, {0, 1, false, true});
    r.boolean("shuffle", s.shuffle);
    r.integer("early_stopping_patience", s.earlyStoppingPatience, 0);
    r.boolean("keep_best", s.keepBest);
    r.integer("seed", s.seed);
    r.string("device", s.device);
    r.choice("init", s.init, {"keras", "pytorch"});
    r.integer("threads", s.threads, 0, 1024);
    r.choice("precision", s.precision, precisionNames());
    r.finish();
    try {
        parseLossKind(s.loss);
    } catch (const Error &e) {
        throw ProjectError("", path + "/loss", e.what());
    }
    return s;
}

json toJson(const TrainingSpec &s)
{
    json j = {{"epochs", s.epochs},
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
    if (s.precision != toString(Precision::Fp32)) // so fp32 projects stay as they were
        j["precision"] = s.precision;
    return j;
}

Project projectFromJson(const json &j, const std::string &file)
{
    try {
        if (!j.is_object())
            throw ProjectError(file, "",
                               std::string("expected a JSON object but found ") + j.type_name());
        JsonObjectReader r(j, "");
        int64_t version = 0;
        if (const json *v = r.find("format_version");
            !v || !internal::asInteger(*v, version) || !std::in_range<int>(version))
            throw ProjectError(file, "/format_version",
                               "expected the project format version (a whole number); is "
                               "this a Strata project?");
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
        r.string("name", p.name);
        r.string("description", p.description);
        const json *model = r.find("model");
        if (!model)
            throw ProjectError(file, "/model", "expected the model (nodes and edges)");
        p.graph = Graph::fromJson(*model, file, "/model");
        if (const json *v = r.find("dataset"))
            p.dataset = datasetSpecFromJson(*v, "/dataset");
        if (const json *v = r.find("training"))
            p.training = trainingSpecFromJson(*v, "/training");
        if (const json *v = r.find("ui"))
            p.ui = *v;
        r.finish();
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
    // A folder opens as a stream but reads as nothing, and a named pipe waits for a writer:
    // say what it is instead.
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (std::filesystem::is_directory(status))
        throw ProjectError(path, "", "this is a folder; open the .strata file inside it");
    if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
        throw ProjectError(path, "",
                           "this is not a regular file (a pipe or a device); open a "
                           ".strata file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ProjectError(path, "", "cannot open the file (does it exist, and may you read it?)");
    std::stringstream buffer;
    buffer << in.rdbuf();
    json j;
    try {
        j = internal::parseJsonText(buffer.str(), "");
    } catch (const internal::JsonTextError &e) {
        throw ProjectError(path, "", e.what());
    }
    return projectFromJson(j, path);
}

void saveProject(const Project &project, const std::string &path)
{
    // Serialise first: dump() throws on text that is not UTF-8, and a failure here must
    // leave neither a temporary file nor a damaged project behind.
    std::string text;
    try {
        // The file it replaces keeps its key order, so a diff shows only what changed.
        const ordered_json existing = keyOrderOf(path);
        text = inKeyOrder(toJson(project), existing.is_object() ? &existing : &formatKeyOrder())
                   .dump(2) +
               '\n';
    } catch (const json::exception &e) {
        throw Error("Cannot write " + path + ": some of its text is not valid UTF-8 (" + e.what() +
                    ")");
    }
    internal::writeFileAtomically(path, text);
}

std::string projectBaseDir(const std::string &projectPath)
{
    auto parent = std::filesystem::path(projectPath).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

} // namespace strata
