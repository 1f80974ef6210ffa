// Softmax on oneDNN's softmax primitives over axis 1, built once per network. Backward reads
// only the output (dx = y · (dy - Σ dy·y)), so it needs no state from forward.

#include "layers/softmax/softmax.h"

#include "backends/cpu/cpu_backend.h"

namespace strata::internal {

namespace {

using namespace dnnl;

class SoftmaxCpu final : public Kernel
{
public:
    explicit SoftmaxCpu(const KernelSetup &s) : cpu_(cpuBackendOf(s))
    {
        auto &eng = cpu_.engine();
        const memory::desc data(toDims(s.outputShape), memory::data_type::f32,
                                plainTag(s.outputShape.size()));
        const int axis = 1; // the first axis after the batch

        softmax_forward::desc fwdDesc(prop_kind::forward_training, data, axis);
        fwdPd_ = softmax_forward::primitive_desc(fwdDesc, eng);
        fwd_ = softmax_forward(fwdPd_);

        softmax_backward::desc bwdDesc(data, data, axis);
        bwdPd_ = softmax_backward::primitive_desc(bwdDesc, eng, fwdPd_);
        bwd_ = softmax_backward(bwdPd_);

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

    std::string implementation() const override
    {
        return implementationNames(
            {{"fwd", fwdPd_.impl_info_str()}, {"bwd", bwdPd_.impl_info_str()}});
    }

    int64_t workspaceBytes() const override { return largestScratchpad({&fwdPd_, &bwdPd_}); }

private:
    CpuBackend &cpu_;
    softmax_forward::primitive_desc fwdPd_;
    softmax_forward fwd_;
    softmax_backward::primitive_desc bwdPd_;
    softmax_backward bwd_;
    memory srcMem_, dstMem_, diffDstMem_, diffSrcMem_;
};

} // namespace

std::unique_ptr<Kernel> makeSoftmaxCpu(const KernelSetup &setup)
{
    return std::make_unique<SoftmaxCpu>(setup);
}

} // namespace strata::internal
