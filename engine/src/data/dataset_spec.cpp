// DatasetSpec <-> JSON. Keys are the struct's members in snake_case, read by the strict
// JsonObjectReader (io/json_reader.h): a missing key keeps the struct's default; an unknown
// key, a value of the wrong type or an unknown kind, set or normalization is a ProjectError
// that points at the key.

#include "strata/dataset.h"

#include "io/json_reader.h"
#include "strata/errors.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace strata {

namespace {

using json = nlohmann::json;

const std::vector<std::string> kKinds = {"builtin", "idx", "cifar10", "csv", "image_folder"};
const std::vector<std::string> kColors = {"rgb", "grayscale"};
const std::vector<std::string> kNormalizations = {"none", "scale", "standardize"};

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
    DatasetSpec spec;
    internal::JsonObjectReader r(j, jsonPath);
    r.choice("kind", spec.kind, kKinds);
    if (spec.kind == "builtin")
        r.choice("name", spec.name, builtinNames());
    else
        r.string("name", spec.name);
    r.integer("samples", spec.samples, 0);
    r.number("noise", spec.noise, {0});
    r.integer("classes", spec.classes, 0);
    r.integer("features", spec.features, 0);
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
    if (const json *v = r.find("label_column"); v && !v->is_string()) {
        int64_t column = -1;
        if (!internal::asInteger(*v, column) || column < 0)
            r.wrong("label_column", "a column name or a 0-based column index", *v);
        spec.labelColumn = std::to_string(column);
    } else {
        r.string("label_column", spec.labelColumn);
    }
    r.string("train_folder", spec.trainFolder);
    r.string("test_folder", spec.testFolder);
    if (const json *v = r.find("image_size")) {
        int64_t h = 0, w = 0;
        if (!v->is_array() || v->size() != 2 || !internal::asInteger((*v)[0], h) ||
            !internal::asInteger((*v)[1], w) || h < 1 || h > kMaxImageSize || w < 1 ||
            w > kMaxImageSize)
            r.wrong("image_size",
                    "[height, width], two whole numbers from 1 to " + std::to_string(kMaxImageSize),
                    *v);
        spec.imageHeight = int(h);
        spec.imageWidth = int(w);
    }
    r.choice("color", spec.color, kColors);
    r.boolean("skip_bad_files", spec.skipBadFiles);
    r.integer("limit", spec.limit, 0);
    r.integer("test_limit", spec.testLimit, 0);
    r.choice("normalization", spec.normalization, kNormalizations);
    r.strings("class_names", spec.classNames);
    if (const json *v = r.find("augmentation"))
        spec.augmentation = augmentationFromJson(*v, r.pathOf("augmentation"));
    r.finish();
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
    } else if (spec.kind == "image_folder") {
        put("train_folder", spec.trainFolder);
        put("test_folder", spec.testFolder);
        if (spec.imageHeight > 0 || spec.imageWidth > 0)
            j["image_size"] = {spec.imageHeight, spec.imageWidth};
        j["color"] = spec.color;
        if (spec.skipBadFiles)
            j["skip_bad_files"] = true;
    }
    if (spec.limit)
        j["limit"] = spec.limit;
    if (spec.testLimit)
        j["test_limit"] = spec.testLimit;
    if (!spec.classNames.empty())
        j["class_names"] = spec.classNames;
    j["normalization"] = spec.normalization;
    if (spec.augmentation.active())
        j["augmentation"] = toJson(spec.augmentation);
    return j;
}

} // namespace strata
