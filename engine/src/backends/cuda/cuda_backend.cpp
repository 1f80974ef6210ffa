#include "backends/cuda/cuda_backend.h"

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/cuda_ops.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <vector>

namespace strata::internal {

namespace {

// Compute capability this build carries machine code or PTX for (CMAKE_CUDA_ARCHITECTURES).
constexpr int kOldestMajor = 8;

std::string mib(double bytes)
{
    char text[32];
    if (bytes >= 1024.0 * 1024 * 1024)
        std::snprintf(text, sizeof text, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    else
        std::snprintf(text, sizeof text, "%.1f MiB", bytes / (1024.0 * 1024));
    return text;
}

std::string versions()
{
    int runtime = 0;
    cudaRuntimeGetVersion(&runtime);
    const size_t cudnn = cudnnGetVersion();
    return "CUDA " + std::to_string(runtime / 1000) + "." + std::to_string(runtime % 1000 / 10) +
           ", cuDNN " + std::to_string(cudnn / 10000) + "." + std::to_string(cudnn % 10000 / 100);
}

// The number of GPUs, or the reason there are none (the driver is missing, no GPU, ...).
int countDevices(std::string *why)
{
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) {
        cudaGetLastError();
        *why = std::string("no NVIDIA GPU/driver found (") + cudaGetErrorString(status) + ")";
        return 0;
    }
    if (count == 0)
        *why = "no NVIDIA GPU found";
    return count;
}

bool envFlag(const char *name)
{
    const char *v = std::getenv(name);
    return v && std::string(v) == "1";
}

} // namespace

std::vector<DeviceInfo> listCudaDevices()
{
    std::vector<DeviceInfo> out;
    std::string why;
    const int count = countDevices(&why);
    for (int i = 0; i < count; ++i) {
        cudaDeviceProp prop{};
        DeviceInfo d;
        d.id = "cuda:" + std::to_string(i);
        const cudaError_t status = cudaGetDeviceProperties(&prop, i);
        if (status != cudaSuccess) {
            cudaGetLastError();
            d.name = "NVIDIA GPU";
            d.available = false;
            d.whyUnavailable =
                std::string("cannot read its properties: ") + cudaGetErrorString(status);
            out.push_back(d);
            continue;
        }
        d.name = std::string(prop.name) + " (compute " + std::to_string(prop.major) + "." +
                 std::to_string(prop.minor) + ")";
        d.memoryBytes = static_cast<int64_t>(prop.totalGlobalMem);
        if (prop.major < kOldestMajor) {
            d.available = false;
            d.whyUnavailable = "compute capability " + std::to_string(prop.major) + "." +
                               std::to_string(prop.minor) +
                               " is older than this build supports (8.0 and newer)";
        }
        out.push_back(d);
    }
    if (out.empty()) {
        DeviceInfo d;
        d.id = "cuda";
        d.name = "NVIDIA GPU (CUDA)";
        d.available = false;
        d.whyUnavailable = why;
        out.push_back(d);
    }
    return out;
}

std::unique_ptr<Backend> createCudaBackend(const std::string &device)
{
    int index = 0;
    if (device != "cuda") {
        const std::string digits = device.substr(5); // after "cuda:"
        if (digits.empty() || digits.size() > 4 ||
            digits.find_first_not_of("0123456789") != std::string::npos)
            throw BackendError("Unknown device '" + device + "': choose cpu, cuda or cuda:N");
        index = std::stoi(digits);
    }
    const std::string name = "cuda:" + std::to_string(index);
    std::string why;
    const int count = countDevices(&why);
    if (count == 0)
        throw BackendError("CUDA device " + name + " requested but " + why +
                           "; use the CPU device (--device cpu)");
    if (index >= count)
        throw BackendError(
            "CUDA device " + name + " requested but this machine has " + std::to_string(count) +
            (count == 1 ? " GPU (cuda:0)"
                        : " GPUs (cuda:0 to cuda:" + std::to_string(count - 1) + ")") +
            "; choose one of them or the CPU device (--device cpu)");
    for (const DeviceInfo &d : listCudaDevices())
        if (d.id == name && !d.available)
            throw BackendError("CUDA device " + name + " (" + d.name + ") cannot be used: " +
                               d.whyUnavailable + "; use the CPU device (--device cpu)");
    return std::make_unique<CudaBackend>(index);
}

CudaBackend::CudaBackend(int index) : index_(index), allowTf32_(envFlag("STRATA_CUDA_TF32"))
{
    cudaDeviceProp prop{};
    checkCuda(cudaSetDevice(index_), "Selecting the GPU");
    checkCuda(cudaGetDeviceProperties(&prop, index_), "Reading the GPU's properties");
    name_ = prop.name;
    description_ = name_ + " (cuda:" + std::to_string(index_) + ", " +
                   mib(static_cast<double>(prop.totalGlobalMem)) + ", " + versions() + ")";
    try {
        checkCuda(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking),
                  "Creating a CUDA stream");
        checkCublas(cublasCreate(&cublas_), "Creating the cuBLAS handle");
        checkCublas(cublasSetStream(cublas_, stream_), "Binding cuBLAS to the stream");
        checkCublas(cublasSetMathMode(cublas_, allowTf32_ ? CUBLAS_TF32_TENSOR_OP_MATH
                                                          : CUBLAS_DEFAULT_MATH),
                    "Setting cuBLAS's math mode");
        checkCudnn(cudnnCreate(&cudnn_), "Creating the cuDNN handle");
        checkCudnn(cudnnSetStream(cudnn_, stream_), "Binding cuDNN to the stream");
    } catch (...) {
        if (cudnn_)
            cudnnDestroy(cudnn_);
        if (cublas_)
            cublasDestroy(cublas_);
        if (stream_)
            cudaStreamDestroy(stream_);
        throw;
    }
    pool_ = std::make_shared<DeviceMemoryPool>(index_);
    flag_ = allocateBytes(sizeof(int), "the finiteness check");
    guardFlag_ = allocateBytes(sizeof(int), "the finiteness check");
    checkCuda(cudaMemsetAsync(guardFlag_.data(), 0, sizeof(int), stream_), "Clearing a GPU flag");
}

