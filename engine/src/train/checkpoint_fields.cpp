#include "train/checkpoint_fields.h"

#include "io/json_text.h"
#include "strata/errors.h"
#include "train/checkpoint.h"
#include "train/history_log.h"

#include <cmath>
#include <filesystem>
#include <limits>

namespace strata::internal {

CheckpointFields::CheckpointFields(std::string path, const nlohmann::json &state)
    : path_(std::move(path)), state_(state)
{
}

void CheckpointFields::fail(const std::string &field, const std::string &what) const
{
    throw Error(path_ + ": the checkpoint's " + field + " " + what +
                "; it was not written for this project and dataset (resume with the project "
                "that wrote it, or train afresh)");
}

const nlohmann::json &CheckpointFields::field(const std::string &key) const
{
    const auto it = state_.find(key);
    if (it == state_.end())
        fail("'" + key + "'", "is missing");
    return *it;
}

int64_t CheckpointFields::integer(const std::string &key, int64_t lo, int64_t hi,
                                  const std::string &why) const
{
    const nlohmann::json &v = field(key);
    const bool tooLarge =
        v.is_number_unsigned() &&
        v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (!v.is_number_integer() || tooLarge)
        fail("'" + key + "'", "is " + briefJson(v, 40) + ", not a whole number in range");
    const int64_t n = v.get<int64_t>();
    if (n < lo || n > hi)
        fail("'" + key + "'", "is " + std::to_string(n) + ", outside " + std::to_string(lo) +
                                  " to " + std::to_string(hi) + " (" + why + ")");
    return n;
}

double CheckpointFields::number(const std::string &key, double lo, double hi) const
{
    const nlohmann::json &v = field(key);
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < lo ||
        v.get<double>() > hi)
        fail("'" + key + "'", "is " + briefJson(v, 40) + ", not a finite number" +
                                  (std::isfinite(lo) ? " >= " + std::to_string(lo) : ""));
    return v.get<double>();
}

bool CheckpointFields::isNull(const std::string &key) const
{
    return field(key).is_null();
}

std::array<uint64_t, 4> CheckpointFields::rngState(const std::string &key) const
{
    const nlohmann::json &v = field(key);
    std::array<uint64_t, 4> state{};
    if (!v.is_string())
        fail("'" + key + "'", "is " + briefJson(v, 40) + ", not a random-stream state");
    const std::string &text = v.get_ref<const std::string &>();
    size_t pos = 0;
    for (size_t i = 0; i < state.size(); ++i) {
        const size_t end = i + 1 < state.size() ? text.find(',', pos) : text.size();
        const std::string part = end == std::string::npos ? "" : text.substr(pos, end - pos);
        size_t used = 0;
        try {
            if (part.empty() || part[0] == '-' || part[0] == '+')
                throw std::invalid_argument(part);
            state[i] = std::stoull(part, &used);
        } catch (const std::exception &) {
            used = 0;
        }
        if (used == 0 || used != part.size())
            fail("'" + key + "'",
                 "is " + briefJson(v, 60) + ", not four unsigned numbers separated by commas");
        pos = end + 1;
    }
    if (state == std::array<uint64_t, 4>{})
        fail("'" + key + "'", "is all zeros, which no random stream can be in");
    return state;
}

std::vector<EpochMetrics> CheckpointFields::history(int epochs) const
{
    // Checkpoints name the history log beside them; those of earlier versions held it inline.
    if (!state_.contains("history")) {
        const nlohmann::json &name = field("history_file");
        const std::string text = name.is_string() ? name.get<std::string>() : std::string();
        if (text.empty() || text == "." || text == ".." || text.find('/') != std::string::npos ||
            text.find('\\') != std::string::npos || text.find('\0') != std::string::npos)
            fail("'history_file'",
                 "is " + briefJson(name, 60) + ", not the name of a file beside the checkpoint");
        const std::filesystem::path folder = std::filesystem::path(path_).parent_path();
        return readHistoryLog((folder / text).string(), epochs);
    }
    const nlohmann::json &v = field("history");
    if (!v.is_array() || v.size() != static_cast<size_t>(epochs))
        fail("history", "holds " + (v.is_array() ? std::to_string(v.size()) : briefJson(v, 20)) +
                            " epochs where its position says " + std::to_string(epochs));
    std::vector<EpochMetrics> history;
    for (const auto &entry : v) {
        EpochMetrics m;
        try {
            m = epochMetricsFromJson(entry);
        } catch (const Error &e) {
            fail("history", std::string("is damaged: ") + e.what());
        }
        if (m.epoch != static_cast<int>(history.size()))
            fail("history", "numbers epoch " + std::to_string(history.size() + 1) + " as " +
                                std::to_string(m.epoch + 1));
        history.push_back(std::move(m));
    }
    return history;
}

void CheckpointFields::check(const std::string &what, const std::function<void()> &load) const
{
    try {
        load();
    } catch (const nlohmann::json::exception &e) {
        fail(what, std::string("is damaged (") + briefQuote(e.what(), 120) + ")");
    } catch (const Error &e) {
        fail(what, std::string("cannot be used (") + e.what() + ")");
    }
}

} // namespace strata::internal
