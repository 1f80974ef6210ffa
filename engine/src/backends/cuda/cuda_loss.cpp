// The losses on the GPU. The running totals live on the device and are added to by every
// batch's kernel; only takeTotals reads them back, so a training step never waits for the GPU
// because of the loss.

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/cuda_ops.h"

#include <cstring>
#include <stdexcept>

namespace strata::internal {

namespace {

cuda::LossOp opOf(LossKind kind)
{
    switch (kind) {
    case LossKind::CrossEntropy:
        return cuda::LossOp::CrossEntropy;
    case LossKind::BinaryCrossEntropy:
        return cuda::LossOp::BinaryCrossEntropy;
    case LossKind::MeanSquaredError:
        return cuda::LossOp::MeanSquaredError;
    }
    return cuda::LossOp::CrossEntropy;
}

class CudaLoss final : public LossKernel
{
public:
    CudaLoss(CudaBackend &backend, const LossSetup &setup)
        : backend_(backend), setup_(setup),
          totals_(backend.allocateBytes(sizeof(cuda::LossAccumulator), "the loss totals"))
    {
    }

    void compute(const Tensor &output, const Tensor &labels, Tensor *grad) override
    {
        const int64_t n = output.dim(0);
        const int64_t k = output.numel() / n;
        if (labels.numel() < n)
            throw std::logic_error("CudaLoss: " + std::to_string(labels.numel()) + " labels for " +
                                   std::to_string(n) + " samples");
        backend_.activate();
        cuda::loss(opOf(setup_.kind), setup_.fusedWithActivation, output.data(), labels.data(),
                   grad ? grad->data() : nullptr, n, k, accumulator(), backend_.stream());
        checkLaunch("The loss kernel");
        count_ += n;
        pending_ = true;
    }

    LossTotals takeTotals() override
    {
        LossTotals t;
        t.count = count_;
        count_ = 0;
        if (!pending_)
            return t;
        backend_.activate();
        cuda::LossAccumulator host{};
        Tensor view = totals_;
        Tensor hostCopy;
        backend_.copyToHost(view, hostCopy);
        std::memcpy(&host, hostCopy.data(), sizeof host);
        checkCuda(
            cudaMemsetAsync(accumulator(), 0, sizeof(cuda::LossAccumulator), backend_.stream()),
            "Clearing the loss totals");
        pending_ = false;
        t.lossSum = host.lossSum;
        t.correct = static_cast<int64_t>(host.correct);
        return t;
    }

private:
    cuda::LossAccumulator *accumulator()
    {
        return reinterpret_cast<cuda::LossAccumulator *>(totals_.data());
    }

    CudaBackend &backend_;
    LossSetup setup_;
    Tensor totals_; // a LossAccumulator's bytes on the device
    int64_t count_ = 0;
    bool pending_ = false;
};

} // namespace

std::unique_ptr<LossKernel> makeCudaLoss(CudaBackend &backend, const LossSetup &setup)
{
    return std::make_unique<CudaLoss>(backend, setup);
}

} // namespace strata::internal
