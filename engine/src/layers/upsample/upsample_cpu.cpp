// Upsample on oneDNN's resampling: nearest or linear (half-pixel centres, which is PyTorch's
// align_corners=False), over plain NCHW tensors. oneDNN derives the factors from the source
// and destination sizes; the primitives are created once, every batch binds and executes.

#include "layers/upsample/upsample.h"

#include "backends/cpu/cpu_backend.h"

namespace strata::internal {

namespace {

using namespace dnnl;
using dt = memory::data_type;
using tag = memory::format_tag;

class UpsampleCpu final : public Kernel
{
public:
    explicit UpsampleCpu(const KernelSetup &s) : cpu_(cpuBackendOf(s))
    {
        const memory::desc srcMd(toDims(s.inputShapes[0]), dt::f32, tag::nchw);
        const memory::desc dstMd(toDims(s.outputShape), dt::f32, tag::nchw);
        const algorithm algo = upsampleSpec(s.params).bilinear ? algorithm::resampling_linear
                                                               : algorithm::resampling_nearest;
        auto &eng = cpu_.engine();
        fwdPd_ = resampling_forward::primitive_desc(
            resampling_forward::desc(prop_kind::forward_training, algo, srcMd, dstMd), eng);
        fwd_ = resampling_forward(fwdPd_);
        bwdPd_ = resampling_backward::primitive_desc(resampling_backward::desc(algo, srcMd, dstMd),
                                                     eng, fwdPd_);
        bwd_ = resampling_backward(bwdPd_);
        x_ = memory(srcMd, eng, nullptr);
        y_ = memory(dstMd, eng, nullptr);
        dy_ = memory(dstMd, eng, nullptr);
        dx_ = memory(srcMd, eng, nullptr);
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        x_.set_data_handle(const_cast<float *>(in[0]->data()));
        y_.set_data_handle(out.data());
        fwd_.execute(cpu_.stream(), {{DNNL_ARG_SRC, x_}, {DNNL_ARG_DST, y_}});
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        dy_.set_data_handle(const_cast<float *>(gy.data()));
        dx_.set_data_handle(gin[0]->data());
        bwd_.execute(cpu_.stream(), {{DNNL_ARG_DIFF_DST, dy_}, {DNNL_ARG_DIFF_SRC, dx_}});
    }

    std::string implementation() const override
    {
        return implementationNames(
            {{"fwd", fwdPd_.impl_info_str()}, {"bwd", bwdPd_.impl_info_str()}});
    }

    int64_t workspaceBytes() const override { return largestScratchpad({&fwdPd_, &bwdPd_}); }

private:
    CpuBackend &cpu_;
    resampling_forward::primitive_desc fwdPd_;
    resampling_forward fwd_;
    resampling_backward::primitive_desc bwdPd_;
    resampling_backward bwd_;
    memory x_, y_, dy_, dx_;
};

} // namespace

std::unique_ptr<Kernel> makeUpsampleCpu(const KernelSetup &setup)
{
    return std::make_unique<UpsampleCpu>(setup);
}

} // namespace strata::internal
