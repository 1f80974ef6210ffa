#include "strata/backend.h"

#include "backends/cpu/cpu_backend.h"
#include "backends/host_backend.h"

#include <omp.h>

#include <atomic>
#include <thread>

namespace strata {

bool Backend::supports(const std::string &layerType) const
{
    const LayerType *t = LayerRegistry::instance().find(layerType);
    return t && t->kernels.count(kind()) > 0;
}

std::unique_ptr<Kernel> Backend::createKernel(const KernelSetup &setup)
{
    const LayerType &t = LayerRegistry::instance().get(setup.node.type);
    auto it = t.kernels.find(kind());
    if (it == t.kernels.end())
        throw BackendError(describe(setup.node) + " cannot run on " + description() +
                           ": this backend has no " + setup.node.type + " kernel");
    return it->second(setup);
}

std::string toString(LossKind kind)
{
    switch (kind) {
    case LossKind::CrossEntropy:
        return "cross_entropy";
    case LossKind::BinaryCrossEntropy:
        return "binary_cross_entropy";
    case LossKind::MeanSquaredError:
        return "mse";
    }
    return "?";
}

LossKind parseLossKind(const std::string &text)
{
    for (LossKind k :
         {LossKind::CrossEntropy, LossKind::BinaryCrossEntropy, LossKind::MeanSquaredError})
        if (toString(k) == text)
            return k;
    throw Error("Unknown loss '" + text +
                "': choose cross_entropy, binary_cross_entropy or mse");
}

namespace {
std::atomic<int> g_cpuThreads{0};
}

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
    omp_set_num_threads(cpuThreads());
}

std::vector<DeviceInfo> listDevices()
{
    std::vector<DeviceInfo> out;
    DeviceInfo cpu;
    cpu.id = "cpu";
    cpu.name = internal::CpuBackend().description();
    out.push_back(cpu);
    DeviceInfo cuda;
    cuda.id = "cuda";
    cuda.name = "NVIDIA GPU (CUDA)";
    cuda.available = false;
    cuda.whyUnavailable = "this build of Strata has no CUDA backend (the CUDA toolkit with cuDNN "
                          "and cuBLAS was not found when it was built)";
    out.push_back(cuda);
    return out;
}

std::unique_ptr<Backend> createBackend(const std::string &device)
{
    if (device == "cpu" || device.empty())
        return std::make_unique<internal::CpuBackend>();
    if (device == "reference")
        return std::make_unique<internal::ReferenceBackend>();
    if (device == "cuda" || device.rfind("cuda:", 0) == 0) {
        for (const auto &d : listDevices())
            if (d.id.rfind("cuda", 0) == 0 && !d.available)
                throw BackendError("Cannot use " + device + ": " + d.whyUnavailable +
                                   ". Choose the CPU device instead.");
        throw BackendError("Cannot use " + device + ": no such GPU. Choose the CPU device.");
    }
    throw BackendError("Unknown device '" + device + "': choose cpu or cuda[:N]");
}

} // namespace strata
