#pragma once
// Backends are objects, not a global mode. A backend allocates tensors on its device, says
// which layer types it can run, creates their kernels (from the layer registry), computes
// losses and applies optimizer updates on its device. The CPU backend (oneDNN) is always
// there; "reference" runs the plain implementations kept for tests; CUDA is added beside them.

#include "strata/kernel.h"
#include "strata/layer.h"
#include "strata/tensor.h"

#include <memory>
#include <string>
#include <vector>

namespace strata {

enum class LossKind { CrossEntropy, BinaryCrossEntropy, MeanSquaredError };

// "cross_entropy", "binary_cross_entropy", "mse"; parse throws Error listing the choices.
std::string toString(LossKind kind);
LossKind parseLossKind(const std::string &text);

struct LossSetup
{
    LossKind kind = LossKind::CrossEntropy;
    Shape outputShape; // with batch: {N, K}
    // True when the model ends in Softmax (for cross-entropy) or Sigmoid (for binary
    // cross-entropy): the output then holds probabilities and the loss writes the gradient
    // with respect to that activation's input, so the pair is computed stably in one step.
    bool fusedWithActivation = false;
};

struct LossTotals
{
    double lossSum = 0; // summed over samples
    int64_t correct = 0;
    int64_t count = 0;
};

class LossKernel
{
public:
    virtual ~LossKernel() = default;
    // labels: {N} class indices stored as floats. When grad is given, writes the gradient of
    // the batch-mean loss (see LossSetup for with respect to what). Adds to the running totals.
    virtual void compute(const Tensor &output, const Tensor &labels, Tensor *grad) = 0;
    // Returns and clears the running totals (the only point that may wait for the device).
    virtual LossTotals takeTotals() = 0;
};

// Optimizer update rules, PyTorch semantics (weight decay added to the gradient for SGD,
// Adam and RMSprop; decoupled for AdamW).
struct SgdStep
{
    float lr, momentum, weightDecay;
    bool nesterov;
};
struct AdamStep
{
    float lr, beta1, beta2, eps, weightDecay;
    bool decoupled; // AdamW
    int64_t step;   // 1-based, for bias correction
};
struct RmspropStep
{
    float lr, rho, eps, momentum, weightDecay;
};

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
    std::unique_ptr<Kernel> createKernel(const KernelSetup &setup);

    virtual Tensor allocate(const Shape &shape) = 0; // zero-filled
    virtual void copyFromHost(const Tensor &host, Tensor &deviceTensor) = 0;
    virtual void copyToHost(const Tensor &deviceTensor, Tensor &host) = 0;
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

} // namespace strata
