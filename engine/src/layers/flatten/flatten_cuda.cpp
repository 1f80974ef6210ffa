// Flatten on the GPU: the values do not move, so forward and backward are device copies.

#include "backends/cuda/cuda_backend.h"

namespace strata::internal {

namespace {

class FlattenCuda final : public Kernel
{
public:
    explicit FlattenCuda(const KernelSetup &s) : cuda_(cudaBackendOf(s)) {}

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        cuda_.copy(*in[0], out);
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (gin[0])
            cuda_.copy(gy, *gin[0]);
    }

private:
    CudaBackend &cuda_;
};

} // namespace

std::unique_ptr<Kernel> makeFlattenCuda(const KernelSetup &setup)
{
    return std::make_unique<FlattenCuda>(setup);
}

} // namespace strata::internal
