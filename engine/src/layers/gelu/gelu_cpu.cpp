// GELU on oneDNN's eltwise_gelu_erf, built once per network. Unlike the other activations
// there is no *_use_dst_for_bwd variant (the output does not determine the input), so
// backward reads the input.

#include "layers/gelu/gelu.h"

#include "backends/cpu/cpu_backend.h"

namespace strata::internal {

namespace {

using namespace dnnl;

class GeluCpu final : public Kernel
{
public:
    explicit GeluCpu(const KernelSetup &s) : cpu_(cpuBackendOf(s)), block_(s.inputBlock(0))
    {
        auto &eng = cpu_.engine();
        // Element-wise: a flat view works for every rank and for a channel-blocked input,
        // whose layout the output keeps.
        const memory::desc data({numel(s.outputShape)}, memory::data_type::f32,
                                memory::format_tag::a);
        const algorithm alg = algorithm::eltwise_gelu_erf;

        eltwise_forward::desc fwdDesc(prop_kind::forward_training, alg, data);
        fwdPd_ = eltwise_forward::primitive_desc(fwdDesc, eng);
        fwd_ = eltwise_forward(fwdPd_);

        eltwise_backward::desc bwdDesc(alg, data, data);
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

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        srcMem_.set_data_handle(const_cast<float *>(in[0]->data()));
        diffDstMem_.set_data_handle(const_cast<float *>(gy.data()));
        diffSrcMem_.set_data_handle(gin[0]->data());
        bwd_.execute(cpu_.stream(), {{DNNL_ARG_SRC, srcMem_},
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

std::unique_ptr<Kernel> makeGeluCpu(const KernelSetup &setup)
{
    return std::make_unique<GeluCpu>(setup);
}

} // namespace strata::internal
