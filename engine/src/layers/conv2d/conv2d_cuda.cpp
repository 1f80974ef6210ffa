// Conv2D on cuDNN. Descriptors are built and the fastest algorithm for each pass is measured
// (cudnnFind*) once, when the network's plan creates the kernel; every batch only runs them.
// cuDNN pads symmetrically, and Keras' "same" padding (or explicit pads) can put more pixels
// after than before: then the input is copied once per batch into a zero-bordered buffer (a strided
// device copy) and convolved without padding, and dL/dx is cropped back out of that buffer.
// Float maths is full FP32 unless STRATA_CUDA_TF32=1 (see CudaBackend::allowTf32).

#include "layers/conv2d/conv2d.h"

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_check.h"
#include "core/profiler.h"
#include "layers/layer_util.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>

namespace strata::internal {

namespace {

// A device copy between two stacks of planes of different widths and heights: `planes`
// planes of rows×cols floats, placed at (top, left) in the larger one.
void copyPlanes(const float *src, int64_t srcH, int64_t srcW, int64_t srcTop, int64_t srcLeft,
                float *dst, int64_t dstH, int64_t dstW, int64_t dstTop, int64_t dstLeft,
                int64_t rows, int64_t cols, int64_t planes, cudaStream_t stream)
{
    cudaMemcpy3DParms p{};
    p.srcPtr = make_cudaPitchedPtr(const_cast<float *>(src), sizeof(float) * srcW, srcW, srcH);
    p.srcPos = make_cudaPos(sizeof(float) * srcLeft, srcTop, 0);
    p.dstPtr = make_cudaPitchedPtr(dst, sizeof(float) * dstW, dstW, dstH);
    p.dstPos = make_cudaPos(sizeof(float) * dstLeft, dstTop, 0);
    p.extent = make_cudaExtent(sizeof(float) * cols, rows, planes);
    p.kind = cudaMemcpyDeviceToDevice;
    checkCuda(cudaMemcpy3DAsync(&p, stream), "Conv2D padding copy");
}

class Conv2DCuda final : public Kernel
{
public:
    explicit Conv2DCuda(const KernelSetup &s)
        : cuda_(cudaBackendOf(s)), node_(s.node), hasBias_(s.weights.size() > 1), w_(s.weights[0]),
          dw_(s.weightGrads[0]), g_(window2D(s.inputShapes[0], convWindow(s.params))),
          filters_(intOf(s.params, "filters")), groups_(intOf(s.params, "groups"))
    {
        if (hasBias_) {
            b_ = s.weights[1];
            db_ = s.weightGrads[1];
        }
        cuda_.activate();
        asymmetric_ =
            g_.rows.padBefore != g_.rows.padAfter || g_.cols.padBefore != g_.cols.padAfter;
        convH_ = g_.rows.in + (asymmetric_ ? g_.rows.padBefore + g_.rows.padAfter : 0);
        convW_ = g_.cols.in + (asymmetric_ ? g_.cols.padBefore + g_.cols.padAfter : 0);
        if (asymmetric_) {
            const Shape padded{g_.batch, g_.channels, convH_, convW_};
            xPad_ = cuda_.allocate(padded);
            dxPad_ = cuda_.allocate(padded);
        }
        try {
            describe();
            chooseAlgorithms();
        } catch (...) {
            destroy();
            throw;
        }
    }

    ~Conv2DCuda() override { destroy(); }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        cuda_.activate();
        const float one = 1.0f, zero = 0.0f;
        const float *x = input(*in[0]);
        checkCudnn(cudnnConvolutionForward(cuda_.cudnn(), &one, xDesc_, x, wDesc_, w_.data(),
                                           convDesc_, fwdAlgo_, cuda_.workspace(workspaceBytes_),
                                           workspaceBytes_, &zero, yDesc_, out.data()),
                   "Conv2D forward");
        if (hasBias_)
            checkCudnn(
                cudnnAddTensor(cuda_.cudnn(), &one, biasDesc_, b_.data(), &one, yDesc_, out.data()),
                "Conv2D bias");
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        cuda_.activate();
        const float one = 1.0f, zero = 0.0f;
        // The padded copy forward made of this batch's input is still there.
        const float *x = asymmetric_ ? xPad_.data() : in[0]->data();
        void *ws = cuda_.workspace(workspaceBytes_);
        checkCudnn(cudnnConvolutionBackwardFilter(cuda_.cudnn(), &one, xDesc_, x, yDesc_, gy.data(),
                                                  convDesc_, bwdFilterAlgo_, ws, workspaceBytes_,
                                                  &zero, wDesc_, dw_.data()),
                   "Conv2D weight gradient");
        if (hasBias_)
            checkCudnn(cudnnConvolutionBackwardBias(cuda_.cudnn(), &one, yDesc_, gy.data(), &zero,
                                                    biasDesc_, db_.data()),
                       "Conv2D bias gradient");
        if (!gin[0])
            return; // nothing upstream needs dL/dx (the layer follows the Input)
        float *dx = asymmetric_ ? dxPad_.data() : gin[0]->data();
        checkCudnn(cudnnConvolutionBackwardData(cuda_.cudnn(), &one, wDesc_, w_.data(), yDesc_,
                                                gy.data(), convDesc_, bwdDataAlgo_, ws,
                                                workspaceBytes_, &zero, xDesc_, dx),
                   "Conv2D input gradient");
        if (asymmetric_)
            copyPlanes(dxPad_.data(), convH_, convW_, g_.rows.padBefore, g_.cols.padBefore,
                       gin[0]->data(), g_.rows.in, g_.cols.in, 0, 0, g_.rows.in, g_.cols.in,
                       g_.batch * g_.channels, cuda_.stream());
    }

