// Upsample on the GPU (kernels in upsample_cuda.cu).

#include "layers/upsample/upsample.h"

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_check.h"
#include "layers/upsample/upsample_cuda.h"

namespace strata::internal {

namespace {

class UpsampleCuda final : public Kernel
{
public:
    explicit UpsampleCuda(const KernelSetup &s) : cuda_(cudaBackendOf(s))
    {
        const UpsampleSpec spec = upsampleSpec(s.params);
        const Shape &in = s.inputShapes[0];
        g_ = {in[0] * in[1],
              static_cast<int>(in[2]),
              static_cast<int>(in[3]),
              static_cast<int>(spec.scaleH),
              static_cast<int>(spec.scaleW),
              spec.bilinear};
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        cuda_.activate();
        cuda::upsampleForward(in[0]->data(), out.data(), g_, cuda_.stream());
        checkLaunch("Upsample forward");
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        cuda_.activate();
        cuda::upsampleBackward(gy.data(), gin[0]->data(), g_, cuda_.stream());
        checkLaunch("Upsample backward");
    }

private:
    CudaBackend &cuda_;
    cuda::UpsampleGeometry g_{};
};

} // namespace

std::unique_ptr<Kernel> makeUpsampleCuda(const KernelSetup &setup)
{
    return std::make_unique<UpsampleCuda>(setup);
}

} // namespace strata::internal
