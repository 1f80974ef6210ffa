// Add on oneDNN's sum primitive and Concat on its concat primitive, built once per network.
// The backward passes are plain copies shared with the reference kernels. Add sums images in
// the channel blocks they arrive in (see LayoutUse), so a residual connection between
// convolutions stays in their blocked layout; an input in another block than the first is
// converted by the sum itself, and its gradient by a reorder.

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

// Each input as it arrives: images in their channel block, anything else plain.
std::vector<memory::desc> arrivingDescs(const KernelSetup &s)
{
    std::vector<memory::desc> descs = plainDescs(s.inputShapes);
    for (size_t i = 0; i < descs.size(); ++i)
        if (s.inputShapes[i].size() == 4)
            descs[i] = channelBlockedDesc(toDims(s.inputShapes[i]), s.inputBlock(i));
    return descs;
}

// What Add and Concat share: one primitive reading every input (DNNL_ARG_MULTIPLE_SRC + i)
// into one output.
class MergeCpu : public Kernel
{
public:
    MergeCpu(const KernelSetup &s, std::vector<memory::desc> srcDescs, memory::desc dstDesc)
        : cpu_(cpuBackendOf(s)), srcDescs_(std::move(srcDescs)), dstDesc_(std::move(dstDesc)),
          serial_(fitsOneThread(numel(s.outputShape) * int64_t(sizeof(float))))
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
        OneThread one(serial_);
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
    bool serial_;             // small enough for one thread (fitsOneThread)

private:
    std::vector<memory> srcMems_;
    memory dstMem_;
};

// The output in the first input's channel block.
class AddCpu final : public MergeCpu
{
public:
    explicit AddCpu(const KernelSetup &s)
        : MergeCpu(s, arrivingDescs(s), arrivingDescs(s)[0]), block_(s.inputBlock(0))
    {
        OneThread one(serial_);
        const std::vector<float> scales(srcDescs_.size(), 1.f);
        const sum::primitive_desc pd(dstDesc_, scales, srcDescs_, cpu_.engine());
        forwardName_ = pd.impl_info_str();
        prim_ = sum(pd);
        // dL/dx_i = dL/dy, in input i's block: a reorder where that is not the output's.
        auto &eng = cpu_.engine();
        gradOut_ = memory(dstDesc_, eng, nullptr);
        for (const memory::desc &d : srcDescs_) {
            GradCopy c;
            if (d != dstDesc_) {
                c.gradIn = memory(d, eng, nullptr);
                OneThread one(serial_);
                c.convert = reorder(gradOut_, c.gradIn);
            }
            gradCopies_.push_back(std::move(c));
        }
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        std::vector<Tensor *> same(gin.size(), nullptr);
        for (size_t i = 0; i < gin.size(); ++i) {
            if (!gin[i])
                continue;
            GradCopy &c = gradCopies_[i];
            if (!c.convert) {
                same[i] = gin[i];
                continue;
            }
            gradOut_.set_data_handle(const_cast<float *>(gy.data()));
            c.gradIn.set_data_handle(gin[i]->data());
            OneThread one(serial_);
            c.convert.execute(cpu_.stream(), gradOut_, c.gradIn);
        }
        addBackward(gy, same);
    }

    int64_t outputBlock() const override { return block_; }

private:
    struct GradCopy
    {
        memory gradIn;   // input i's gradient, in its block
        reorder convert; // empty when that block is the output's
    };
    int64_t block_;
    memory gradOut_;
    std::vector<GradCopy> gradCopies_;
};

class ConcatCpu final : public MergeCpu
{
public:
    explicit ConcatCpu(const KernelSetup &s)
        : MergeCpu(s, plainDescs(s.inputShapes),
                   memory::desc(toDims(s.outputShape), memory::data_type::f32,
                                plainTag(s.outputShape.size()))),
          layout_(s.inputShapes)
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
