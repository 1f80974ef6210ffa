#include "backends/cuda/cuda_memory.h"

#include "backends/cuda/cuda_check.h"

#include <cstring>

namespace strata::internal {

namespace {

// Sets the pool's device for the calling thread and puts the previous one back after.
class DeviceScope
{
public:
    explicit DeviceScope(int device)
    {
        cudaGetDevice(&previous_);
        if (previous_ != device)
            cudaSetDevice(device);
    }
    ~DeviceScope() { cudaSetDevice(previous_); }

private:
    int previous_ = 0;
};

} // namespace

DeviceMemoryPool::~DeviceMemoryPool()
{
    DeviceScope scope(device_);
    freeCached();
}

size_t DeviceMemoryPool::roundUp(size_t bytes)
{
    // Small blocks in 512-byte steps, large ones in 2 MiB steps: few distinct sizes, so
    // blocks are found again, at a waste of at most one step.
    constexpr size_t small = 512, large = 2u << 20;
    const size_t step = bytes < (1u << 20) ? small : large;
    return (std::max<size_t>(bytes, 1) + step - 1) / step * step;
}

void *DeviceMemoryPool::allocate(size_t bytes)
{
    const size_t size = roundUp(bytes);
    std::lock_guard lock(mutex_);
    auto it = cached_.find(size);
    if (it != cached_.end()) {
        void *block = it->second;
        cached_.erase(it);
        return block;
    }
    DeviceScope scope(device_);
    void *block = nullptr;
    cudaError_t status = cudaMalloc(&block, size);
    if (status == cudaErrorMemoryAllocation) {
        cudaGetLastError();
        // Blocks of other sizes may free enough: give them back and try once more.
        cudaDeviceSynchronize();
        freeCached();
        status = cudaMalloc(&block, size);
    }
    if (status == cudaErrorMemoryAllocation) {
        cudaGetLastError();
        return nullptr;
    }
    checkCuda(status, "Allocating GPU memory");
    reserved_ += size;
    return block;
}

void DeviceMemoryPool::release(void *block, size_t bytes)
{
    if (!block)
        return;
    std::lock_guard lock(mutex_);
    cached_.emplace(roundUp(bytes), block);
}

size_t DeviceMemoryPool::reservedBytes() const
{
    std::lock_guard lock(mutex_);
    return reserved_;
}

void DeviceMemoryPool::freeCached()
{
    for (auto &[size, block] : cached_) {
        cudaFree(block);
        reserved_ -= size;
    }
    cached_.clear();
}

CudaStorage::CudaStorage(std::shared_ptr<DeviceMemoryPool> pool, void *block, int64_t count,
                         int device)
    : pool_(std::move(pool))
{
    data_ = static_cast<float *>(block);
    size_ = count;
    device_ = Device{DeviceKind::Cuda, device};
}

CudaStorage::~CudaStorage()
{
    pool_->release(data_, sizeof(float) * static_cast<size_t>(std::max<int64_t>(size_, 1)));
}

PinnedStaging::~PinnedStaging()
{
    for (Slot &s : slots_) {
        if (s.done) {
            cudaEventSynchronize(s.done);
            cudaEventDestroy(s.done);
        }
        if (s.ptr)
            cudaFreeHost(s.ptr);
    }
}

void PinnedStaging::upload(const void *host, void *device, size_t bytes, cudaStream_t stream)
{
    if (bytes == 0)
        return;
    Slot &s = slots_[next_];
    next_ = (next_ + 1) % slots_.size();
    if (s.pending) {
        // Only waits when the GPU is a whole ring of copies behind the host.
        checkCuda(cudaEventSynchronize(s.done), "Waiting for an earlier copy to the GPU");
        s.pending = false;
    }
    if (!s.done)
        checkCuda(cudaEventCreateWithFlags(&s.done, cudaEventDisableTiming),
                  "Creating a CUDA event");
    if (s.bytes < bytes) {
        if (s.ptr)
            cudaFreeHost(s.ptr);
        s.ptr = nullptr;
        s.bytes = 0;
        checkCuda(cudaHostAlloc(&s.ptr, bytes, cudaHostAllocDefault),
                  "Allocating pinned host memory for copies to the GPU");
        s.bytes = bytes;
    }
    std::memcpy(s.ptr, host, bytes);
    checkCuda(cudaMemcpyAsync(device, s.ptr, bytes, cudaMemcpyHostToDevice, stream),
              "Copying a batch to the GPU");
    checkCuda(cudaEventRecord(s.done, stream), "Recording a CUDA event");
    s.pending = true;
}

PinnedReadback::~PinnedReadback()
{
    if (ptr_)
        cudaFreeHost(ptr_);
}

void PinnedReadback::download(const void *device, void *host, size_t bytes, cudaStream_t stream)
{
    if (bytes == 0)
        return;
    if (bytes_ < bytes) {
        if (ptr_)
            cudaFreeHost(ptr_);
        ptr_ = nullptr;
        bytes_ = 0;
        checkCuda(cudaHostAlloc(&ptr_, bytes, cudaHostAllocDefault),
                  "Allocating pinned host memory for copies from the GPU");
        bytes_ = bytes;
    }
    checkCuda(cudaMemcpyAsync(ptr_, device, bytes, cudaMemcpyDeviceToHost, stream),
              "Copying a result from the GPU");
    checkCuda(cudaStreamSynchronize(stream), "Waiting for the GPU");
    std::memcpy(host, ptr_, bytes);
}

} // namespace strata::internal
