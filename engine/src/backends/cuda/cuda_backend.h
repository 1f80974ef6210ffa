#pragma once
// The CUDA backend: one GPU, one stream on it that every kernel of a network shares, cuBLAS
// and cuDNN handles bound to that stream, a caching allocator and pinned staging buffers.
// Work is only enqueued; the host waits for the GPU only where a value must reach it
// (copyToHost, the loss totals, allFinite, takeNonFinite).

#include "backends/cuda/cuda_memory.h"
#include "backends/device_ops.h"

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <memory>

namespace strata::internal {

class CudaBackend final : public Backend
{
public:
    // Throws BackendError when the device is not there or cannot be set up.
    explicit CudaBackend(int index);
    ~CudaBackend() override;
    CudaBackend(const CudaBackend &) = delete;
    CudaBackend &operator=(const CudaBackend &) = delete;

    std::string kind() const override { return "cuda"; }
    Device device() const override { return Device{DeviceKind::Cuda, index_}; }
    std::string description() const override { return description_; }

    Tensor allocate(const Shape &shape) override;
    void copyFromHost(const Tensor &host, Tensor &deviceTensor) override;
    void copyToHost(const Tensor &deviceTensor, Tensor &host) override;
    void synchronize() override;
    void accumulate(Tensor &dst, const Tensor &src) override;
    void copy(const Tensor &src, Tensor &dst) override;
    std::unique_ptr<LossKernel> createLoss(const LossSetup &setup) override;
    void sgdUpdate(Tensor &w, const Tensor &g, Tensor &velocity, const SgdStep &s) override;
    void adamUpdate(Tensor &w, const Tensor &g, Tensor &m, Tensor &v, const AdamStep &s) override;
    void rmspropUpdate(Tensor &w, const Tensor &g, Tensor &square, Tensor &momentum,
                       const RmspropStep &s) override;
    bool allFinite(const Tensor &t) override;
    bool allTensorsFinite(const std::vector<const Tensor *> &tensors) override;
    bool readsWait() const override { return true; }
    void noteNonFinite(const std::vector<const Tensor *> &tensors) override;
    bool takeNonFinite() override;
    std::unique_ptr<DeviceClock> createClock() override; // events on the stream (cuda_clock.cpp)

    // For kernels. Every call makes this GPU the calling thread's current device.
    void activate() const;
    cudaStream_t stream() const { return stream_; }
    cublasHandle_t cublas() const { return cublas_; }
    cudnnHandle_t cudnn() const { return cudnn_; }
    // Scratch memory shared by the kernels (they run one after another on the stream); valid
    // until the next call. Throws BackendError when the GPU is out of memory.
    void *workspace(size_t bytes);
    // A device vector of at least n ones (Dense uses it for bias sums); the tensor keeps it
    // alive when a later, larger request replaces the backend's own.
    Tensor ones(int64_t n);
    // Raw device memory of at least `bytes` that lives as long as the returned tensor; `what`
    // names the use in an out-of-memory message.
    Tensor allocateBytes(size_t bytes, const std::string &what);
    // True when STRATA_CUDA_TF32=1 lets cuDNN and cuBLAS use TF32 tensor cores for float
    // maths (faster, about 3 decimal digits); otherwise float maths is full FP32.
    bool allowTf32() const { return allowTf32_; }

private:
    Tensor allocateCount(int64_t count, const Shape &shape, const std::string &what);
    [[noreturn]] void throwOutOfMemory(size_t bytes, const std::string &what) const;

    int index_;
    std::string name_;
    std::string description_;
    cudaStream_t stream_ = nullptr;
    cublasHandle_t cublas_ = nullptr;
    cudnnHandle_t cudnn_ = nullptr;
    std::shared_ptr<DeviceMemoryPool> pool_;
    PinnedStaging staging_;
    PinnedReadback readback_;
    Tensor workspace_;
    Tensor ones_;
    Tensor flag_;      // allFinite's device flag
    Tensor guardFlag_; // noteNonFinite's device flag, cleared by takeNonFinite
    bool allowTf32_ = false;
};

// Softmax/sigmoid cross-entropy and MSE on the device (cuda_loss.cpp).
std::unique_ptr<LossKernel> makeCudaLoss(CudaBackend &backend, const LossSetup &setup);

// The CUDA backend behind a kernel setup (kernels registered under "cuda" get one).
CudaBackend &cudaBackendOf(const KernelSetup &setup);

// What listDevices() shows for CUDA: every GPU, or one unavailable entry saying why.
std::vector<DeviceInfo> listCudaDevices();
// "cuda" (the first GPU) or "cuda:N"; throws BackendError saying what to do instead.
std::unique_ptr<Backend> createCudaBackend(const std::string &device);

} // namespace strata::internal