    std::string implementation() const override
    {
        // cuDNN's algorithm enums, in their order (cudnn_ops.h).
        static const char *const fwd[] = {
            "implicit_gemm", "implicit_precomp_gemm", "gemm", "direct", "fft", "fft_tiling",
            "winograd",      "winograd_nonfused"};
        static const char *const filter[] = {
            "algo_0", "algo_1", "fft", "algo_3", "winograd", "winograd_nonfused", "fft_tiling"};
        static const char *const data[] = {"algo_0",     "algo_1",   "fft",
                                           "fft_tiling", "winograd", "winograd_nonfused"};
        const auto name = [](const char *const *names, size_t count, int algo) {
            return "cudnn " + (algo >= 0 && static_cast<size_t>(algo) < count
                                   ? std::string(names[algo])
                                   : "algo " + std::to_string(algo));
        };
        return implementationNames({{"fwd", name(fwd, std::size(fwd), fwdAlgo_)},
                                    {"bwd-d", name(data, std::size(data), bwdDataAlgo_)},
                                    {"bwd-w", name(filter, std::size(filter), bwdFilterAlgo_)}});
    }

    // The cuDNN workspace it asks for (the backend's, shared by the kernels) and the padded
    // copies.
    int64_t workspaceBytes() const override
    {
        const int64_t padded = asymmetric_ ? xPad_.numel() + dxPad_.numel() : 0;
        return static_cast<int64_t>(workspaceBytes_) + padded * static_cast<int64_t>(sizeof(float));
    }

private:
    // The input as the convolution sees it: itself, or its zero-bordered copy.
    const float *input(const Tensor &x)
    {
        if (!asymmetric_)
            return x.data();
        copyPlanes(x.data(), g_.rows.in, g_.cols.in, 0, 0, xPad_.data(), convH_, convW_,
                   g_.rows.padBefore, g_.cols.padBefore, g_.rows.in, g_.cols.in,
                   g_.batch * g_.channels, cuda_.stream());
        return xPad_.data();
    }

    void describe()
    {
        const auto i = [](int64_t v) { return static_cast<int>(v); };
        checkCudnn(cudnnCreateTensorDescriptor(&xDesc_), "Conv2D setup");
        checkCudnn(cudnnCreateTensorDescriptor(&yDesc_), "Conv2D setup");
        checkCudnn(cudnnCreateTensorDescriptor(&biasDesc_), "Conv2D setup");
        checkCudnn(cudnnCreateFilterDescriptor(&wDesc_), "Conv2D setup");
        checkCudnn(cudnnCreateConvolutionDescriptor(&convDesc_), "Conv2D setup");
        checkCudnn(cudnnSetTensor4dDescriptor(xDesc_, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT,
                                              i(g_.batch), i(g_.channels), i(convH_), i(convW_)),
                   "Conv2D input descriptor");
        checkCudnn(cudnnSetTensor4dDescriptor(yDesc_, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT,
                                              i(g_.batch), i(filters_), i(g_.rows.out),
                                              i(g_.cols.out)),
                   "Conv2D output descriptor");
        checkCudnn(cudnnSetTensor4dDescriptor(biasDesc_, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, 1,
                                              i(filters_), 1, 1),
                   "Conv2D bias descriptor");
        // A grouped filter reads channels / groups channels.
        checkCudnn(cudnnSetFilter4dDescriptor(wDesc_, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW,
                                              i(filters_), i(g_.channels / groups_),
                                              i(g_.rows.kernel), i(g_.cols.kernel)),
                   "Conv2D weight descriptor");
        const int padH = asymmetric_ ? 0 : i(g_.rows.padBefore);
        const int padW = asymmetric_ ? 0 : i(g_.cols.padBefore);
        checkCudnn(cudnnSetConvolution2dDescriptor(convDesc_, padH, padW, i(g_.rows.stride),
                                                   i(g_.cols.stride), i(g_.rows.dilation),
                                                   i(g_.cols.dilation), CUDNN_CROSS_CORRELATION,
                                                   CUDNN_DATA_FLOAT),
                   "Conv2D convolution descriptor");
        checkCudnn(cudnnSetConvolutionGroupCount(convDesc_, i(groups_)), "Conv2D group count");
        checkCudnn(cudnnSetConvolutionMathType(convDesc_, cuda_.allowTf32() ? CUDNN_DEFAULT_MATH
                                                                            : CUDNN_FMA_MATH),
                   "Conv2D math type");
        int n = 0, c = 0, h = 0, w = 0;
        checkCudnn(cudnnGetConvolution2dForwardOutputDim(convDesc_, xDesc_, wDesc_, &n, &c, &h, &w),
                   "Conv2D output size");
        if (h != g_.rows.out || w != g_.cols.out)
            throw BackendError(strata::describe(node_) + ": cuDNN computes a " + toString({h, w}) +
                               " output where Strata expects " +
                               toString({g_.rows.out, g_.cols.out}));
    }

