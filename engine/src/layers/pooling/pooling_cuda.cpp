// MaxPool2D, AvgPool2D and GlobalAvgPool2D on the GPU (kernels in pooling_cuda.cu).

#include "layers/pooling/pooling.h"

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_check.h"
#include "layers/pooling/pooling_cuda.h"

namespace strata::internal {

namespace {

cuda::PoolAxis axisOf(const WindowAxis &a)
{
    return {static_cast<int>(a.in),        static_cast<int>(a.kernel),   static_cast<int>(a.stride),
            static_cast<int>(a.padBefore), static_cast<int>(a.padAfter), static_cast<int>(a.out)};
}

class Pool2DCuda final : public Kernel
{
public:
    explicit Pool2DCuda(const KernelSetup &s)
        : cuda_(cudaBackendOf(s)), max_(s.node.type == "MaxPool2D"),
          countPad_(poolSpec(s.params).countIncludePad)
    {
        const Window2D g = poolWindow(s.inputShapes[0], s.params);
        planes_ = g.batch * g.channels;
        rows_ = axisOf(g.rows);
        cols_ = axisOf(g.cols);
        if (max_) // one int per output (ints and floats have the same size)
            argmax_ = cuda_.allocate(s.outputShape);
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        cuda_.activate();
        if (max_)
            cuda::maxPoolForward(in[0]->data(), out.data(), argmax(), planes_, rows_, cols_,
                                 cuda_.stream());
        else
            cuda::avgPoolForward(in[0]->data(), out.data(), planes_, rows_, cols_, countPad_,
                                 cuda_.stream());
        checkLaunch("Pooling forward");
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        cuda_.activate();
        // Max pooling routes each gradient to the maximum its forward found in this batch.
        if (max_)
            cuda::maxPoolBackward(gy.data(), argmax(), gin[0]->data(), planes_, rows_, cols_,
                                  cuda_.stream());
        else
            cuda::avgPoolBackward(gy.data(), gin[0]->data(), planes_, rows_, cols_, countPad_,
                                  cuda_.stream());
        checkLaunch("Pooling backward");
    }

private:
    int *argmax() { return reinterpret_cast<int *>(argmax_.data()); }

    CudaBackend &cuda_;
    bool max_;
    bool countPad_; // AvgPool2D's count_include_pad
    int64_t planes_ = 0;
    cuda::PoolAxis rows_{}, cols_{};
    Tensor argmax_;
};

class GlobalAvgPoolCuda final : public Kernel
{
public:
    explicit GlobalAvgPoolCuda(const KernelSetup &s)
        : cuda_(cudaBackendOf(s)), planes_(s.inputShapes[0][0] * s.inputShapes[0][1]),
          pixels_(s.inputShapes[0][2] * s.inputShapes[0][3])
    {
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        cuda_.activate();
        cuda::globalAvgPoolForward(in[0]->data(), out.data(), planes_, pixels_, cuda_.stream());
        checkLaunch("GlobalAvgPool2D forward");
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        cuda_.activate();
        cuda::globalAvgPoolBackward(gy.data(), gin[0]->data(), planes_, pixels_, cuda_.stream());
        checkLaunch("GlobalAvgPool2D backward");
    }

private:
    CudaBackend &cuda_;
    int64_t planes_, pixels_;
};

} // namespace

std::unique_ptr<Kernel> makePool2DCuda(const KernelSetup &setup)
{
    return std::make_unique<Pool2DCuda>(setup);
}

std::unique_ptr<Kernel> makeGlobalAvgPoolCuda(const KernelSetup &setup)
{
    return std::make_unique<GlobalAvgPoolCuda>(setup);
}

} // namespace strata::internal
