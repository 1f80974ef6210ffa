#pragma once
// The trainer's input pipeline: an epoch's batches gathered from the training set in the
// epoch's order, augmented (strata/augmentation.h) when the dataset asks for it. With a
// background thread it prepares the next batch while the current one trains (two batch
// buffers), so a step does not wait on data; without one it prepares each batch when asked,
// augmenting with the training threads. A thread of its own pays only where a core is free for
// it (a device trains, or the training threads leave a core): on a CPU whose cores all train,
// it takes time from the training threads' synchronisation instead.
// Both give the same batches bit for bit: every sample's augmentation draws from its own
// stream (augmentationRng(epoch key, position in the epoch)).

#include "strata/augmentation.h"
#include "strata/dataset.h"

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace strata::internal {

class BatchPipeline
{
public:
    // augmenter: nullopt for none. background: prepare batches on a thread of its own.
    BatchPipeline(const Dataset &train, int batchSize, std::optional<Augmenter> augmenter,
                  bool background);
    ~BatchPipeline();
    BatchPipeline(const BatchPipeline &) = delete;
    BatchPipeline &operator=(const BatchPipeline &) = delete;

    // Starts an epoch: its sample order (copied) and augmentation key; batches are then asked
    // for in order from firstBatch. Abandons what was prepared for the previous epoch.
    void startEpoch(const std::vector<int64_t> &order, uint64_t epochKey, int firstBatch);
    // Batch b of the epoch, in x and y (host tensors, valid until the next call). Rethrows
    // what preparing it threw.
    void take(int b, Tensor &x, Tensor &y);

    int batches() const { return batches_; }
    bool background() const { return background_; }
    // Seconds take() waited for its batch since the last call (then reset): for a batch not
    // yet ready on the pipeline's thread, or the whole preparation in line.
    double takeWaitSeconds();

private:
    struct Slot
    {
        Tensor x, y;
        int batch = -1; // the batch it holds; -1: free
    };
    // team: augment with the OpenMP team (in line only).
    void prepare(int b, Slot &slot, std::vector<float> &scratch, bool team) const;
    void work();

    const Dataset &train_;
    const int batchSize_;
    const int batches_;
    const std::optional<Augmenter> augmenter_;
    const bool background_;

    std::vector<int64_t> order_;
    uint64_t epochKey_ = 0;
    std::vector<float> scratch_; // the calling thread's (without a background thread)

    // Shared with the thread, under mutex_.
    std::mutex mutex_;
    std::condition_variable cv_;
    Slot slots_[2];
    int next_ = 0;       // the next batch the thread prepares
    int taken_ = -1;     // the batch the trainer holds (its slot is not reused until the next)
    uint64_t epoch_ = 0; // increases with each startEpoch: work for an older one is dropped
    bool busy_ = false;  // the thread is preparing a batch (outside the lock)
    bool quit_ = false;
    std::exception_ptr error_;
    double waited_ = 0;
    std::thread thread_;
};

} // namespace strata::internal