CudaBackend::~CudaBackend()
{
    cudaSetDevice(index_);
    cudaStreamSynchronize(stream_);
    workspace_ = {};
    ones_ = {};
    flag_ = {};
    guardFlag_ = {};
    cudnnDestroy(cudnn_);
    cublasDestroy(cublas_);
    cudaStreamDestroy(stream_);
}

void CudaBackend::activate() const
{
    int current = -1;
    if (cudaGetDevice(&current) != cudaSuccess || current != index_)
        checkCuda(cudaSetDevice(index_), "Selecting the GPU");
}

void CudaBackend::throwOutOfMemory(size_t bytes, const std::string &what) const
{
    size_t free = 0, total = 0;
    cudaMemGetInfo(&free, &total);
    cudaGetLastError();
    throw BackendError("Out of GPU memory on cuda:" + std::to_string(index_) + " (" + name_ +
                       "): " + what + " needs " + mib(static_cast<double>(bytes)) + " but only " +
                       mib(static_cast<double>(free)) + " of " + mib(static_cast<double>(total)) +
                       " are free (Strata holds " +
                       mib(static_cast<double>(pool_->reservedBytes())) +
                       "). Lower the batch size (the first dimension of activation shapes) or "
                       "make the model smaller, or train on the CPU.");
}

Tensor CudaBackend::allocateCount(int64_t count, const Shape &shape, const std::string &what)
{
    activate();
    const size_t bytes = sizeof(float) * static_cast<size_t>(std::max<int64_t>(count, 1));
    void *block = pool_->allocate(bytes);
    if (!block)
        throwOutOfMemory(bytes, what);
    auto storage = std::make_shared<CudaStorage>(pool_, block, count, index_);
    checkCuda(cudaMemsetAsync(block, 0, bytes, stream_), "Clearing GPU memory");
    return Tensor(shape, std::move(storage));
}