    // Times every algorithm cuDNN offers for each pass and keeps the fastest that ran.
    void chooseAlgorithms()
    {
        constexpr int kMax = 16;
        int found = 0;
        cudnnConvolutionFwdAlgoPerf_t fwd[kMax];
        checkCudnn(cudnnFindConvolutionForwardAlgorithm(cuda_.cudnn(), xDesc_, wDesc_, convDesc_,
                                                        yDesc_, kMax, &found, fwd),
                   "Choosing the Conv2D forward algorithm");
        const auto fwdBest = pick(fwd, found, "forward");
        fwdAlgo_ = fwdBest.algo;

        cudnnConvolutionBwdFilterAlgoPerf_t bwdF[kMax];
        checkCudnn(cudnnFindConvolutionBackwardFilterAlgorithm(
                       cuda_.cudnn(), xDesc_, yDesc_, convDesc_, wDesc_, kMax, &found, bwdF),
                   "Choosing the Conv2D weight-gradient algorithm");
        const auto bwdFBest = pick(bwdF, found, "weight gradient");
        bwdFilterAlgo_ = bwdFBest.algo;

        cudnnConvolutionBwdDataAlgoPerf_t bwdD[kMax];
        checkCudnn(cudnnFindConvolutionBackwardDataAlgorithm(cuda_.cudnn(), wDesc_, yDesc_,
                                                             convDesc_, xDesc_, kMax, &found, bwdD),
                   "Choosing the Conv2D input-gradient algorithm");
        const auto bwdDBest = pick(bwdD, found, "input gradient");
        bwdDataAlgo_ = bwdDBest.algo;

        workspaceBytes_ = std::max({fwdBest.memory, bwdFBest.memory, bwdDBest.memory});
        cuda_.workspace(workspaceBytes_); // allocate it now: out of memory shows at setup
    }

    template <typename Perf> Perf pick(const Perf *perf, int found, const char *pass) const
    {
        // Results come fastest first; skip the ones that failed (e.g. out of memory), and
        // prefer one whose scratch memory stays modest over a slightly faster, greedy one.
        constexpr size_t modest = size_t(256) << 20;
        for (size_t limit : {modest, SIZE_MAX})
            for (int k = 0; k < found; ++k)
                if (perf[k].status == CUDNN_STATUS_SUCCESS && perf[k].memory <= limit)
                    return perf[k];
        throw BackendError(strata::describe(node_) + ": cuDNN has no working " + pass +
                           " algorithm for this convolution (input " +
                           toString({g_.batch, g_.channels, g_.rows.in, g_.cols.in}) + ")");
    }

    void destroy()
    {
        if (convDesc_)
            cudnnDestroyConvolutionDescriptor(convDesc_);
        if (wDesc_)
            cudnnDestroyFilterDescriptor(wDesc_);
        if (biasDesc_)
            cudnnDestroyTensorDescriptor(biasDesc_);
        if (yDesc_)
            cudnnDestroyTensorDescriptor(yDesc_);
        if (xDesc_)
            cudnnDestroyTensorDescriptor(xDesc_);
        convDesc_ = nullptr;
        wDesc_ = nullptr;
        biasDesc_ = yDesc_ = xDesc_ = nullptr;
    }

    CudaBackend &cuda_;
    Node node_;
    bool hasBias_;
    Tensor w_, dw_, b_, db_;
    Window2D g_;
    int64_t filters_, groups_;
    bool asymmetric_ = false;
    int64_t convH_ = 0, convW_ = 0; // the input size the convolution sees
    Tensor xPad_, dxPad_;
    cudnnTensorDescriptor_t xDesc_ = nullptr, yDesc_ = nullptr, biasDesc_ = nullptr;
    cudnnFilterDescriptor_t wDesc_ = nullptr;
    cudnnConvolutionDescriptor_t convDesc_ = nullptr;
    cudnnConvolutionFwdAlgo_t fwdAlgo_{};
    cudnnConvolutionBwdFilterAlgo_t bwdFilterAlgo_{};
    cudnnConvolutionBwdDataAlgo_t bwdDataAlgo_{};
    size_t workspaceBytes_ = 0;
};

} // namespace

std::unique_ptr<Kernel> makeConv2DCuda(const KernelSetup &setup)
{
    return std::make_unique<Conv2DCuda>(setup);
}

} // namespace strata::internal
