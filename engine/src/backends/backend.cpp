#include "strata/backend.h"

#include "backends/cpu/cpu_backend.h"
#include "backends/device_ops.h"
#include "backends/host_backend.h"
#include "core/profiler.h"
#ifdef STRATA_WITH_CUDA
#include "backends/cuda/cuda_backend.h"
#endif

#include <omp.h>
#if defined(__SSE__)
#include <pmmintrin.h>
#include <xmmintrin.h>
#endif

#include <atomic>
#include <cstdlib>
#include <thread>
#include <utility>

namespace strata {

bool Backend::supports(const std::string &layerType) const
{
    const LayerRegistry &registry = LayerRegistry::instance();
    const LayerType *t = registry.find(layerType);
    return t && registry.impl(*t).kernels.count(kind()) > 0;
}

std::string Backend::precisionRefusal(Precision precision) const
{
    if (precision == Precision::Fp32)
        return {};
    return description() + " computes in fp32 only: bf16 mixed precision runs on the CPU " +
           "backend (oneDNN) on a CPU with AVX512-BF16 or AMX; choose fp32 or the CPU";
}

std::unique_ptr<Kernel> Backend::createKernel(const KernelSetup &setup)
{
    const LayerRegistry &registry = LayerRegistry::instance();
    const internal::LayerImpl &impl = registry.impl(registry.get(setup.node.type));
    auto it = impl.kernels.find(kind());
    if (it == impl.kernels.end())
        throw BackendError(describe(setup.node) + " cannot run on " + description() +
                           ": this backend has no " + setup.node.type + " kernel");
    return it->second(setup);
}

bool Backend::allTensorsFinite(const std::vector<const Tensor *> &tensors)
{
    for (const Tensor *t : tensors)
        if (!allFinite(*t))
            return false;
    return true;
}

void Backend::noteNonFinite(const std::vector<const Tensor *> &tensors)
{
    if (!nonFiniteNoted_)
        nonFiniteNoted_ = !allTensorsFinite(tensors);
}

bool Backend::takeNonFinite()
{
    return std::exchange(nonFiniteNoted_, false);
}

std::unique_ptr<internal::DeviceClock> Backend::createClock()
{
    return std::make_unique<internal::HostClock>();
}

namespace {
std::atomic<int> g_cpuThreads{0};

void flushDenormals()
{
#if defined(__SSE__)
    _MM_SET_FLUSH_ZERO_MODE(_MM_FLUSH_ZERO_ON);
    _MM_SET_DENORMALS_ZERO_MODE(_MM_DENORMALS_ZERO_ON);
#endif
}
} // namespace

void setCpuThreads(int threads)
{
    g_cpuThreads = threads < 0 ? 0 : threads;
    internal::applyCpuThreads();
}

int cpuThreads()
{
    int t = g_cpuThreads;
    if (t > 0)
        return t;
    unsigned hw = std::thread::hardware_concurrency();
    return hw ? static_cast<int>(hw) : 1;
}

void internal::applyCpuThreads()
{
    const int threads = cpuThreads();
    omp_set_num_threads(threads);
    // Denormal floats cost a microcode assist per operation (tens of times slower): tiny
    // gradients late in training would slow every kernel down. Flush them to zero in this
    // thread and in its OpenMP team, as TensorFlow does in its compute threads.
    flushDenormals();
#pragma omp parallel num_threads(threads)
    flushDenormals();
}

void releaseThreadTeam()
{
#ifdef __GOMP_NOTHROW // GNU libgomp's omp.h
    // GNU libgomp's soft pause ends the calling thread's pool and nothing else's.
    if (!omp_in_parallel())
        omp_pause_resource_all(omp_pause_soft);
#endif
    // LLVM's runtime (Clang's sanitizer builds) pauses the whole process's threads, which the
    // standard leaves unspecified while another thread's team works; and the spin it would
    // help with is libgomp's. Nothing to do there.
}

std::string openmpWaitPolicy()
{
    const char *policy = std::getenv("OMP_WAIT_POLICY");
    const char *spin = std::getenv("GOMP_SPINCOUNT");
    if (spin && *spin)
        return std::string("spin ") + spin + ", then sleep (GOMP_SPINCOUNT)";
    if (policy && *policy)
        return std::string(policy) + " (OMP_WAIT_POLICY)";
    return "libgomp's default (spin about 300000, then sleep)";
}

std::vector<DeviceInfo> listDevices()
{
    std::vector<DeviceInfo> out;
    DeviceInfo cpu;
    cpu.id = "cpu";
    cpu.name = internal::CpuBackend().description();
    out.push_back(cpu);
#ifdef STRATA_WITH_CUDA
    for (DeviceInfo &d : internal::listCudaDevices())
        out.push_back(std::move(d));
#else
    DeviceInfo cuda;
    cuda.id = "cuda";
    cuda.name = "NVIDIA GPU (CUDA)";
    cuda.available = false;
    cuda.whyUnavailable = std::string("built without CUDA: ") + STRATA_CUDA_MISSING;
    out.push_back(cuda);
#endif
    return out;
}

std::unique_ptr<Backend> createBackend(const std::string &device)
{
    if (device == "cpu" || device.empty())
        return std::make_unique<internal::CpuBackend>();
    if (device == "reference")
        return std::make_unique<internal::ReferenceBackend>();
    if (device == "cuda" || device.rfind("cuda:", 0) == 0) {
#ifdef STRATA_WITH_CUDA
        return internal::createCudaBackend(device);
#else
        throw BackendError("CUDA device " + (device == "cuda" ? std::string("cuda:0") : device) +
                           " requested but this build of Strata has no CUDA backend (built "
                           "without CUDA: " STRATA_CUDA_MISSING "); use the CPU device "
                           "(--device cpu)");
#endif
    }
    throw BackendError("Unknown device '" + device + "': choose cpu or cuda[:N]");
}

} // namespace strata
