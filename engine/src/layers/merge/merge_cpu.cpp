// Add on oneDNN's sum primitive and Concat on its concat primitive, built once per network.
// The backward passes are plain copies shared with the reference kernels.

#include "layers/merge/merge.h"

#include "backends/cpu/cpu_backend.h"

namespace strata::internal {

namespace {

using namespace dnnl;

std::vector<memory::desc> plainDescs(const std::vector<Shape> &shapes)
{
    std::vector<memory::desc> descs;
    for (const Shape &s : shapes)
        descs.emplace_back(toDims(s), memory::data_type::f32, plainTag(s.size()));
    return descs;
}

// What Add and Concat share: one primitive reading every input (DNNL_ARG_MULTIPLE_SRC + i)
// into one output.
class MergeCpu : public Kernel
{
public:
    explicit MergeCpu(const KernelSetup &s)
        : cpu_(cpuBackendOf(s)), srcDescs_(plainDescs(s.inputShapes)),
          dstDesc_(toDims(s.outputShape), memory::data_type::f32, plainTag(s.outputShape.size()))
    {
        for (const memory::desc &d : srcDescs_)
            srcMems_.emplace_back(d, cpu_.engine(), nullptr);
        dstMem_ = memory(dstDesc_, cpu_.engine(), nullptr);
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        std::unordered_map<int, memory> args{{DNNL_ARG_DST, dstMem_}};
        for (size_t i = 0; i < in.size(); ++i) {
            srcMems_[i].set_data_handle(const_cast<float *>(in[i]->data()));
            args.insert({DNNL_ARG_MULTIPLE_SRC + static_cast<int>(i), srcMems_[i]});
        }
        dstMem_.set_data_handle(out.data());
        prim_.execute(cpu_.stream(), args);
    }

    // Backward is Strata's own loop (addBackward, concatBackward).
    std::string implementation() const override
    {
        return implementationNames({{"fwd", forwardName_}, {"bwd", "strata"}});
    }

protected:
    CpuBackend &cpu_;
    std::vector<memory::desc> srcDescs_;
    memory::desc dstDesc_;
    primitive prim_;
    std::string forwardName_; // the primitive's impl_info_str()

private:
    std::vector<memory> srcMems_;
    memory dstMem_;
};

class AddCpu final : public MergeCpu
{
public:
    explicit AddCpu(const KernelSetup &s) : MergeCpu(s)
    {
        const std::vector<float> scales(srcDescs_.size(), 1.f);
        const sum::primitive_desc pd(dstDesc_, scales, srcDescs_, cpu_.engine());
        forwardName_ = pd.impl_info_str();
        prim_ = sum(pd);
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        addBackward(gy, gin);
    }
};

class ConcatCpu final : public MergeCpu
{
public:
    explicit ConcatCpu(const KernelSetup &s) : MergeCpu(s), layout_(s.inputShapes)
    {
        const concat::primitive_desc pd(dstDesc_, 1, srcDescs_, cpu_.engine());
        forwardName_ = pd.impl_info_str();
        prim_ = concat(pd);
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        concatBackward(layout_, gy, gin);
    }

private:
    ConcatLayout layout_;
};

} // namespace

std::unique_ptr<Kernel> makeAddCpu(const KernelSetup &setup)
{
    return std::make_unique<AddCpu>(setup);
}

std::unique_ptr<Kernel> makeConcatCpu(const KernelSetup &setup)
{
    return std::make_unique<ConcatCpu>(setup);
}

} // namespace strata::internal
