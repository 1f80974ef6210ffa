// BatchNorm on oneDNN's batch normalization, primitives created once per network: one
// forward/backward pair for training (batch statistics) and one for evaluation (running
// statistics as constants, flag use_global_stats). A flat {N, F} input is seen as
// {N, F, 1, 1}, which has the same layout. Images are normalised in the channel block they
// arrive in (see LayoutUse): between convolutions that is nChw16c, where oneDNN's jitted
// batch normalization runs, and no reorder is needed on either side.

#include "layers/batchnorm/batchnorm.h"

#include "backends/cpu/cpu_backend.h"

namespace strata::internal {

namespace {

using namespace dnnl;
using dt = memory::data_type;

class BatchNormCpu final : public Kernel
{
public:
    explicit BatchNormCpu(const KernelSetup &s)
        : cpu_(cpuBackendOf(s)), l_(batchNormLayout(s)), block_(s.inputBlock(0)),
          serial_(fitsOneThread(numel(s.outputShape) * int64_t(sizeof(float))))
    {
        OneThread one(serial_);
        auto &eng = cpu_.engine();
        // {N, C, H·W, 1} in a channel block is {N, C, H, W} in it: [N][C/B][H·W][B]. One
        // value per channel (flat features, 1×1 images) is the same bytes in every block, and
        // oneDNN's jitted kernel takes nChw16c where its plain-layout one is much slower.
        const bool onePixel = l_.spatial == 1 && l_.channels % 16 == 0;
        const memory::desc data =
            channelBlockedDesc({l_.batch, l_.channels, l_.spatial, 1}, onePixel ? 16 : block_);
        const memory::desc perChannel({l_.channels}, dt::f32, memory::format_tag::x);
        const auto scaleShift = normalization_flags::use_scale | normalization_flags::use_shift;
        const auto global = scaleShift | normalization_flags::use_global_stats;

        trainPd_ = batch_normalization_forward::primitive_desc(
            {prop_kind::forward_training, data, l_.epsilon, scaleShift}, eng);
        train_ = batch_normalization_forward(trainPd_);
        trainBwdPd_ = batch_normalization_backward::primitive_desc(
            {prop_kind::backward, data, data, l_.epsilon, scaleShift}, eng, trainPd_);
        trainBwd_ = batch_normalization_backward(trainBwdPd_);

        evalPd_ = batch_normalization_forward::primitive_desc(
            {prop_kind::forward_inference, data, l_.epsilon, global}, eng);
        eval_ = batch_normalization_forward(evalPd_);
        evalBwdPd_ = batch_normalization_backward::primitive_desc(
            {prop_kind::backward, data, data, l_.epsilon, global}, eng, evalPd_);
        evalBwd_ = batch_normalization_backward(evalBwdPd_);

        auto view = [&](Tensor t) { return memory(perChannel, eng, t.data()); };
        gamma_ = view(s.weights[0]);
        beta_ = view(s.weights[1]);
        runningMean_ = view(s.weights[2]);
        runningVar_ = view(s.weights[3]);
        dGamma_ = view(s.weightGrads[0]);
        dBeta_ = view(s.weightGrads[1]);
        // The batch statistics of the last training forward, which its backward needs.
        batchMean_ = memory(perChannel, eng);
        batchVar_ = memory(perChannel, eng);
        src_ = memory(data, eng, nullptr);
        dst_ = memory(data, eng, nullptr);
        diffDst_ = memory(data, eng, nullptr);
        diffSrc_ = memory(data, eng, nullptr);
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &ctx) override
    {
        OneThread one(serial_);
        src_.set_data_handle(const_cast<float *>(in[0]->data()));
        dst_.set_data_handle(out.data());
        std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src_},
                                             {DNNL_ARG_DST, dst_},
                                             {DNNL_ARG_SCALE, gamma_},
                                             {DNNL_ARG_SHIFT, beta_}};
        if (!ctx.training) {
            args.insert({DNNL_ARG_MEAN, runningMean_});
            args.insert({DNNL_ARG_VARIANCE, runningVar_});
            eval_.execute(cpu_.stream(), args);
            return;
        }
        args.insert({DNNL_ARG_MEAN, batchMean_});
        args.insert({DNNL_ARG_VARIANCE, batchVar_});
        train_.execute(cpu_.stream(), args);
        updateRunningStats();
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &ctx) override
    {
        OneThread one(serial_);
        src_.set_data_handle(const_cast<float *>(in[0]->data()));
        diffDst_.set_data_handle(const_cast<float *>(gy.data()));
        if (gin[0]) {
            diffSrc_.set_data_handle(gin[0]->data());
        } else {
            // oneDNN always writes dL/dx. Only a BatchNorm fed by the Input gets here; it
            // gets a buffer of its own, once, rather than every BatchNorm carrying one.
            if (!unusedDiffSrc_)
                unusedDiffSrc_ = memory(src_.get_desc(), cpu_.engine());
            diffSrc_.set_data_handle(unusedDiffSrc_.get_data_handle());
        }
        const bool training = ctx.training;
        (training ? trainBwd_ : evalBwd_)
            .execute(cpu_.stream(), {{DNNL_ARG_SRC, src_},
                                     {DNNL_ARG_MEAN, training ? batchMean_ : runningMean_},
                                     {DNNL_ARG_VARIANCE, training ? batchVar_ : runningVar_},
                                     {DNNL_ARG_DIFF_DST, diffDst_},
                                     {DNNL_ARG_SCALE, gamma_},
                                     // Unused by the math, but oneDNN 2.6 asks for it.
                                     {DNNL_ARG_SHIFT, beta_},
                                     {DNNL_ARG_DIFF_SRC, diffSrc_},
                                     {DNNL_ARG_DIFF_SCALE, dGamma_},
                                     {DNNL_ARG_DIFF_SHIFT, dBeta_}});
    }

