// PReLU on oneDNN's prelu primitive, built once per network. The input is seen as
// {N, C, S} (S = H·W, or 1 for a flat input) and the slopes as {1, C, 1}, which oneDNN
// broadcasts per channel. Backward always writes the slopes' gradient; when no input
// gradient is wanted (right after the Input) it goes to a buffer of the kernel's own.

#include "layers/prelu/prelu.h"

#include "backends/cpu/cpu_backend.h"

namespace strata::internal {

namespace {

using namespace dnnl;

class PReluCpu final : public Kernel
{
public:
    explicit PReluCpu(const KernelSetup &s)
        : cpu_(cpuBackendOf(s)), slope_(s.weights[0]), dSlope_(s.weightGrads[0])
    {
        auto &eng = cpu_.engine();
        const PReluLayout l = preluLayout(s);
        data_ = memory::desc({l.batch, l.channels, l.spatial}, memory::data_type::f32,
                             memory::format_tag::abc);
        const memory::desc slopes({1, l.channels, 1}, memory::data_type::f32,
                                  memory::format_tag::abc);

        prelu_forward::desc fwdDesc(prop_kind::forward_training, data_, slopes);
        fwdPd_ = prelu_forward::primitive_desc(fwdDesc, eng);
        fwd_ = prelu_forward(fwdPd_);

        prelu_backward::desc bwdDesc(data_, slopes, data_, slopes);
        bwdPd_ = prelu_backward::primitive_desc(bwdDesc, eng, fwdPd_);
        bwd_ = prelu_backward(bwdPd_);

        srcMem_ = memory(data_, eng, nullptr);
        dstMem_ = memory(data_, eng, nullptr);
        diffDstMem_ = memory(data_, eng, nullptr);
        diffSrcMem_ = memory(data_, eng, nullptr);
        slopeMem_ = memory(slopes, eng, nullptr);
        diffSlopeMem_ = memory(slopes, eng, nullptr);
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        srcMem_.set_data_handle(const_cast<float *>(in[0]->data()));
        dstMem_.set_data_handle(out.data());
        slopeMem_.set_data_handle(slope_.data());
        fwd_.execute(
            cpu_.stream(),
            {{DNNL_ARG_SRC, srcMem_}, {DNNL_ARG_WEIGHTS, slopeMem_}, {DNNL_ARG_DST, dstMem_}});
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        srcMem_.set_data_handle(const_cast<float *>(in[0]->data()));
        slopeMem_.set_data_handle(slope_.data());
        diffDstMem_.set_data_handle(const_cast<float *>(gy.data()));
        diffSlopeMem_.set_data_handle(dSlope_.data());
        memory diffSrc = diffSrcMem_;
        if (gin[0]) {
            diffSrcMem_.set_data_handle(gin[0]->data());
        } else {
            if (!unwantedDiffSrc_)
                unwantedDiffSrc_ = memory(data_, cpu_.engine()); // owns its buffer
            diffSrc = unwantedDiffSrc_;
        }
        bwd_.execute(cpu_.stream(), {{DNNL_ARG_SRC, srcMem_},
                                     {DNNL_ARG_WEIGHTS, slopeMem_},
                                     {DNNL_ARG_DIFF_DST, diffDstMem_},
                                     {DNNL_ARG_DIFF_SRC, diffSrc},
                                     {DNNL_ARG_DIFF_WEIGHTS, diffSlopeMem_}});
    }

    std::string implementation() const override
    {
        return implementationNames(
            {{"fwd", fwdPd_.impl_info_str()}, {"bwd", bwdPd_.impl_info_str()}});
    }

    int64_t workspaceBytes() const override { return largestScratchpad({&fwdPd_, &bwdPd_}); }

private:
    CpuBackend &cpu_;
    Tensor slope_, dSlope_;
    memory::desc data_;
    prelu_forward::primitive_desc fwdPd_;
    prelu_forward fwd_;
    prelu_backward::primitive_desc bwdPd_;
    prelu_backward bwd_;
    memory srcMem_, dstMem_, diffDstMem_, diffSrcMem_, slopeMem_, diffSlopeMem_;
    memory unwantedDiffSrc_; // allocated on the first backward without an input gradient
};

} // namespace

std::unique_ptr<Kernel> makePReluCpu(const KernelSetup &setup)
{
    return std::make_unique<PReluCpu>(setup);
}

} // namespace strata::internal
