// The activations on oneDNN's eltwise primitives, built once per network. Where the output
// determines the derivative the algorithm is the *_use_dst_for_bwd variant, so Sigmoid and
// Tanh need not evaluate the function again; SiLU, Hardswish and Softplus read the input.
// (The network keeps every node's output for the backward pass; no buffer is shared between
// an activation's input and output.) oneDNN 2.6 has no hard sigmoid: it is a loop here.

#include "layers/activation/activation.h"

#include "backends/cpu/cpu_backend.h"

#include <algorithm>
#include <stdexcept>

namespace strata::internal {

namespace {

using namespace dnnl;

algorithm algorithmOf(ActivationKind kind)
{
    switch (kind) {
    case ActivationKind::ReLU:
    case ActivationKind::LeakyReLU: // ReLU with alpha as the negative slope
        return algorithm::eltwise_relu_use_dst_for_bwd;
    case ActivationKind::Sigmoid:
        return algorithm::eltwise_logistic_use_dst_for_bwd;
    case ActivationKind::Tanh:
        return algorithm::eltwise_tanh_use_dst_for_bwd;
    case ActivationKind::Clip: // alpha < y < beta passes the gradient, as PyTorch's Hardtanh
        return algorithm::eltwise_clip_v2_use_dst_for_bwd;
    case ActivationKind::ELU:
        return algorithm::eltwise_elu_use_dst_for_bwd;
    case ActivationKind::SiLU: // x · sigmoid(alpha·x)
        return algorithm::eltwise_swish;
    case ActivationKind::Hardswish:
        return algorithm::eltwise_hardswish;
    case ActivationKind::Softplus:
        return algorithm::eltwise_soft_relu;
    case ActivationKind::Hardsigmoid:
        break;
    }
    throw std::logic_error("activation kind without a oneDNN algorithm");
}

class ActivationCpu final : public Kernel
{
public:
    ActivationCpu(const KernelSetup &s, ActivationFunction f)
        : cpu_(cpuBackendOf(s)), block_(s.inputBlock(0)),
          serial_(fitsOneThread(numel(s.outputShape) * int64_t(sizeof(float))))
    {
        OneThread one(serial_);
        auto &eng = cpu_.engine();
        // Element-wise functions do not care about the logical shape; a flat view works for
        // every rank and for a channel-blocked input, whose layout the output keeps.
        const memory::desc data({numel(s.outputShape)}, memory::data_type::f32,
                                memory::format_tag::a);
        const algorithm alg = algorithmOf(f.kind);
        // SiLU is swish with alpha 1; Softplus passes 1 too, which oneDNN 2.6 ignores and 3.x
        // reads as its scale (log(1 + e^(alpha·x)) / alpha).
        const bool scaled = f.kind == ActivationKind::SiLU || f.kind == ActivationKind::Softplus;
        const float alpha = scaled ? 1.f : f.alpha;

        eltwise_forward::desc fwdDesc(prop_kind::forward_training, alg, data, alpha, f.beta);
        fwdPd_ = eltwise_forward::primitive_desc(fwdDesc, eng);
        fwd_ = eltwise_forward(fwdPd_);

        eltwise_backward::desc bwdDesc(alg, data, data, alpha, f.beta);
        bwdPd_ = eltwise_backward::primitive_desc(bwdDesc, eng, fwdPd_);
        bwd_ = eltwise_backward(bwdPd_);

        srcMem_ = memory(data, eng, nullptr);
        dstMem_ = memory(data, eng, nullptr);
        diffDstMem_ = memory(data, eng, nullptr);
        diffSrcMem_ = memory(data, eng, nullptr);
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        srcMem_.set_data_handle(const_cast<float *>(in[0]->data()));
        dstMem_.set_data_handle(out.data());
        OneThread one(serial_);
        fwd_.execute(cpu_.stream(), {{DNNL_ARG_SRC, srcMem_}, {DNNL_ARG_DST, dstMem_}});
    }

    // Both the input and the output are bound; the algorithm reads the one it needs.
    void backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        srcMem_.set_data_handle(const_cast<float *>(in[0]->data()));
        dstMem_.set_data_handle(const_cast<float *>(out.data()));
        diffDstMem_.set_data_handle(const_cast<float *>(gy.data()));
        diffSrcMem_.set_data_handle(gin[0]->data());
        OneThread one(serial_);
        bwd_.execute(cpu_.stream(), {{DNNL_ARG_SRC, srcMem_},
                                     {DNNL_ARG_DST, dstMem_},
                                     {DNNL_ARG_DIFF_DST, diffDstMem_},
                                     {DNNL_ARG_DIFF_SRC, diffSrcMem_}});
    }

    int64_t outputBlock() const override { return block_; }

    std::string implementation() const override
    {
        return implementationNames(
            {{"fwd", fwdPd_.impl_info_str()}, {"bwd", bwdPd_.impl_info_str()}});
    }

    int64_t workspaceBytes() const override { return largestScratchpad({&fwdPd_, &bwdPd_}); }

private:
    CpuBackend &cpu_;
    int64_t block_;
    bool serial_; // small enough for one thread (fitsOneThread)
    eltwise_forward::primitive_desc fwdPd_;
    eltwise_forward fwd_;
    eltwise_backward::primitive_desc bwdPd_;
    eltwise_backward bwd_;
    memory srcMem_, dstMem_, diffDstMem_, diffSrcMem_;
};

// relu6(x + 3) / 6 as a loop; the output alone gives the slope (1/6 strictly inside (0, 1)).
class HardsigmoidCpu final : public Kernel
{
public:
    explicit HardsigmoidCpu(const KernelSetup &s) : block_(s.inputBlock(0)) {}

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        const float *x = in[0]->data();
        float *y = out.data();
        const int64_t n = out.numel();
        for (int64_t i = 0; i < n; ++i)
            y[i] = std::clamp(x[i] / 6.f + 0.5f, 0.f, 1.f);
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &out, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        const float *y = out.data();
        const float *g = gy.data();
        float *gx = gin[0]->data();
        const int64_t n = out.numel();
        for (int64_t i = 0; i < n; ++i)
            gx[i] = y[i] > 0.f && y[i] < 1.f ? g[i] / 6.f : 0.f;
    }

    int64_t outputBlock() const override { return block_; }

private:
    int64_t block_;
};

} // namespace

std::unique_ptr<Kernel> makeActivationCpu(const KernelSetup &setup, ActivationFunction f)
{
    if (f.kind == ActivationKind::Hardsigmoid)
        return std::make_unique<HardsigmoidCpu>(setup);
    return std::make_unique<ActivationCpu>(setup, f);
}

} // namespace strata::internal
