#pragma once
// The files of a run folder and the helpers the store and the recorder share (run_store.h
// describes the folder; docs/file-formats.md each file).

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace strata::internal {

constexpr const char *kRunRecordFile = "run.json";       // the recorder's
constexpr const char *kRunLabelsFile = "labels.json";    // the user's name, tags and note
constexpr const char *kRunProjectFile = "project.strata"; // the project as trained
constexpr const char *kRunBatchesFile = "batches.csv";    // one line per batch
// A record or labels file bigger than this is not one Strata wrote.
constexpr std::size_t kMaxRunJsonBytes = std::size_t(1) << 20;

std::string isoTimeNow();  // "2026-12-06T20:15:02Z"
double unixSecondsNow();   // wall clock, for durations across processes
std::string engineVersion();
// How long the session of a run killed while running lasted, at least: from its start in
// the record to its last checkpoint or epoch line.
double crashedSessionSeconds(const std::string &folder, const nlohmann::json &record);
// N of a folder called run-N (N >= 1, no leading zero); -1 for any other name.
int runNumber(const std::string &id);
// The JSON object in path whose "format" is `format` and whose "version" this Strata reads.
// Throws Error naming the file: missing, too big, not JSON, another format, a newer version.
nlohmann::json readRunJson(const std::string &path, const char *format);
// Writes j with its format and version, atomically.
void writeRunJson(const std::string &path, nlohmann::json j, const char *format);

} // namespace strata::internal
