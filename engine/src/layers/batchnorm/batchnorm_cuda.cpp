// BatchNorm on cuDNN's spatial batch normalization (a flat {N, F} input is seen as
// {N, F, 1, 1}). cuDNN keeps the running statistics itself with the exponential factor
// 1 − momentum, the running variance tracking the unbiased variance as Strata's does; the
// batch mean and inverse deviation of the last training forward are kept for its backward.
// Backward in evaluation mode (running statistics as constants) is a small kernel of ours.

#include "layers/batchnorm/batchnorm.h"

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_check.h"
#include "layers/batchnorm/batchnorm_cuda.h"

namespace strata::internal {

namespace {

class BatchNormCuda final : public Kernel
{
public:
    explicit BatchNormCuda(const KernelSetup &s)
        : cuda_(cudaBackendOf(s)), l_(batchNormLayout(s)), gamma_(s.weights[0]),
          beta_(s.weights[1]), runningMean_(s.weights[2]), runningVar_(s.weights[3]),
          dGamma_(s.weightGrads[0]), dBeta_(s.weightGrads[1])
    {
        if (l_.epsilon < CUDNN_BN_MIN_EPSILON)
            throw BackendError(describe(s.node) + ": cuDNN needs epsilon of at least " +
                               std::to_string(CUDNN_BN_MIN_EPSILON) +
                               " on the GPU; raise it "
                               "(1e-5 is PyTorch's default) or train on the CPU");
        checkCudnn(cudnnCreateTensorDescriptor(&dataDesc_), "BatchNorm setup");
        checkCudnn(cudnnCreateTensorDescriptor(&paramDesc_), "BatchNorm setup");
        checkCudnn(cudnnSetTensor4dDescriptor(
                       dataDesc_, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, static_cast<int>(l_.batch),
                       static_cast<int>(l_.channels), static_cast<int>(l_.spatial), 1),
                   "BatchNorm descriptor");
        checkCudnn(cudnnDeriveBNTensorDescriptor(paramDesc_, dataDesc_, CUDNN_BATCHNORM_SPATIAL),
                   "BatchNorm parameter descriptor");
        savedMean_ = cuda_.allocate({l_.channels});
        savedInvStd_ = cuda_.allocate({l_.channels});
    }

    ~BatchNormCuda() override
    {
        cudnnDestroyTensorDescriptor(paramDesc_);
        cudnnDestroyTensorDescriptor(dataDesc_);
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &ctx) override
    {
        cuda_.activate();
        const float one = 1.0f, zero = 0.0f;
        if (!ctx.training) {
            checkCudnn(cudnnBatchNormalizationForwardInference(
                           cuda_.cudnn(), CUDNN_BATCHNORM_SPATIAL, &one, &zero, dataDesc_,
                           in[0]->data(), dataDesc_, out.data(), paramDesc_, gamma_.data(),
                           beta_.data(), runningMean_.data(), runningVar_.data(), l_.epsilon),
                       "BatchNorm forward (evaluation)");
            return;
        }
        checkCudnn(cudnnBatchNormalizationForwardTraining(
                       cuda_.cudnn(), CUDNN_BATCHNORM_SPATIAL, &one, &zero, dataDesc_,
                       in[0]->data(), dataDesc_, out.data(), paramDesc_, gamma_.data(),
                       beta_.data(), 1.0 - l_.momentum, runningMean_.data(), runningVar_.data(),
                       l_.epsilon, savedMean_.data(), savedInvStd_.data()),
                   "BatchNorm forward");
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &ctx) override
    {
        cuda_.activate();
        if (!ctx.training) {
            cuda::batchNormEvalBackward(in[0]->data(), gy.data(), gin[0] ? gin[0]->data() : nullptr,
                                        gamma_.data(), runningMean_.data(), runningVar_.data(),
                                        l_.epsilon, dGamma_.data(), dBeta_.data(), l_.batch,
                                        l_.channels, l_.spatial, cuda_.stream());
            checkLaunch("BatchNorm backward (evaluation)");
            return;
        }
        // cuDNN always writes dL/dx; a BatchNorm fed by the Input gets a buffer of its own.
        float *dx = nullptr;
        if (gin[0]) {
            dx = gin[0]->data();
        } else {
            if (!unusedDx_.defined())
                unusedDx_ = cuda_.allocate(in[0]->shape());
            dx = unusedDx_.data();
        }
        const float one = 1.0f, zero = 0.0f;
        checkCudnn(cudnnBatchNormalizationBackward(
                       cuda_.cudnn(), CUDNN_BATCHNORM_SPATIAL, &one, &zero, &one, &zero, dataDesc_,
                       in[0]->data(), dataDesc_, gy.data(), dataDesc_, dx, paramDesc_,
                       gamma_.data(), dGamma_.data(), dBeta_.data(), l_.epsilon, savedMean_.data(),
                       savedInvStd_.data()),
                   "BatchNorm backward");
    }

private:
    CudaBackend &cuda_;
    BatchNormLayout l_;
    Tensor gamma_, beta_, runningMean_, runningVar_, dGamma_, dBeta_;
    Tensor savedMean_, savedInvStd_, unusedDx_;
    cudnnTensorDescriptor_t dataDesc_ = nullptr, paramDesc_ = nullptr;
};

} // namespace

std::unique_ptr<Kernel> makeBatchNormCuda(const KernelSetup &setup)
{
    return std::make_unique<BatchNormCuda>(setup);
}

} // namespace strata::internal
