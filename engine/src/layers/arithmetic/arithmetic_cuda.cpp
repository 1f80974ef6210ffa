// Multiply and Subtract on the GPU (kernels in arithmetic_cuda.cu).

#include "layers/arithmetic/arithmetic.h"

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_check.h"
#include "layers/arithmetic/arithmetic_cuda.h"

namespace strata::internal {

namespace {

class ArithmeticCuda final : public Kernel
{
public:
    explicit ArithmeticCuda(const KernelSetup &s) : cuda_(cudaBackendOf(s))
    {
        const ArithmeticLayout l(s.inputShapes, s.outputShape);
        shape_ = {l.outer, l.inner, l.perChannel[0], l.perChannel[1],
                  arithmeticOpOf(s.node) == ArithmeticOp::Multiply};
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        cuda_.activate();
        cuda::arithmeticForward(in[0]->data(), in[1]->data(), out.data(), shape_, cuda_.stream());
        checkLaunch("Multiply/Subtract forward");
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        cuda_.activate();
        for (int port = 0; port < 2; ++port)
            if (Tensor *g = gin[static_cast<size_t>(port)]) {
                cuda::arithmeticBackward(gy.data(), in[static_cast<size_t>(1 - port)]->data(),
                                         g->data(), port, shape_, cuda_.stream());
                checkLaunch("Multiply/Subtract backward");
            }
    }

private:
    CudaBackend &cuda_;
    cuda::ArithmeticShape shape_{};
};

} // namespace

std::unique_ptr<Kernel> makeArithmeticCuda(const KernelSetup &setup)
{
    return std::make_unique<ArithmeticCuda>(setup);
}

} // namespace strata::internal
