#pragma once
// A run's weight and gradient statistics (EpochMetrics::parameters) on disk: parameters.jsonl
// beside the history log, one line per epoch, {"epoch": N (from 1), "parameters": [...]}
// (parameter_stats_json.h). Apart from the history so that listing runs never reads them (a
// line is a few kB where a history line is 150 bytes). The trainer appends a line with each
// history line and rewrites the file with the history at a run's start. Reading is
// best-effort: statistics are for looking, so a missing or damaged line (a kill mid-write)
// leaves its epochs without them and never stops a resume.

#include "strata/training_events.h"

#include <string>
#include <vector>

namespace strata::internal {

constexpr const char *kParameterLogFileName = "parameters.jsonl";

// Appends m's line (flushed to disk before returning); nothing when m has no statistics.
void appendParameterLog(const std::string &path, const EpochMetrics &m);
// Writes the statistics of history's epochs as the whole file (atomically); removes the file
// when no epoch has any.
void writeParameterLog(const std::string &path, const std::vector<EpochMetrics> &history);
// Gives each epoch of history the statistics the file at path holds for it, reading up to
// the first damaged or misnumbered line. Returns why it stopped early; empty when the whole
// file read (or it is missing).
std::string readParameterLog(const std::string &path, std::vector<EpochMetrics> &history);

} // namespace strata::internal
