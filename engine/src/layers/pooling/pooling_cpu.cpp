// Pooling on oneDNN, primitives created once per network. The tensors stay plain NCHW:
// pooling is memory-bound, and oneDNN's pooling reads plain NCHW directly, so a reorder to
// a blocked layout and back would cost more than it could save.

#include "layers/pooling/pooling.h"

#include "backends/cpu/cpu_backend.h"

namespace strata::internal {

namespace {

using namespace dnnl;
using dt = memory::data_type;
using tag = memory::format_tag;

// A pooling forward/backward pair over plain NCHW memories; the dst dims may describe a
// flat {N, C} tensor as {N, C, 1, 1}, which has the same layout.
class PoolingCpu final : public Kernel
{
public:
    PoolingCpu(CpuBackend &cpu, algorithm algo, const memory::dims &srcDims,
               const memory::dims &dstDims, const memory::dims &kernel, const memory::dims &strides,
               const memory::dims &padL, const memory::dims &padR)
        : cpu_(cpu)
    {
        auto &eng = cpu_.engine();
        const memory::desc src(srcDims, dt::f32, tag::nchw);
        const memory::desc dst(dstDims, dt::f32, tag::nchw);
        // forward_training even when evaluating: max pooling then records in its workspace
        // which input won each window, and backward routes the gradient there.
        const pooling_forward::desc fwdDesc(prop_kind::forward_training, algo, src, dst, strides,
                                            kernel, padL, padR);
        fwdPd_ = pooling_forward::primitive_desc(fwdDesc, eng);
        fwd_ = pooling_forward(fwdPd_);
        const pooling_backward::desc bwdDesc(algo, src, dst, strides, kernel, padL, padR);
        bwdPd_ = pooling_backward::primitive_desc(bwdDesc, eng, fwdPd_);
        bwd_ = pooling_backward(bwdPd_);

        if (fwdPd_.workspace_desc().get_size() > 0)
            workspace_ = memory(fwdPd_.workspace_desc(), eng); // allocated once, here
        srcMem_ = memory(src, eng, nullptr);
        dstMem_ = memory(dst, eng, nullptr);
        diffSrcMem_ = memory(src, eng, nullptr);
        diffDstMem_ = memory(dst, eng, nullptr);
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        srcMem_.set_data_handle(const_cast<float *>(in[0]->data()));
        dstMem_.set_data_handle(out.data());
        std::unordered_map<int, memory> args{{DNNL_ARG_SRC, srcMem_}, {DNNL_ARG_DST, dstMem_}};
        if (workspace_)
            args.insert({DNNL_ARG_WORKSPACE, workspace_});
        fwd_.execute(cpu_.stream(), args);
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return; // no weights: nothing to compute when nothing upstream needs dL/dx
        diffDstMem_.set_data_handle(const_cast<float *>(gy.data()));
        diffSrcMem_.set_data_handle(gin[0]->data());
        std::unordered_map<int, memory> args{{DNNL_ARG_DIFF_DST, diffDstMem_},
                                             {DNNL_ARG_DIFF_SRC, diffSrcMem_}};
        if (workspace_)
            args.insert({DNNL_ARG_WORKSPACE, workspace_});
        bwd_.execute(cpu_.stream(), args);
    }

private:
    CpuBackend &cpu_;
    pooling_forward::primitive_desc fwdPd_;
    pooling_forward fwd_;
    pooling_backward::primitive_desc bwdPd_;
    pooling_backward bwd_;
    memory workspace_, srcMem_, dstMem_, diffSrcMem_, diffDstMem_;
};

} // namespace

std::unique_ptr<Kernel> makePool2DCpu(const KernelSetup &setup)
{
    const Window2D g = poolWindow(setup.inputShapes[0], setup.params);
    // Average pooling leaves padding out of the divisor, as Keras does for padding "same"
    // (with "valid" there is no padding and both definitions agree).
    const algorithm algo = setup.node.type == "MaxPool2D" ? algorithm::pooling_max
                                                          : algorithm::pooling_avg_exclude_padding;
    return std::make_unique<PoolingCpu>(
        cpuBackendOf(setup), algo, memory::dims{g.batch, g.channels, g.rows.in, g.cols.in},
        memory::dims{g.batch, g.channels, g.rows.out, g.cols.out},
        memory::dims{g.rows.kernel, g.cols.kernel}, memory::dims{g.rows.stride, g.cols.stride},
        memory::dims{g.rows.padBefore, g.cols.padBefore},
        memory::dims{g.rows.padAfter, g.cols.padAfter});
}

std::unique_ptr<Kernel> makeGlobalAvgPoolCpu(const KernelSetup &setup)
{
    const Shape &in = setup.inputShapes[0];
    // One window covering the whole image gives a 1×1 output per channel.
    return std::make_unique<PoolingCpu>(cpuBackendOf(setup), algorithm::pooling_avg_exclude_padding,
                                        toDims(in), memory::dims{in[0], in[1], 1, 1},
                                        memory::dims{in[2], in[3]}, memory::dims{1, 1},
                                        memory::dims{0, 0}, memory::dims{0, 0});
}

} // namespace strata::internal