Tensor CudaBackend::allocate(const Shape &shape)
{
    return allocateCount(numel(shape), shape, "a " + toString(shape) + " tensor");
}

Tensor CudaBackend::allocateBytes(size_t bytes, const std::string &what)
{
    const auto count = static_cast<int64_t>((bytes + sizeof(float) - 1) / sizeof(float));
    return allocateCount(count, {count}, what);
}

void *CudaBackend::workspace(size_t bytes)
{
    if (bytes == 0)
        return nullptr;
    if (!workspace_.defined() || sizeof(float) * static_cast<size_t>(workspace_.numel()) < bytes)
        workspace_ = allocateBytes(bytes, "cuDNN's workspace");
    return workspace_.data();
}

Tensor CudaBackend::ones(int64_t n)
{
    if (!ones_.defined() || ones_.numel() < n) {
        Tensor host(Shape{std::max<int64_t>(n, 256)});
        host.fill(1.0f);
        ones_ = allocate(host.shape());
        copyFromHost(host, ones_);
    }
    return ones_;
}

namespace {
void checkSameSize(const Tensor &a, const Tensor &b, const char *what)
{
    if (a.numel() != b.numel())
        throw std::logic_error(std::string(what) + ": " + toString(a.shape()) + " vs " +
                               toString(b.shape()));
}
} // namespace

void CudaBackend::copyFromHost(const Tensor &host, Tensor &deviceTensor)
{
    checkSameSize(host, deviceTensor, "copyFromHost");
    activate();
    const size_t bytes = sizeof(float) * static_cast<size_t>(host.numel());
    if (!host.isHost()) {
        copy(host, deviceTensor);
        return;
    }
    // Batches go through the pinned ring and do not wait; large one-off copies (weights when
    // a network is built or loaded) go straight from pageable memory, which CUDA stages
    // itself, rather than growing the pinned buffers to the largest weight.
    constexpr size_t kLargest = size_t(16) << 20;
    if (bytes > kLargest)
        checkCuda(cudaMemcpyAsync(deviceTensor.data(), host.data(), bytes, cudaMemcpyHostToDevice,
                                  stream_),
                  "Copying to the GPU");
    else
        staging_.upload(host.data(), deviceTensor.data(), bytes, stream_);
}

void CudaBackend::copyToHost(const Tensor &deviceTensor, Tensor &host)
{
    if (!host.defined() || host.numel() != deviceTensor.numel() || !host.isHost())
        host = Tensor(deviceTensor.shape());
    activate();
    readback_.download(deviceTensor.data(), host.data(),
                       sizeof(float) * static_cast<size_t>(deviceTensor.numel()), stream_);
}

void CudaBackend::synchronize()
{
    activate();
    checkCuda(cudaStreamSynchronize(stream_), "Waiting for the GPU");
}

void CudaBackend::accumulate(Tensor &dst, const Tensor &src)
{
    checkSameSize(src, dst, "accumulate");
    activate();
    cuda::accumulate(dst.data(), src.data(), dst.numel(), stream_);
    checkLaunch("Summing gradients");
}

void CudaBackend::copy(const Tensor &src, Tensor &dst)
{
    checkSameSize(src, dst, "copy");
    if (src.data() == dst.data())
        return;
    activate();
    checkCuda(cudaMemcpyAsync(dst.data(), src.data(),
                              sizeof(float) * static_cast<size_t>(src.numel()), cudaMemcpyDefault,
                              stream_),
              "Copying on the GPU");
}

std::unique_ptr<LossKernel> CudaBackend::createLoss(const LossSetup &setup)
{
    activate();
    return makeCudaLoss(*this, setup);
}

