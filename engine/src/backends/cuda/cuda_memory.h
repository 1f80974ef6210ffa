#pragma once
// GPU memory for the CUDA backend: a caching allocator (cudaMalloc is slow and synchronises
// the device, so freed blocks are kept by size and reused) and pinned host staging buffers
// for asynchronous host-to-device copies.

#include "strata/tensor.h"

#include <cuda_runtime.h>

#include <array>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace strata::internal {

// Device blocks of rounded sizes, reused after they are freed. Every user of a block works on
// the backend's one stream, so a block handed out again is only touched after the work
// queued on the freed one (stream order).
class DeviceMemoryPool
{
public:
    explicit DeviceMemoryPool(int device) : device_(device) {}
    ~DeviceMemoryPool();
    DeviceMemoryPool(const DeviceMemoryPool &) = delete;
    DeviceMemoryPool &operator=(const DeviceMemoryPool &) = delete;

    // A block of at least `bytes`, or nullptr when the GPU is out of memory even after the
    // cache was emptied (the caller raises the error, naming what it needed the memory for).
    void *allocate(size_t bytes);
    void release(void *block, size_t bytes);
    // Bytes the pool holds from CUDA (handed out plus cached).
    size_t reservedBytes() const;
    static size_t roundUp(size_t bytes);

private:
    void freeCached(); // returns every cached block to CUDA

    int device_;
    mutable std::mutex mutex_;
    std::multimap<size_t, void *> cached_; // rounded size → free block
    size_t reserved_ = 0;
};

// Device memory holding a tensor; returns its block to the pool when the last tensor viewing
// it goes away.
class CudaStorage final : public Storage
{
public:
    CudaStorage(std::shared_ptr<DeviceMemoryPool> pool, void *block, int64_t count, int device);
    ~CudaStorage() override;

private:
    std::shared_ptr<DeviceMemoryPool> pool_;
};

// A few pinned host buffers used in turn for host-to-device copies: the host fills one while
// copies queued from the others may still be running. A buffer is reused only once the copy
// that last read it has finished (an event per buffer).
class PinnedStaging
{
public:
    PinnedStaging() = default;
    ~PinnedStaging();
    PinnedStaging(const PinnedStaging &) = delete;
    PinnedStaging &operator=(const PinnedStaging &) = delete;

    // Copies `bytes` from host memory to device memory asynchronously on `stream`.
    void upload(const void *host, void *device, size_t bytes, cudaStream_t stream);

private:
    struct Slot
    {
        void *ptr = nullptr;
        size_t bytes = 0;
        cudaEvent_t done = nullptr;
        bool pending = false;
    };
    std::array<Slot, 4> slots_{};
    size_t next_ = 0;
};

// One pinned host buffer for device-to-host reads, grown as needed.
class PinnedReadback
{
public:
    PinnedReadback() = default;
    ~PinnedReadback();
    PinnedReadback(const PinnedReadback &) = delete;
    PinnedReadback &operator=(const PinnedReadback &) = delete;

    // Copies `bytes` from device memory to host memory; returns when the values are there
    // (waits for the stream).
    void download(const void *device, void *host, size_t bytes, cudaStream_t stream);

private:
    void *ptr_ = nullptr;
    size_t bytes_ = 0;
};

} // namespace strata::internal
