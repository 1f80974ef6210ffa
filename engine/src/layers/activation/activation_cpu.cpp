// The activations on oneDNN's eltwise primitives, built once per network. Every algorithm is
// the *_use_dst_for_bwd variant: backward reads only the output, so Sigmoid and Tanh need not
// evaluate the function again. (The network keeps every node's output for the backward pass;
// no buffer is shared between an activation's input and output.)

#include "layers/activation/activation.h"

#include "backends/cpu/cpu_backend.h"

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
    }
    throw std::logic_error("unknown activation kind");
}

class ActivationCpu final : public Kernel
{
public:
    ActivationCpu(const KernelSetup &s, ActivationKind kind, float alpha)
        : cpu_(cpuBackendOf(s)), block_(s.inputBlock(0))
    {
        auto &eng = cpu_.engine();
        // Element-wise functions do not care about the logical shape; a flat view works for
        // every rank and for a channel-blocked input, whose layout the output keeps.
        const memory::desc data({numel(s.outputShape)}, memory::data_type::f32,
                                memory::format_tag::a);
        const algorithm alg = algorithmOf(kind);

        eltwise_forward::desc fwdDesc(prop_kind::forward_training, alg, data, alpha);
        fwdPd_ = eltwise_forward::primitive_desc(fwdDesc, eng);
        fwd_ = eltwise_forward(fwdPd_);

        eltwise_backward::desc bwdDesc(alg, data, data, alpha);
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
        fwd_.execute(cpu_.stream(), {{DNNL_ARG_SRC, srcMem_}, {DNNL_ARG_DST, dstMem_}});
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &out, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        dstMem_.set_data_handle(const_cast<float *>(out.data()));
        diffDstMem_.set_data_handle(const_cast<float *>(gy.data()));
        diffSrcMem_.set_data_handle(gin[0]->data());
        bwd_.execute(cpu_.stream(), {{DNNL_ARG_DST, dstMem_},
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
    eltwise_forward::primitive_desc fwdPd_;
    eltwise_forward fwd_;
    eltwise_backward::primitive_desc bwdPd_;
    eltwise_backward bwd_;
    memory srcMem_, dstMem_, diffDstMem_, diffSrcMem_;
};

} // namespace

std::unique_ptr<Kernel> makeActivationCpu(const KernelSetup &setup, ActivationKind kind,
                                          float alpha)
{
    return std::make_unique<ActivationCpu>(setup, kind, alpha);
}

} // namespace strata::internal
