#include "train/history_log.h"

#include "io/atomic_file.h"
#include "io/json_text.h"
#include "strata/errors.h"
#include "train/checkpoint.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace strata::internal {

namespace {

// A line longer than this is not one Strata wrote (a 1,000-class confusion matrix is ~5 MB).
constexpr size_t kMaxLineBytes = size_t(64) << 20;

std::string lineOf(const EpochMetrics &m)
{
    return toJson(m).dump() + "\n";
}

[[noreturn]] void fail(const std::string &path, const std::string &what)
{
    throw Error(path + ": " + what +
                "; the run's history is kept beside its checkpoint: resume from the folder the "
                "run wrote, or train afresh");
}

// The next line of f without its newline; false at the end of the file (a last line with no
// newline is a partial write and does not count).
bool nextLine(std::FILE *f, const std::string &path, int number, std::string &line)
{
    line.clear();
    char chunk[1 << 14];
    while (std::fgets(chunk, sizeof chunk, f)) {
        line += chunk;
        if (!line.empty() && line.back() == '\n') {
            line.pop_back();
            return true;
        }
        if (line.size() > kMaxLineBytes)
            fail(path, "line " + std::to_string(number) + " is longer than " +
                           std::to_string(kMaxLineBytes >> 20) + " MB");
    }
    if (std::ferror(f))
        fail(path, std::string("cannot be read (") + std::strerror(errno) + ")");
    return false;
}

} // namespace

void writeHistoryLog(const std::string &path, const std::vector<EpochMetrics> &history)
{
    writeFileAtomically(path, [&](std::ostream &out) {
        for (const auto &m : history)
            out << lineOf(m);
    });
}

void appendHistoryLog(const std::string &path, const EpochMetrics &epoch)
{
    appendDurably(path, lineOf(epoch));
}

std::vector<EpochMetrics> readHistoryLog(const std::string &path, int epochs)
{
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (epochs == 0 && status.type() == std::filesystem::file_type::not_found)
        return {}; // stopped in the first epoch: no epoch has ended, so no line was written
    if (ec || !std::filesystem::exists(status))
        fail(path, "is missing, and the checkpoint needs its first " + std::to_string(epochs) +
                       " epochs");
    if (!std::filesystem::is_regular_file(status))
        fail(path, "is not a regular file");
    std::unique_ptr<std::FILE, int (*)(std::FILE *)> f(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
    if (!f)
        fail(path, std::string("cannot be opened (") + std::strerror(errno) + ")");
    std::vector<EpochMetrics> history;
    std::string line;
    while (static_cast<int>(history.size()) < epochs) {
        const int number = static_cast<int>(history.size()) + 1;
        if (!nextLine(f.get(), path, number, line))
            fail(path, "holds " + std::to_string(history.size()) +
                           " finished epochs where the checkpoint says " + std::to_string(epochs));
        EpochMetrics m;
        try {
            m = epochMetricsFromJson(parseJsonText(line, ""));
        } catch (const Error &e) {
            fail(path, "line " + std::to_string(number) + " is damaged (" + e.what() + ")");
        }
        if (m.epoch + 1 != number)
            fail(path, "line " + std::to_string(number) + " is numbered epoch " +
                           std::to_string(m.epoch + 1));
        history.push_back(std::move(m));
    }
    return history;
}

std::vector<EpochMetrics> readHistorySoFar(const std::string &path, std::string &problem)
{
    problem.clear();
    std::vector<EpochMetrics> history;
    std::unique_ptr<std::FILE, int (*)(std::FILE *)> f(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
    if (!f)
        return history;
    try {
        std::string line;
        while (nextLine(f.get(), path, static_cast<int>(history.size()) + 1, line)) {
            const int number = static_cast<int>(history.size()) + 1;
            EpochMetrics m;
            try {
                m = epochMetricsFromJson(parseJsonText(line, ""));
            } catch (const Error &e) {
                problem = path + ": line " + std::to_string(number) + " is damaged (" + e.what() +
                          ")";
                break;
            }
            if (m.epoch + 1 != number) {
                problem = path + ": line " + std::to_string(number) + " is numbered epoch " +
                          std::to_string(m.epoch + 1);
                break;
            }
            history.push_back(std::move(m));
        }
    } catch (const Error &e) {
        problem = e.what();
    }
    return history;
}

} // namespace strata::internal
