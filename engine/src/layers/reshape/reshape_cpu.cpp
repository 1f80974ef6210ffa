// The family's copy on oneDNN: one reorder from the input seen through the copy's strides to
// the plain output, and one back for the gradient, built once per network.

#include "layers/reshape/reshape.h"

#include "backends/cpu/cpu_backend.h"

#include <algorithm>

namespace strata::internal {

namespace {

using namespace dnnl;

class StridedCopyCpu final : public Kernel
{
public:
    StridedCopyCpu(const KernelSetup &s, StridedCopy copy) : cpu_(cpuBackendOf(s)), copy_(copy)
    {
        auto &eng = cpu_.engine();
        const memory::dims dims(copy.dims.begin(), copy.dims.end());
        const memory::dims strides(copy.strides.begin(), copy.strides.end());
        // The input through the strides (from the copy's offset) and the plain output.
        const memory::desc strided(dims, memory::data_type::f32, strides);
        const memory::desc plain(dims, memory::data_type::f32, plainTag(dims.size()));

        fwdPd_ = reorder::primitive_desc(eng, strided, eng, plain);
        fwd_ = reorder(fwdPd_);
        bwdPd_ = reorder::primitive_desc(eng, plain, eng, strided);
        bwd_ = reorder(bwdPd_);

        stridedMem_ = memory(strided, eng, nullptr);
        plainMem_ = memory(plain, eng, nullptr);
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        stridedMem_.set_data_handle(const_cast<float *>(in[0]->data()) + copy_.offset);
        plainMem_.set_data_handle(out.data());
        fwd_.execute(cpu_.stream(), {{DNNL_ARG_FROM, stridedMem_}, {DNNL_ARG_TO, plainMem_}});
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        if (!copy_.coversInput)
            std::fill(gin[0]->data(), gin[0]->data() + gin[0]->numel(), 0.f);
        plainMem_.set_data_handle(const_cast<float *>(gy.data()));
        stridedMem_.set_data_handle(gin[0]->data() + copy_.offset);
        bwd_.execute(cpu_.stream(), {{DNNL_ARG_FROM, plainMem_}, {DNNL_ARG_TO, stridedMem_}});
    }

    std::string implementation() const override
    {
        return implementationNames(
            {{"fwd", fwdPd_.impl_info_str()}, {"bwd", bwdPd_.impl_info_str()}});
    }

    int64_t workspaceBytes() const override { return largestScratchpad({&fwdPd_, &bwdPd_}); }

private:
    CpuBackend &cpu_;
    StridedCopy copy_;
    reorder::primitive_desc fwdPd_, bwdPd_;
    reorder fwd_, bwd_;
    memory stridedMem_, plainMem_;
};

} // namespace

std::unique_ptr<Kernel> makeStridedCopyCpu(const KernelSetup &setup, StridedCopy copy)
{
    return std::make_unique<StridedCopyCpu>(setup, std::move(copy));
}

} // namespace strata::internal
