#pragma once
// A copy of a network's weights at one point of training, published by the trainer every few
// batches (TrainerOptions::snapshotEvery) and at each epoch end. Immutable once published and
// shared between threads: probes evaluate on it while training goes on.

#include "strata/tensor.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace strata {

struct WeightsSnapshot
{
    int epoch = 0;         // 0-based epoch the weights were taken in
    int batch = 0;         // batches of that epoch trained when taken (all of them at its end)
    int64_t step = 0;      // optimizer steps so far
    bool epochEnd = false; // taken at the end of the epoch, after its last batch
    std::vector<std::pair<std::string, Tensor>> weights; // host copies, "<node id>.<weight>"
};

using SnapshotPtr = std::shared_ptr<const WeightsSnapshot>;

// The latest snapshot, handed from the training thread to whoever draws: put() replaces what
// was there (older snapshots are never needed), take() returns it once. Thread-safe.
class SnapshotMailbox
{
public:
    void put(SnapshotPtr snapshot);
    // The snapshot put since the last take, or nullptr when there is none.
    SnapshotPtr take();

private:
    std::mutex mutex_;
    SnapshotPtr latest_;
};

} // namespace strata
