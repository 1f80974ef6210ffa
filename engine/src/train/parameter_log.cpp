#include "train/parameter_log.h"

#include "io/atomic_file.h"
#include "io/json_text.h"
#include "strata/errors.h"
#include "train/parameter_stats_json.h"

#include <fstream>
#include <limits>

namespace strata::internal {

namespace {

// A line longer than this is not one Strata wrote (a model of 10,000 tensors is ~30 MB).
constexpr size_t kMaxLineBytes = size_t(64) << 20;

std::string lineOf(const EpochMetrics &m)
{
    return nlohmann::json{{"epoch", m.epoch + 1}, {"parameters", toJson(m.parameters)}}.dump() +
           "\n";
}

} // namespace

void appendParameterLog(const std::string &path, const EpochMetrics &m)
{
    if (!m.parameters.empty())
        appendDurably(path, lineOf(m));
}

void writeParameterLog(const std::string &path, const std::vector<EpochMetrics> &history)
{
    std::string text;
    for (const EpochMetrics &m : history)
        if (!m.parameters.empty())
            text += lineOf(m);
    if (text.empty()) {
        std::remove(path.c_str());
        return;
    }
    writeFileAtomically(path, text);
}

std::string readParameterLog(const std::string &path, std::vector<EpochMetrics> &history)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return {};
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (in.eof())
            break; // a last line without its newline: a write a kill cut short
        if (line.size() > kMaxLineBytes)
            return path + ": line " + std::to_string(number) + " is too long";
        try {
            const nlohmann::json j = parseJsonText(line, "");
            if (!j.is_object() || !j.contains("epoch") || !j.at("epoch").is_number_integer())
                throw Error("it has no epoch number");
            const int64_t epoch = j.at("epoch").get<int64_t>();
            if (epoch < 1 || epoch > static_cast<int64_t>(history.size()))
                continue; // an epoch the history does not hold (yet): nothing to attach
            history[size_t(epoch - 1)].parameters = parameterStatsFromJson(j.at("parameters"));
        } catch (const nlohmann::json::exception &e) {
            return path + ": line " + std::to_string(number) + " is damaged (" +
                   briefQuote(e.what(), 120) + ")";
        } catch (const Error &e) {
            return path + ": line " + std::to_string(number) + " is damaged (" + e.what() + ")";
        }
    }
    return {};
}

} // namespace strata::internal
