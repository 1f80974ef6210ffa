// Pooling on oneDNN, primitives created once per network. The tensors stay plain NCHW:
// pooling is memory-bound, and oneDNN's pooling reads plain NCHW directly, so a reorder to
// a blocked layout and back would cost more than it could save.
//
// The tutorials' pooling, 2×2 max with stride 2 and no padding, has its own loop instead:
// oneDNN's plain-layout pooling walks one window at a time and took 2.6 ms forward and as
// long backward for the CIFAR-10 CNN's first pool (64×32×30×30, two cores), a quarter of
// the whole training step. Here each window's winner (0–3) is kept in a byte per output, and
// backward writes every input gradient exactly once (windows do not overlap), so neither pass
// needs a zero fill or a scatter.

#include "layers/pooling/pooling.h"

#include "backends/cpu/cpu_backend.h"

#include <algorithm>
#include <cstdint>
#include <vector>

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

// 2×2 max pooling, stride 2, no padding, on plain NCHW. Ties go to the first input in
// row-major order, as in the reference implementation.
class MaxPool2x2Cpu final : public Kernel
{
public:
    explicit MaxPool2x2Cpu(const Window2D &g)
        : planes_(g.batch * g.channels), inRows_(g.rows.in), inCols_(g.cols.in),
          outRows_(g.rows.out), outCols_(g.cols.out),
          winner_(static_cast<size_t>(planes_ * outRows_ * outCols_))
    {
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        const float *x = in[0]->data();
        float *y = out.data();
        uint8_t *win = winner_.data();
        const int64_t inPlane = inRows_ * inCols_, outPlane = outRows_ * outCols_;
        const int64_t inCols = inCols_, outRows = outRows_, outCols = outCols_;
#pragma omp parallel for schedule(static) if (planes_ * inPlane > 32768)
        for (int64_t p = 0; p < planes_; ++p)
            for (int64_t i = 0; i < outRows; ++i) {
                const float *r0 = x + p * inPlane + 2 * i * inCols;
                const float *r1 = r0 + inCols;
                float *yr = y + p * outPlane + i * outCols;
                uint8_t *wr = win + p * outPlane + i * outCols;
#pragma omp simd
                for (int64_t j = 0; j < outCols; ++j) {
                    const float a = r0[2 * j], b = r0[2 * j + 1], c = r1[2 * j],
                                d = r1[2 * j + 1];
                    float m = a;
                    uint8_t w = 0;
                    if (b > m) {
                        m = b;
                        w = 1;
                    }
                    if (c > m) {
                        m = c;
                        w = 2;
                    }
                    if (d > m) {
                        m = d;
                        w = 3;
                    }
                    yr[j] = m;
                    wr[j] = w;
                }
            }
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        const float *dy = gy.data();
        float *dx = gin[0]->data();
        const uint8_t *win = winner_.data();
        const int64_t inPlane = inRows_ * inCols_, outPlane = outRows_ * outCols_;
        const int64_t inRows = inRows_, inCols = inCols_, outRows = outRows_, outCols = outCols_;
#pragma omp parallel for schedule(static) if (planes_ * inPlane > 32768)
        for (int64_t p = 0; p < planes_; ++p) {
            float *plane = dx + p * inPlane;
            for (int64_t i = 0; i < outRows; ++i) {
                float *r0 = plane + 2 * i * inCols;
                float *r1 = r0 + inCols;
                const float *g = dy + p * outPlane + i * outCols;
                const uint8_t *wr = win + p * outPlane + i * outCols;
#pragma omp simd
                for (int64_t j = 0; j < outCols; ++j) {
                    const float v = g[j];
                    const uint8_t w = wr[j];
                    r0[2 * j] = w == 0 ? v : 0.0f;
                    r0[2 * j + 1] = w == 1 ? v : 0.0f;
                    r1[2 * j] = w == 2 ? v : 0.0f;
                    r1[2 * j + 1] = w == 3 ? v : 0.0f;
                }
                if (inCols > 2 * outCols) { // an odd width: the last column is in no window
                    r0[inCols - 1] = 0.0f;
                    r1[inCols - 1] = 0.0f;
                }
            }
            for (int64_t r = 2 * outRows; r < inRows; ++r) // an odd height: the last row
                std::fill(plane + r * inCols, plane + (r + 1) * inCols, 0.0f);
        }
    }

private:
    int64_t planes_, inRows_, inCols_, outRows_, outCols_;
    std::vector<uint8_t> winner_;
};

} // namespace

std::unique_ptr<Kernel> makePool2DCpu(const KernelSetup &setup)
{
    const Window2D g = poolWindow(setup.inputShapes[0], setup.params);
    if (setup.node.type == "MaxPool2D" && g.rows.kernel == 2 && g.cols.kernel == 2 &&
        g.rows.stride == 2 && g.cols.stride == 2 && g.rows.padBefore == 0 &&
        g.cols.padBefore == 0 && g.rows.padAfter == 0 && g.cols.padAfter == 0)
        return std::make_unique<MaxPool2x2Cpu>(g);
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
