// DatasetSpec <-> JSON. Keys are the struct's members in snake_case; a missing key keeps the
// struct's default, an unknown key is ignored (newer files may carry more), and a value of
// the wrong type or an unknown kind, set or normalization is a ProjectError that points at
// the key.

#include "strata/dataset.h"
#include "strata/errors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace strata {

namespace {

using json = nlohmann::json;

const std::vector<std::string> kKinds = {"builtin", "idx", "cifar10", "csv"};
const std::vector<std::string> kNormalizations = {"none", "scale", "standardize"};

std::string found(const json &v)
{
    std::string s = v.type_name();
    if (v.is_primitive() && !v.is_null()) {
        std::string text = v.dump();
        if (text.size() > 40)
            text = text.substr(0, 37) + "...";
        s += " " + text;
    }
    return s;
}

[[noreturn]] void wrong(const std::string &path, const std::string &expected, const json &v)
{
    throw ProjectError("", path, "expected " + expected + " but found " + found(v));
}

std::string oneOf(const std::vector<std::string> &choices)
{
    std::string s = "one of";
    for (size_t i = 0; i < choices.size(); ++i)
        s += (i ? ", " : " ") + choices[i];
    return s;
}

class Reader
{
public:
    Reader(const json &j, const std::string &path) : j_(j), path_(path) {}

    const json *find(const char *key) const
    {
        const auto it = j_.find(key);
        return it == j_.end() ? nullptr : &*it;
    }
    std::string at(const char *key) const { return path_ + "/" + key; }

    void string(const char *key, std::string &out) const
    {
        if (const json *v = find(key)) {
            if (!v->is_string())
                wrong(at(key), "a string", *v);
            out = v->get<std::string>();
        }
    }
    void choice(const char *key, std::string &out, const std::vector<std::string> &choices) const
    {
        string(key, out);
        if (find(key) && std::find(choices.begin(), choices.end(), out) == choices.end())
            wrong(at(key), oneOf(choices), *find(key));
    }
    template <typename T> void integer(const char *key, T &out, T min = 0) const
    {
        if (const json *v = find(key)) {
            const T max = std::numeric_limits<T>::max();
            // Compare without converting the limits, which may not fit the value's type.
            bool ok = false;
            if (v->is_number_unsigned()) {
                const uint64_t u = v->get<uint64_t>();
                ok = u <= uint64_t(max) && (min <= 0 || u >= uint64_t(min));
            } else if (v->is_number_integer()) {
                const int64_t s = v->get<int64_t>();
                ok = s >= int64_t(min) && (s < 0 || uint64_t(s) <= uint64_t(max));
            }
            if (!ok)
                wrong(at(key),
                      "an integer from " + std::to_string(min) + " to " + std::to_string(max), *v);
            out = v->get<T>();
        }
    }
    void number(const char *key, double &out) const
    {
        if (const json *v = find(key)) {
            if (!v->is_number() || v->get<double>() < 0 || !std::isfinite(v->get<double>()))
                wrong(at(key), "a number ≥ 0", *v);
            out = v->get<double>();
        }
    }
    void strings(const char *key, std::vector<std::string> &out) const
    {
        if (const json *v = find(key)) {
            if (!v->is_array())
                wrong(at(key), "an array of strings", *v);
            out.clear();
            for (size_t i = 0; i < v->size(); ++i) {
                if (!(*v)[i].is_string())
                    wrong(at(key) + "/" + std::to_string(i), "a string", (*v)[i]);
                out.push_back((*v)[i].get<std::string>());
            }
        }
    }

private:
    const json &j_;
    std::string path_;
};

std::vector<std::string> builtinNames()
{
    std::vector<std::string> names;
    for (const auto &[name, description] : builtinDatasets())
        names.push_back(name);
    return names;
}

} // namespace

DatasetSpec datasetSpecFromJson(const nlohmann::json &j, const std::string &jsonPath)
{
    if (!j.is_object())
        wrong(jsonPath, "an object", j);
    DatasetSpec spec;
    try {
        const Reader r(j, jsonPath);
        r.choice("kind", spec.kind, kKinds);
        if (spec.kind == "builtin")
            r.choice("name", spec.name, builtinNames());
        else
            r.string("name", spec.name);
        r.integer("samples", spec.samples);
        r.number("noise", spec.noise);
        r.integer("classes", spec.classes);
        r.integer("features", spec.features);
        r.integer("seed", spec.seed);
        r.string("train_images", spec.trainImages);
        r.string("train_labels", spec.trainLabels);
        r.string("test_images", spec.testImages);
        r.string("test_labels", spec.testLabels);
        r.strings("train_files", spec.trainFiles);
        r.string("test_file", spec.testFile);
        r.string("class_names_file", spec.classNamesFile);
        r.string("train_csv", spec.trainCsv);
        r.string("test_csv", spec.testCsv);
        // A column index may be written as a number; the spec keeps it as text.
        if (const json *v = r.find("label_column");
            v && v->is_number_integer() && v->get<int64_t>() >= 0)
            spec.labelColumn = std::to_string(v->get<int64_t>());
        else if (v && !v->is_string())
            wrong(r.at("label_column"), "a column name or a 0-based column index", *v);
        else
            r.string("label_column", spec.labelColumn);
        r.integer("limit", spec.limit);
        r.integer("test_limit", spec.testLimit);
        r.choice("normalization", spec.normalization, kNormalizations);
        r.strings("class_names", spec.classNames);
    } catch (const json::exception &e) {
        // The checks above should leave nothing for the library to refuse; if it still
        // does, the user gets the location rather than a crash.
        throw ProjectError("", jsonPath, std::string("invalid dataset: ") + e.what());
    }
    return spec;
}

nlohmann::json toJson(const DatasetSpec &spec)
{
    json j;
    j["kind"] = spec.kind;
    const auto put = [&](const char *key, const std::string &value) {
        if (!value.empty())
            j[key] = value;
    };
    if (spec.kind == "builtin") {
        j["name"] = spec.name;
        j["seed"] = spec.seed;
        if (spec.samples)
            j["samples"] = spec.samples;
        if (spec.noise != 0.0)
            j["noise"] = spec.noise;
        if (spec.classes)
            j["classes"] = spec.classes;
        if (spec.features)
            j["features"] = spec.features;
    } else if (spec.kind == "idx") {
        put("train_images", spec.trainImages);
        put("train_labels", spec.trainLabels);
        put("test_images", spec.testImages);
        put("test_labels", spec.testLabels);
    } else if (spec.kind == "cifar10") {
        j["train_files"] = spec.trainFiles;
        put("test_file", spec.testFile);
        put("class_names_file", spec.classNamesFile);
    } else if (spec.kind == "csv") {
        put("train_csv", spec.trainCsv);
        put("test_csv", spec.testCsv);
        put("label_column", spec.labelColumn);
    }
    if (spec.limit)
        j["limit"] = spec.limit;
    if (spec.testLimit)
        j["test_limit"] = spec.testLimit;
    if (!spec.classNames.empty())
        j["class_names"] = spec.classNames;
    j["normalization"] = spec.normalization;
    return j;
}

} // namespace strata
