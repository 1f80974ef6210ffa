// Softmax on cuDNN: the tensor is described as {outer, axis, inner, 1} and cuDNN's channel
// mode normalises over the second axis at every position, the "accurate" algorithm
// subtracting the maximum first as the reference does.

#include "layers/softmax/softmax.h"

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_check.h"

namespace strata::internal {

namespace {

class SoftmaxCuda final : public Kernel
{
public:
    explicit SoftmaxCuda(const KernelSetup &s) : cuda_(cudaBackendOf(s))
    {
        const int64_t outer = s.outputShape.at(0), axis = s.outputShape.at(1);
        const int64_t inner = numel(s.outputShape) / (outer * axis);
        checkCudnn(cudnnCreateTensorDescriptor(&desc_), "Softmax setup");
        checkCudnn(cudnnSetTensor4dDescriptor(desc_, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT,
                                              static_cast<int>(outer), static_cast<int>(axis),
                                              static_cast<int>(inner), 1),
                   "Softmax descriptor");
    }

    ~SoftmaxCuda() override { cudnnDestroyTensorDescriptor(desc_); }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        cuda_.activate();
        const float one = 1.0f, zero = 0.0f;
        checkCudnn(cudnnSoftmaxForward(cuda_.cudnn(), CUDNN_SOFTMAX_ACCURATE,
                                       CUDNN_SOFTMAX_MODE_CHANNEL, &one, desc_, in[0]->data(),
                                       &zero, desc_, out.data()),
                   "Softmax forward");
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &out, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        cuda_.activate();
        const float one = 1.0f, zero = 0.0f;
        checkCudnn(cudnnSoftmaxBackward(cuda_.cudnn(), CUDNN_SOFTMAX_ACCURATE,
                                        CUDNN_SOFTMAX_MODE_CHANNEL, &one, desc_, out.data(), desc_,
                                        gy.data(), &zero, desc_, gin[0]->data()),
                   "Softmax backward");
    }

private:
    CudaBackend &cuda_;
    cudnnTensorDescriptor_t desc_ = nullptr;
};

} // namespace

std::unique_ptr<Kernel> makeSoftmaxCuda(const KernelSetup &setup)
{
    return std::make_unique<SoftmaxCuda>(setup);
}

} // namespace strata::internal
