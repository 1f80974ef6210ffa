#pragma once
// What the CPU and reference backends share: host memory, the loss and optimizer updates as
// plain loops over host arrays.

#include "backends/device_ops.h"

namespace strata::internal {

class HostBackend : public Backend
{
public:
    Device device() const override { return Device{}; }
    Tensor allocate(const Shape &shape) override { return Tensor(shape); }
    void copyFromHost(const Tensor &host, Tensor &deviceTensor) override;
    void copyToHost(const Tensor &deviceTensor, Tensor &host) override;
    bool hostMemory() const override { return true; }
    void accumulate(Tensor &dst, const Tensor &src) override;
    void copy(const Tensor &src, Tensor &dst) override;
    std::unique_ptr<LossKernel> createLoss(const LossSetup &setup) override;
    void sgdUpdate(Tensor &w, const Tensor &g, Tensor &velocity, const SgdStep &s) override;
    void adamUpdate(Tensor &w, const Tensor &g, Tensor &m, Tensor &v, const AdamStep &s) override;
    void rmspropUpdate(Tensor &w, const Tensor &g, Tensor &square, Tensor &momentum,
                       const RmspropStep &s) override;
    bool allFinite(const Tensor &t) override;
};

// The plain implementations, kept for tests: every fast kernel is checked against them.
class ReferenceBackend final : public HostBackend
{
public:
    std::string kind() const override { return "reference"; }
    std::string description() const override { return "Reference (plain C++ loops, for tests)"; }
};

// Loss on host arrays; used by both host backends.
std::unique_ptr<LossKernel> makeHostLoss(const LossSetup &setup);

// Applies the configured CPU thread count to the calling thread's OpenMP team.
void applyCpuThreads();

} // namespace strata::internal
