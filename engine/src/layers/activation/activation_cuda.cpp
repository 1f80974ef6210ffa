// The activations on the GPU: one launch per pass over the flat tensor. Backward reads the
// output where it determines the derivative, like the CPU and reference kernels.

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
              static_cast<int>(ActivationKind::Tanh) == 3 &&
              static_cast<int>(ActivationKind::Clip) == 4 &&
              static_cast<int>(ActivationKind::ELU) == 5 &&
              static_cast<int>(ActivationKind::SiLU) == 6 &&
              static_cast<int>(ActivationKind::Hardswish) == 7 &&
              static_cast<int>(ActivationKind::Hardsigmoid) == 8 &&
              static_cast<int>(ActivationKind::Softplus) == 9);
static_assert(kSoftplusThreshold == 20.f); // written out in activation_cuda.cu

class ActivationCuda final : public Kernel
{
public:
    ActivationCuda(const KernelSetup &s, ActivationFunction f) : cuda_(cudaBackendOf(s)), f_(f) {}

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        cuda_.activate();
        cuda::activationForward(static_cast<int>(f_.kind), f_.alpha, f_.beta, in[0]->data(),
                                out.data(), out.numel(), cuda_.stream());
        checkLaunch("Activation forward");
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        cuda_.activate();
        cuda::activationBackward(static_cast<int>(f_.kind), f_.alpha, f_.beta, in[0]->data(),
                                 out.data(), gy.data(), gin[0]->data(), out.numel(),
                                 cuda_.stream());
        checkLaunch("Activation backward");
    }

private:
    CudaBackend &cuda_;
    ActivationFunction f_;
};

} // namespace

std::unique_ptr<Kernel> makeActivationCuda(const KernelSetup &setup, ActivationFunction f)
{
    return std::make_unique<ActivationCuda>(setup, f);
}

} // namespace strata::internal
