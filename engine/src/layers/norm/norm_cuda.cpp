// LayerNorm and GroupNorm on the GPU: our own kernels (norm_cuda.cu). cuDNN's batch
// normalization has no per-sample mode with a per-value or per-channel scale that covers
// both, so the kernels follow the CPU loops over NormLayout. Backward keeps the row
// statistics it recomputes in two small buffers for the affine gradients.

#include "layers/norm/norm.h"

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_check.h"
#include "layers/norm/norm_cuda.h"

namespace strata::internal {

namespace {

class NormCuda final : public Kernel
{
public:
    NormCuda(const KernelSetup &s, const NormLayout &l)
        : cuda_(cudaBackendOf(s)), dims_{l.batch, l.size, l.rows, l.rowDiv, l.affineDiv, l.epsilon},
          gamma_(s.weights[0]), beta_(s.weights[1]), dGamma_(s.weightGrads[0]),
          dBeta_(s.weightGrads[1])
    {
        mean_ = cuda_.allocate({l.batch * l.rows});
        invStd_ = cuda_.allocate({l.batch * l.rows});
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        cuda_.activate();
        cuda::normForward(dims_, in[0]->data(), out.data(), gamma_.data(), beta_.data(),
                          cuda_.stream());
        checkLaunch("normalization forward");
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        cuda_.activate();
        cuda::normBackward(dims_, in[0]->data(), gy.data(), gin[0] ? gin[0]->data() : nullptr,
                           gamma_.data(), dGamma_.data(), dBeta_.data(), mean_.data(),
                           invStd_.data(), cuda_.stream());
        checkLaunch("normalization backward");
    }

    int64_t workspaceBytes() const override
    {
        return static_cast<int64_t>(sizeof(float)) * (mean_.numel() + invStd_.numel());
    }

private:
    CudaBackend &cuda_;
    cuda::NormDims dims_;
    Tensor gamma_, beta_, dGamma_, dBeta_;
    Tensor mean_, invStd_;
};

} // namespace

std::unique_ptr<Kernel> makeNormCuda(const KernelSetup &setup, const NormLayout &layout)
{
    return std::make_unique<NormCuda>(setup, layout);
}

} // namespace strata::internal
