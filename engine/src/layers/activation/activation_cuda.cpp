// The activations on the GPU: one launch per pass over the flat tensor. Backward reads only
// the output, like the CPU and reference kernels.

#include "layers/activation/activation.h"

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_check.h"
#include "layers/activation/activation_cuda.h"

namespace strata::internal {

namespace {

// activation_cuda.cu switches on these values.
static_assert(static_cast<int>(ActivationKind::ReLU) == 0 &&
              static_cast<int>(ActivationKind::LeakyReLU) == 1 &&
              static_cast<int>(ActivationKind::Sigmoid) == 2 &&
              static_cast<int>(ActivationKind::Tanh) == 3);

class ActivationCuda final : public Kernel
{
public:
    ActivationCuda(const KernelSetup &s, ActivationKind kind, float alpha)
        : cuda_(cudaBackendOf(s)), kind_(static_cast<int>(kind)), alpha_(alpha)
    {
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        cuda_.activate();
        cuda::activationForward(kind_, alpha_, in[0]->data(), out.data(), out.numel(),
                                cuda_.stream());
        checkLaunch("Activation forward");
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &out, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        cuda_.activate();
        cuda::activationBackward(kind_, alpha_, out.data(), gy.data(), gin[0]->data(), out.numel(),
                                 cuda_.stream());
        checkLaunch("Activation backward");
    }

private:
    CudaBackend &cuda_;
    int kind_;
    float alpha_;
};

} // namespace

std::unique_ptr<Kernel> makeActivationCuda(const KernelSetup &setup, ActivationKind kind,
                                           float alpha)
{
    return std::make_unique<ActivationCuda>(setup, kind, alpha);
}

} // namespace strata::internal
