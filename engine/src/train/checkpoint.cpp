#include "train/checkpoint.h"

#include "io/json_text.h"
#include "strata/errors.h"
#include "strata/safetensors.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace strata::internal {

namespace {
const char *kWeight = "weight/";
const char *kOptim = "optim/";
const char *kBest = "best/";

bool startsWith(const std::string &s, const char *prefix)
{
    return s.rfind(prefix, 0) == 0;
}
} // namespace

void writeCheckpoint(const std::string &path, const Checkpoint &c)
{
    NamedTensors all;
    for (const auto &[name, t] : c.weights)
        all.emplace_back(kWeight + name, t);
    for (const auto &[name, t] : c.optimizer)
        all.emplace_back(kOptim + name, t);
    for (const auto &[name, t] : c.best)
        all.emplace_back(kBest + name, t);
    nlohmann::json state = c.state;
    state["format"] = kCheckpointFormat;
    writeSafetensors(path, all, {{"strata_checkpoint", state.dump()}});
}

Checkpoint readCheckpoint(const std::string &path)
{
    SafetensorsFile file = readSafetensors(path);
    auto it = file.metadata.find("strata_checkpoint");
    if (it == file.metadata.end())
        throw Error(path + ": not a Strata checkpoint (no training state in it); pass a "
                           "checkpoint.safetensors written by strata-cli train or the studio");
    Checkpoint c;
    try {
        c.state = parseJsonText(it->second, "");
    } catch (const JsonTextError &e) {
        throw Error(path + ": the checkpoint's training state is damaged (" + e.what() + ")");
    }
    if (!c.state.is_object() || c.state.value("format", 0) != kCheckpointFormat)
        throw Error(path + ": unsupported checkpoint format; it was written by another version "
                           "of Strata");
    for (auto &[name, t] : file.tensors) {
        if (startsWith(name, kWeight))
            c.weights.emplace_back(name.substr(7), t);
        else if (startsWith(name, kOptim))
            c.optimizer.emplace_back(name.substr(6), t);
        else if (startsWith(name, kBest))
            c.best.emplace_back(name.substr(5), t);
    }
    return c;
}

namespace {

// A whole number in [lo, hi]: nlohmann's get<int>() of a larger or fractional number is
// undefined behaviour, so the type and range are checked first.
int64_t wholeNumber(const nlohmann::json &v, const char *what, int64_t lo, int64_t hi)
{
    const bool tooLarge =
        v.is_number_unsigned() &&
        v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (!v.is_number_integer() || tooLarge || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
        throw Error(std::string(what) + " is " + briefJson(v, 40) + ", not a whole number from " +
                    std::to_string(lo) + " to " + std::to_string(hi));
    return v.get<int64_t>();
}

EpochMetrics epochMetricsFromJsonUnchecked(const nlohmann::json &j)
{
    EpochMetrics m;
    m.epoch = static_cast<int>(wholeNumber(j.at("epoch"), "\"epoch\"", 1, 1'000'000'000)) - 1;
    m.loss = j.at("loss").get<double>();
    m.accuracy = j.at("accuracy").get<double>();
    m.seconds = j.value("seconds", 0.0);
    m.dataWaitSeconds = j.value("data_wait_seconds", 0.0);
    m.samplesPerSecond = j.value("samples_per_second", 0.0);
    m.learningRate = j.value("lr", 0.0);
    m.best = j.value("best", false);
    if (j.contains("val_loss")) {
        m.hasValidation = true;
        m.valLoss = j.at("val_loss").get<double>();
        m.valAccuracy = j.at("val_accuracy").get<double>();
    }
    if (j.contains("confusion")) {
        const nlohmann::json &rows = j.at("confusion");
        if (!rows.is_array())
            throw Error("\"confusion\" is not a list of rows");
        for (const nlohmann::json &row : rows) {
            if (!row.is_array() || row.size() != rows.size())
                throw Error("\"confusion\" is not a square table of counts");
            std::vector<int64_t> counts;
            counts.reserve(row.size());
            for (const nlohmann::json &count : row)
                counts.push_back(wholeNumber(count, "a confusion count", 0,
                                             std::numeric_limits<int64_t>::max()));
            m.confusion.push_back(std::move(counts));
        }
    }
    return m;
}

} // namespace

nlohmann::json toJson(const EpochMetrics &m)
{
    nlohmann::json j{{"epoch", m.epoch + 1},
                     {"loss", m.loss},
                     {"accuracy", m.accuracy},
                     {"seconds", m.seconds},
                     {"data_wait_seconds", m.dataWaitSeconds},
                     {"samples_per_second", m.samplesPerSecond},
                     {"lr", m.learningRate},
                     {"best", m.best}};
    if (m.hasValidation) {
        j["val_loss"] = m.valLoss;
        j["val_accuracy"] = m.valAccuracy;
    }
    if (!m.confusion.empty())
        j["confusion"] = m.confusion;
    return j;
}

EpochMetrics epochMetricsFromJson(const nlohmann::json &j)
{
    try {
        return epochMetricsFromJsonUnchecked(j);
    } catch (const nlohmann::json::exception &e) {
        throw Error("an epoch of the history is damaged (" + briefQuote(e.what(), 120) +
                    "): " + briefJson(j, 80));
    } catch (const Error &e) {
        throw Error("an epoch of the history is damaged (" + briefQuote(e.what(), 120) +
                    "): " + briefJson(j, 80));
    }
}

} // namespace strata::internal
