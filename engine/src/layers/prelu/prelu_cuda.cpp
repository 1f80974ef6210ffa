// PReLU on the GPU: the kernels of prelu_cuda.cu on the network's stream.

#include "layers/prelu/prelu.h"

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_check.h"
#include "layers/prelu/prelu_cuda.h"

namespace strata::internal {

namespace {

class PReluCuda final : public Kernel
{
public:
    explicit PReluCuda(const KernelSetup &s)
        : cuda_(cudaBackendOf(s)), l_(preluLayout(s)), slope_(s.weights[0]),
          dSlope_(s.weightGrads[0])
    {
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        cuda_.activate();
        cuda::preluForward(in[0]->data(), slope_.data(), out.data(), l_.batch, l_.channels,
                           l_.spatial, cuda_.stream());
        checkLaunch("PReLU forward");
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        cuda_.activate();
        cuda::preluBackward(in[0]->data(), slope_.data(), gy.data(),
                            gin[0] ? gin[0]->data() : nullptr, dSlope_.data(), l_.batch,
                            l_.channels, l_.spatial, cuda_.stream());
        checkLaunch("PReLU backward");
    }

private:
    CudaBackend &cuda_;
    PReluLayout l_;
    Tensor slope_, dSlope_;
};

} // namespace

std::unique_ptr<Kernel> makePReluCuda(const KernelSetup &setup)
{
    return std::make_unique<PReluCuda>(setup);
}

} // namespace strata::internal
