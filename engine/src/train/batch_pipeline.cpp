#include "train/batch_pipeline.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

namespace strata::internal {

namespace {
// Below this many values a batch is augmented by one thread: a team costs more to wake.
constexpr int64_t kTeamValues = 8192;
} // namespace

BatchPipeline::BatchPipeline(const Dataset &train, int batchSize,
                             std::optional<Augmenter> augmenter, bool background)
    : train_(train), batchSize_(batchSize),
      batches_(static_cast<int>((train.size() + batchSize - 1) / batchSize)),
      augmenter_(std::move(augmenter)), background_(background)
{
    if (background_)
        thread_ = std::thread([this] { work(); });
}

BatchPipeline::~BatchPipeline()
{
    if (!thread_.joinable())
        return;
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void BatchPipeline::startEpoch(const std::vector<int64_t> &order, uint64_t epochKey, int firstBatch)
{
    std::unique_lock lock(mutex_);
    // The order and key are the thread's to read while it prepares a batch.
    cv_.wait(lock, [&] { return !busy_; });
    order_ = order;
    epochKey_ = epochKey;
    next_ = firstBatch;
    taken_ = firstBatch - 1;
    slots_[0].batch = slots_[1].batch = -1;
    error_ = nullptr;
    lock.unlock();
    cv_.notify_all();
}

void BatchPipeline::take(int b, Tensor &x, Tensor &y)
{
    if (!background_) {
        // The step waits for the whole preparation.
        const auto start = std::chrono::steady_clock::now();
        prepare(b, slots_[0], scratch_, true);
        x = slots_[0].x;
        y = slots_[0].y;
        std::lock_guard lock(mutex_);
        waited_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return;
    }
    Slot &slot = slots_[b % 2];
    std::unique_lock lock(mutex_);
    if (b != taken_ + 1)
        throw std::logic_error("BatchPipeline::take: batch " + std::to_string(b) +
                               " asked for after batch " + std::to_string(taken_));
    if (slot.batch != b && !error_) {
        const auto start = std::chrono::steady_clock::now();
        cv_.wait(lock, [&] { return slot.batch == b || error_; });
        waited_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    if (error_)
        std::rethrow_exception(error_);
    // The trainer is done with b - 1: its slot takes b + 1.
    taken_ = b;
    x = slot.x;
    y = slot.y;
    lock.unlock();
    cv_.notify_all();
}

double BatchPipeline::takeWaitSeconds()
{
    std::lock_guard lock(mutex_);
    return std::exchange(waited_, 0.0);
}

void BatchPipeline::prepare(int b, Slot &slot, std::vector<float> &scratch, bool team) const
{
    const int64_t first = static_cast<int64_t>(b) * batchSize_;
    const int64_t count = std::min<int64_t>(batchSize_, train_.size() - first);
    train_.gather(order_, first, count, slot.x, slot.y);
    if (!augmenter_)
        return;
    const int64_t n = train_.sampleSize();
    float *x = slot.x.data();
    // Each sample draws from its own stream: any split of the samples gives the same batch.
    // In line, the training threads (the OpenMP team) share the samples while the step
    // waits; the pipeline's own thread works alone (a team of its own would compete with the
    // training threads for the cores).
    if (team && count * n >= kTeamValues) {
#pragma omp parallel
        {
            std::vector<float> local;
#pragma omp for schedule(static)
            for (int64_t k = 0; k < count; ++k) {
                Rng rng = augmentationRng(epochKey_, first + k);
                augmenter_->apply(x + k * n, x + k * n, rng, local);
            }
        }
        return;
    }
    for (int64_t k = 0; k < count; ++k) {
        Rng rng = augmentationRng(epochKey_, first + k);
        augmenter_->apply(x + k * n, x + k * n, rng, scratch);
    }
}

void BatchPipeline::work()
{
    std::vector<float> scratch;
    std::unique_lock lock(mutex_);
    for (;;) {
        // Batch next_ goes into the slot of next_ - 2, free once the trainer holds next_ - 1.
        cv_.wait(lock,
                 [&] { return quit_ || (!error_ && next_ < batches_ && next_ <= taken_ + 1); });
        if (quit_)
            return;
        const int b = next_++;
        Slot &slot = slots_[b % 2];
        slot.batch = -1;
        busy_ = true;
        lock.unlock();
        std::exception_ptr failed;
        try {
            prepare(b, slot, scratch, false);
        } catch (...) {
            failed = std::current_exception();
        }
        lock.lock();
        busy_ = false;
        if (failed)
            error_ = failed;
        else
            slot.batch = b;
        cv_.notify_all();
    }
}

} // namespace strata::internal
