#pragma once
// The run's per-epoch history on disk: `history.jsonl` beside the checkpoint, one line per
// finished epoch (the object metrics.json holds for it). The trainer appends a line at each
// epoch end, before it writes that epoch's checkpoint, so writing per epoch costs the same in
// the first epoch and the ten-thousandth; the checkpoint says how many lines count, so a line
// appended by an epoch whose checkpoint a kill prevented (or a partial last line) is ignored
// on resume and dropped when the resumed run rewrites the file.

#include "strata/training_events.h"

#include <string>
#include <vector>

namespace strata::internal {

constexpr const char *kHistoryFileName = "history.jsonl";

// Writes `history` as the whole file at path (atomically): a run's start, fresh or resumed.
void writeHistoryLog(const std::string &path, const std::vector<EpochMetrics> &history);
// Appends one epoch's line (flushed to disk before returning).
void appendHistoryLog(const std::string &path, const EpochMetrics &epoch);
// The first `epochs` lines of the file at path, each checked and numbered 1 to `epochs`.
// Throws Error naming the file and the line when the file is missing, not a regular file,
// shorter than `epochs` lines, or a line is damaged.
std::vector<EpochMetrics> readHistoryLog(const std::string &path, int epochs);
// Every line that reads, for a list of runs: up to the first missing, damaged or misnumbered
// line (a run killed mid-write leaves a partial last line). problem says why it stopped
// early; empty when the whole file read (or it is missing: no epoch has ended).
std::vector<EpochMetrics> readHistorySoFar(const std::string &path, std::string &problem);

} // namespace strata::internal
