#pragma once
// Reading a checkpoint's training state on resume: every field checked for its type and its
// range against the project and dataset being resumed, with a message naming the file and the
// field, before the trainer uses any of it. A damaged or foreign checkpoint must never make a
// run loop for billions of epochs or skip the rest of an epoch.

#include "strata/training_events.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace strata::internal {

class CheckpointFields
{
public:
    CheckpointFields(std::string path, const nlohmann::json &state);

    // The field; throws Error when it is missing.
    const nlohmann::json &field(const std::string &key) const;
    // A whole number in [lo, hi]; `why` says where the bound comes from ("this run trains 30
    // epochs").
    int64_t integer(const std::string &key, int64_t lo, int64_t hi, const std::string &why) const;
    // A finite number in [lo, hi] (infinite bounds allowed).
    double number(const std::string &key, double lo, double hi) const;
    bool isNull(const std::string &key) const;
    // An RNG stream's state as written: four unsigned 64-bit numbers, comma-separated.
    std::array<uint64_t, 4> rngState(const std::string &key) const;
    // The per-epoch history: exactly `epochs` entries, numbered 1 to epochs, from the history
    // log the checkpoint names ('history_file', beside it; see history_log.h) or, in
    // checkpoints of earlier versions, inline ('history').
    std::vector<EpochMetrics> history(int epochs) const;
    // Runs `load` (which reads part of the checkpoint into the network, optimizer or
    // schedule); an error it throws is said again with the file and `what`.
    void check(const std::string &what, const std::function<void()> &load) const;

private:
    [[noreturn]] void fail(const std::string &field, const std::string &what) const;

    std::string path_;
    const nlohmann::json &state_;
};

} // namespace strata::internal