    int64_t outputBlock() const override { return block_; }

    std::string implementation() const override
    {
        return implementationNames(
            {{"fwd", trainPd_.impl_info_str()}, {"bwd", trainBwdPd_.impl_info_str()}});
    }

    int64_t workspaceBytes() const override
    {
        const auto bytes = [](const memory &m) {
            return static_cast<int64_t>(m.get_desc().get_size());
        };
        return bytes(batchMean_) + bytes(batchVar_) +
               largestScratchpad({&trainPd_, &trainBwdPd_, &evalPd_, &evalBwdPd_});
    }

private:
    // Keras-style exponential average of the batch statistics. oneDNN gives the biased
    // variance (the one that normalises); the running variance tracks the unbiased one, as
    // PyTorch's does, so that evaluation matches a PyTorch-trained model.
    void updateRunningStats()
    {
        const auto *mean = static_cast<const float *>(batchMean_.get_data_handle());
        const auto *var = static_cast<const float *>(batchVar_.get_data_handle());
        auto *runningMean = static_cast<float *>(runningMean_.get_data_handle());
        auto *runningVar = static_cast<float *>(runningVar_.get_data_handle());
        const float m = l_.momentum;
        const float unbiased = static_cast<float>(unbiasedFactor(l_.batch * l_.spatial));
        for (int64_t c = 0; c < l_.channels; ++c) {
            runningMean[c] = m * runningMean[c] + (1 - m) * mean[c];
            runningVar[c] = m * runningVar[c] + (1 - m) * var[c] * unbiased;
        }
    }

    CpuBackend &cpu_;
    BatchNormLayout l_;
    int64_t block_; // the channel block of the input, the output and their gradients
    bool serial_;   // small enough for one thread (fitsOneThread)
    batch_normalization_forward::primitive_desc trainPd_, evalPd_;
    batch_normalization_forward train_, eval_;
    batch_normalization_backward::primitive_desc trainBwdPd_, evalBwdPd_;
    batch_normalization_backward trainBwd_, evalBwd_;
    memory gamma_, beta_, runningMean_, runningVar_, dGamma_, dBeta_;
    memory batchMean_, batchVar_;
    memory src_, dst_, diffDst_, diffSrc_, unusedDiffSrc_;
};

} // namespace

std::unique_ptr<Kernel> makeBatchNormCpu(const KernelSetup &setup)
{
    return std::make_unique<BatchNormCpu>(setup);
}

} // namespace strata::internal
