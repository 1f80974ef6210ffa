#pragma once
// Backends are objects, not a global mode. A backend allocates tensors on its device, says
// which layer types it can run, creates their kernels (from the layer registry), computes
// losses and applies optimizer updates on its device. The CPU backend (oneDNN) is always
// there; "reference" runs the plain implementations kept for tests; CUDA is added beside them.
//
// A client lists devices, creates a backend and hands it to a Network. The device-level
// operations below take engine-internal types (kernels, losses, update steps; see
// engine/src/backends/device_ops.h), so only the engine implements and calls them.

#include "strata/precision.h"
#include "strata/tensor.h"

#include <memory>
#include <string>
#include <vector>

namespace strata {

// Engine internals (engine/src/core/kernel.h, core/layer_impl.h, backends/device_ops.h).
class Kernel;
struct KernelSetup;
class LossKernel;
struct LossSetup;
struct SgdStep;
struct AdamStep;
struct RmspropStep;
namespace internal {
class DeviceClock; // core/profiler.h
}

struct DeviceInfo
{
    std::string id;   // "cpu", "cuda:0"
    std::string name; // "Intel Xeon … (2 threads, oneDNN 2.6)", "NVIDIA H100 80GB"
    int64_t memoryBytes = 0;
    bool available = true;
    std::string whyUnavailable; // e.g. "built without CUDA (toolkit not found)"
};

class Backend
{
public:
    virtual ~Backend() = default;

    virtual std::string kind() const = 0; // the registry's kernel key: "cpu", "reference", ...
    virtual Device device() const = 0;
    virtual std::string description() const = 0;

    bool supports(const std::string &layerType) const;
    // Empty when the backend computes natively in `precision`; otherwise why not, in words a
    // user can act on (a backend that would only emulate bf16, slowly, refuses it). Every
    // backend computes in fp32.
    virtual std::string precisionRefusal(Precision precision) const;
    std::unique_ptr<Kernel> createKernel(const KernelSetup &setup);

    virtual Tensor allocate(const Shape &shape) = 0; // zero-filled
    virtual void copyFromHost(const Tensor &host, Tensor &deviceTensor) = 0;
    virtual void copyToHost(const Tensor &deviceTensor, Tensor &host) = 0;
    // True when the backend's tensors are in host memory, plain and readable in place (the CPU
    // backends): a reader that only looks needs no copy.
    virtual bool hostMemory() const { return false; }
    virtual void synchronize() {}
    // dst += src (same element count); used to sum gradients where an output feeds several
    // layers.
    virtual void accumulate(Tensor &dst, const Tensor &src) = 0;
    // dst = src on the device.
    virtual void copy(const Tensor &src, Tensor &dst) = 0;

    virtual std::unique_ptr<LossKernel> createLoss(const LossSetup &setup) = 0;

    virtual void sgdUpdate(Tensor &w, const Tensor &g, Tensor &velocity, const SgdStep &s) = 0;
    virtual void adamUpdate(Tensor &w, const Tensor &g, Tensor &m, Tensor &v,
                            const AdamStep &s) = 0;
    virtual void rmspropUpdate(Tensor &w, const Tensor &g, Tensor &square, Tensor &momentum,
                               const RmspropStep &s) = 0;
    // True when every element of t is finite (the NaN/Inf guard).
    virtual bool allFinite(const Tensor &t) = 0;
    // True when every element of every tensor is finite. A device backend checks them all
    // before it waits once for the answer (the default asks allFinite of each in turn).
    virtual bool allTensorsFinite(const std::vector<const Tensor *> &tensors);

    // True when reading a value back to the host (the loss totals, the NaN/Inf guard's
    // answer) waits for a device, so the trainer reads them only every few batches. The CPU
    // backends answer false: their reads are free.
    virtual bool readsWait() const { return false; }
    // The NaN/Inf guard without a wait: notes whether any element of any tensor is not finite
    // (a device checks on the device). takeNonFinite answers whether any call since the last
    // take noted one, and clears the note; on a device it is the one point that waits.
    virtual void noteNonFinite(const std::vector<const Tensor *> &tensors);
    virtual bool takeNonFinite();

    // The profiler's clock (engine internal): where this backend's work can be timed without
    // waiting for it (the host's steady clock; events on a device's stream).
    virtual std::unique_ptr<internal::DeviceClock> createClock();

private:
    bool nonFiniteNoted_ = false;
};

// Devices Strata can use here, the CPU first; unavailable ones say why.
std::vector<DeviceInfo> listDevices();
// "cpu", "reference", "cuda" or "cuda:N". Throws BackendError with a message a user can act
// on when the device is not there.
std::unique_ptr<Backend> createBackend(const std::string &device);
// Threads the CPU backend uses (0: all cores). Applies to oneDNN and Strata's own loops.
void setCpuThreads(int threads);
int cpuThreads();
// How the CPU backend's idle OpenMP threads wait, as the runtime was told at start:
// "spin 10000, then sleep (GOMP_SPINCOUNT)", "sleep at once (OMP_WAIT_POLICY=passive)",
// or libgomp's default. Strata's programs set a short spin unless the user set one
// (engine/startup/openmp_wait.cpp).
std::string openmpWaitPolicy();
// Ends the OpenMP worker threads this thread's parallel work started (they idle in a pool
// until the thread exits otherwise). For threads that compute now and then beside a training
// run (a panel's background job, the GUI thread answering a click): libgomp counts every
// pool's idle workers, and while it manages more threads than there are cores it cuts every
// thread's spin at a barrier to 100 iterations, so the run's threads sleep and wake at each
// of its barriers (the studio trained 10-20% slower than strata-cli with one idle pool
// around). The next parallel work on this thread starts its workers again (tens of
// microseconds). A no-op inside a parallel region, and with LLVM's OpenMP runtime (Clang's
// sanitizer builds), whose pause is process-wide.
void releaseThreadTeam();
// Calls releaseThreadTeam() when the scope it is declared in ends.
struct ThreadTeamRelease
{
    ThreadTeamRelease() = default;
    ThreadTeamRelease(const ThreadTeamRelease &) = delete;
    ThreadTeamRelease &operator=(const ThreadTeamRelease &) = delete;
    ~ThreadTeamRelease() { releaseThreadTeam(); }
};

} // namespace strata
