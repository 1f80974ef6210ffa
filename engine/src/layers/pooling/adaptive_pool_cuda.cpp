// AdaptiveAvgPool2D on the GPU (kernels in adaptive_pool_cuda.cu).

#include "layers/pooling/pooling.h"

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_check.h"
#include "layers/pooling/adaptive_pool_cuda.h"

namespace strata::internal {

namespace {

class AdaptiveAvgPoolCuda final : public Kernel
{
public:
    explicit AdaptiveAvgPoolCuda(const KernelSetup &s) : cuda_(cudaBackendOf(s))
    {
        const AdaptiveWindow w = adaptiveWindow(s.inputShapes[0], s.params);
        planes_ = w.batch * w.channels;
        dims_ = {static_cast<int>(w.rows.in), static_cast<int>(w.cols.in),
                 static_cast<int>(w.rows.out), static_cast<int>(w.cols.out)};
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        cuda_.activate();
        cuda::adaptiveAvgPoolForward(in[0]->data(), out.data(), planes_, dims_, cuda_.stream());
        checkLaunch("AdaptiveAvgPool2D forward");
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        cuda_.activate();
        cuda::adaptiveAvgPoolBackward(gy.data(), gin[0]->data(), planes_, dims_, cuda_.stream());
        checkLaunch("AdaptiveAvgPool2D backward");
    }

private:
    CudaBackend &cuda_;
    int64_t planes_ = 0;
    cuda::AdaptiveDims dims_{};
};

} // namespace

std::unique_ptr<Kernel> makeAdaptiveAvgPoolCuda(const KernelSetup &setup)
{
    return std::make_unique<AdaptiveAvgPoolCuda>(setup);
}

} // namespace strata::internal
