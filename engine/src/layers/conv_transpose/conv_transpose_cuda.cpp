// ConvTranspose2D on the GPU (kernels in conv_transpose_cuda.cu).

#include "layers/conv_transpose/conv_transpose.h"

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_check.h"
#include "layers/conv_transpose/conv_transpose_cuda.h"

namespace strata::internal {

namespace {

cuda::TransposedGeometry geometryOf(const TransposedWindow &w)
{
    auto i = [](int64_t v) { return static_cast<int>(v); };
    return {i(w.batch),       i(w.channels),    i(w.filters),         i(w.rows.kernel),
            i(w.rows.in),     i(w.cols.in),     i(w.rows.out),        i(w.cols.out),
            i(w.rows.stride), i(w.cols.stride), i(w.rows.cropBefore), i(w.cols.cropBefore)};
}

class ConvTransposeCuda final : public Kernel
{
public:
    explicit ConvTransposeCuda(const KernelSetup &s)
        : cuda_(cudaBackendOf(s)), g_(geometryOf(transposedWindow(s.params, s.inputShapes[0]))),
          w_(s.weights[0]), dw_(s.weightGrads[0]), hasBias_(s.weights.size() > 1)
    {
        if (hasBias_) {
            b_ = s.weights[1];
            db_ = s.weightGrads[1];
        }
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        cuda_.activate();
        cuda::convTransposeForward(in[0]->data(), w_.data(), hasBias_ ? b_.data() : nullptr,
                                   out.data(), g_, cuda_.stream());
        checkLaunch("ConvTranspose2D forward");
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        cuda_.activate();
        cuda::convTransposeBackwardWeights(in[0]->data(), gy.data(), dw_.data(),
                                           hasBias_ ? db_.data() : nullptr, g_, cuda_.stream());
        if (gin[0])
            cuda::convTransposeBackwardData(gy.data(), w_.data(), gin[0]->data(), g_,
                                            cuda_.stream());
        checkLaunch("ConvTranspose2D backward");
    }

private:
    CudaBackend &cuda_;
    cuda::TransposedGeometry g_;
    Tensor w_, dw_, b_, db_;
    bool hasBias_;
};

} // namespace

std::unique_ptr<Kernel> makeConvTransposeCuda(const KernelSetup &setup)
{
    return std::make_unique<ConvTransposeCuda>(setup);
}

} // namespace strata::internal
