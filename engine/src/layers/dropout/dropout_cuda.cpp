// Dropout on the GPU. The CPU draws one number per element from the network's dropout stream;
// drawing them on the host would cost a copy of the mask every batch, so the GPU takes one
// 64-bit seed from that stream per training forward and derives the mask on the device
// (dropout_cuda.cu). The masks therefore differ from the CPU's, with the same distribution;
// a seeded GPU run is still reproducible, and checkpoints carry the stream either way.

#include "layers/dropout/dropout_cuda.h"
#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_check.h"
#include "layers/layer_util.h"

#include <stdexcept>

namespace strata::internal {

namespace {

class DropoutCuda final : public Kernel
{
public:
    explicit DropoutCuda(const KernelSetup &s)
        : cuda_(cudaBackendOf(s)), rate_(floatOf(s.params, "rate"))
    {
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &ctx) override
    {
        // Backward must follow the mode of the forward it belongs to.
        masked_ = ctx.training && rate_ > 0;
        if (!masked_) {
            cuda_.copy(*in[0], out);
            return;
        }
        if (!ctx.rng)
            throw std::logic_error("Dropout ran in training mode without a random stream");
        seed_ = ctx.rng->next();
        cuda_.activate();
        cuda::dropoutApply(in[0]->data(), out.data(), out.numel(), seed_, rate_, scale(),
                           cuda_.stream());
        checkLaunch("Dropout forward");
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        if (!masked_) {
            cuda_.copy(gy, *gin[0]);
            return;
        }
        cuda_.activate();
        cuda::dropoutApply(gy.data(), gin[0]->data(), gy.numel(), seed_, rate_, scale(),
                           cuda_.stream());
        checkLaunch("Dropout backward");
    }

private:
    float scale() const { return static_cast<float>(1 / (1 - rate_)); }

    CudaBackend &cuda_;
    double rate_;
    uint64_t seed_ = 0; // of the last training forward's mask
    bool masked_ = false;
};

} // namespace

std::unique_ptr<Kernel> makeDropoutCuda(const KernelSetup &setup)
{
    return std::make_unique<DropoutCuda>(setup);
}

} // namespace strata::internal