void CudaBackend::sgdUpdate(Tensor &w, const Tensor &g, Tensor &velocity, const SgdStep &s)
{
    if (s.momentum != 0.0f && !velocity.defined())
        throw std::logic_error("sgdUpdate: momentum needs a velocity buffer");
    activate();
    cuda::sgdUpdate(w.data(), g.data(), velocity.defined() ? velocity.data() : nullptr, w.numel(),
                    s.lr, s.momentum, s.weightDecay, s.nesterov, stream_);
    checkLaunch("The SGD update");
}

void CudaBackend::adamUpdate(Tensor &w, const Tensor &g, Tensor &m, Tensor &v, const AdamStep &s)
{
    if (s.step < 1)
        throw std::logic_error("adamUpdate: step is 1-based");
    // The bias corrections in double on the host, exactly as hostAdamUpdate computes them.
    const double t = static_cast<double>(s.step);
    const double correction1 = 1.0 - std::pow(static_cast<double>(s.beta1), t);
    const double correction2 = 1.0 - std::pow(static_cast<double>(s.beta2), t);
    const float stepSize = static_cast<float>(s.lr / correction1);
    const float sqrtCorrection2 = static_cast<float>(std::sqrt(correction2));
    const float shrink = s.decoupled ? 1.0f - s.lr * s.weightDecay : 1.0f;
    const float l2 = s.decoupled ? 0.0f : s.weightDecay;
    activate();
    cuda::adamUpdate(w.data(), g.data(), m.data(), v.data(), w.numel(), stepSize, sqrtCorrection2,
                     s.beta1, s.beta2, s.eps, shrink, l2, stream_);
    checkLaunch("The Adam update");
}

void CudaBackend::rmspropUpdate(Tensor &w, const Tensor &g, Tensor &square, Tensor &momentum,
                                const RmspropStep &s)
{
    if (s.momentum != 0.0f && !momentum.defined())
        throw std::logic_error("rmspropUpdate: momentum needs a momentum buffer");
    activate();
    cuda::rmspropUpdate(w.data(), g.data(), square.data(),
                        momentum.defined() ? momentum.data() : nullptr, w.numel(), s.lr, s.rho,
                        s.eps, s.momentum, s.weightDecay, stream_);
    checkLaunch("The RMSprop update");
}

bool CudaBackend::allFinite(const Tensor &t)
{
    return allTensorsFinite({&t});
}

bool CudaBackend::allTensorsFinite(const std::vector<const Tensor *> &tensors)
{
    activate();
    int *flag = reinterpret_cast<int *>(flag_.data());
    checkCuda(cudaMemsetAsync(flag, 0, sizeof(int), stream_), "Clearing a GPU flag");
    for (const Tensor *t : tensors)
        cuda::flagNonFinite(t->data(), t->numel(), flag, stream_);
    checkLaunch("The finiteness check");
    int host = 0;
    readback_.download(flag, &host, sizeof host, stream_);
    return host == 0;
}

void CudaBackend::noteNonFinite(const std::vector<const Tensor *> &tensors)
{
    // Enqueued only: the flag stays set on the device until takeNonFinite reads it.
    activate();
    int *flag = reinterpret_cast<int *>(guardFlag_.data());
    for (const Tensor *t : tensors)
        cuda::flagNonFinite(t->data(), t->numel(), flag, stream_);
    checkLaunch("The finiteness check");
}

bool CudaBackend::takeNonFinite()
{
    activate();
    int *flag = reinterpret_cast<int *>(guardFlag_.data());
    int host = 0;
    readback_.download(flag, &host, sizeof host, stream_);
    checkCuda(cudaMemsetAsync(flag, 0, sizeof(int), stream_), "Clearing a GPU flag");
    return host != 0;
}

CudaBackend &cudaBackendOf(const KernelSetup &setup)
{
    auto *cuda = dynamic_cast<CudaBackend *>(&setup.backend);
    if (!cuda)
        throw std::logic_error("a CUDA kernel was created for the " + setup.backend.kind() +
                               " backend");
    return *cuda;
}

} // namespace strata::internal
