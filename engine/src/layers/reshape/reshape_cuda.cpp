// The family's copy on the GPU: a device copy when the values keep their order (Reshape),
// else one gather launch forward and one scatter launch back (Slice zeroes the rest of the
// input gradient first).

#include "layers/reshape/reshape.h"

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_check.h"
#include "layers/reshape/reshape_cuda.h"

namespace strata::internal {

namespace {

class StridedCopyCuda final : public Kernel
{
public:
    StridedCopyCuda(const KernelSetup &s, StridedCopy copy)
        : cuda_(cudaBackendOf(s)), copy_(std::move(copy))
    {
        if (copy_.dims.size() > static_cast<size_t>(cuda::kMaxCopyRank))
            throw BackendError("the GPU copies tensors of at most " +
                               std::to_string(cuda::kMaxCopyRank) + " axes");
        axes_.rank = static_cast<int>(copy_.dims.size());
        for (size_t i = 0; i < copy_.dims.size(); ++i) {
            axes_.dims[i] = copy_.dims[i];
            axes_.strides[i] = copy_.strides[i];
            count_ *= copy_.dims[i];
        }
        plain_ = copy_.dims.size() == 1 && copy_.strides[0] == 1 && copy_.offset == 0;
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        if (plain_)
            return cuda_.copy(*in[0], out);
        cuda_.activate();
        cuda::stridedGather(in[0]->data() + copy_.offset, out.data(), axes_, count_,
                            cuda_.stream());
        checkLaunch("strided copy forward");
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        if (plain_)
            return cuda_.copy(gy, *gin[0]);
        cuda_.activate();
        if (!copy_.coversInput)
            checkCuda(cudaMemsetAsync(gin[0]->data(), 0,
                                      sizeof(float) * static_cast<size_t>(gin[0]->numel()),
                                      cuda_.stream()),
                      "strided copy zeroing");
        cuda::stridedScatter(gy.data(), gin[0]->data() + copy_.offset, axes_, count_,
                             cuda_.stream());
        checkLaunch("strided copy backward");
    }

private:
    CudaBackend &cuda_;
    StridedCopy copy_;
    cuda::CopyAxes axes_;
    int64_t count_ = 1;
    bool plain_ = false;
};

} // namespace

std::unique_ptr<Kernel> makeStridedCopyCuda(const KernelSetup &setup, StridedCopy copy)
{
    return std::make_unique<StridedCopyCuda>(setup, std::move(copy));
}

} // namespace strata::internal
