// GELU on the GPU: one launch per pass over the flat tensor. Backward reads the input, like
// the CPU and reference kernels.

#include "layers/gelu/gelu.h"

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_check.h"
#include "layers/gelu/gelu_cuda.h"

namespace strata::internal {

namespace {

class GeluCuda final : public Kernel
{
public:
    explicit GeluCuda(const KernelSetup &s) : cuda_(cudaBackendOf(s)) {}

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        cuda_.activate();
        cuda::geluForward(in[0]->data(), out.data(), out.numel(), cuda_.stream());
        checkLaunch("GELU forward");
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        cuda_.activate();
        cuda::geluBackward(in[0]->data(), gy.data(), gin[0]->data(), gy.numel(), cuda_.stream());
        checkLaunch("GELU backward");
    }

private:
    CudaBackend &cuda_;
};

} // namespace

std::unique_ptr<Kernel> makeGeluCuda(const KernelSetup &setup)
{
    return std::make_unique<GeluCuda>(setup);
}

} // namespace strata::internal
