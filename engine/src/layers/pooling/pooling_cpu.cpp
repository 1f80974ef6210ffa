// Pooling on oneDNN, primitives created once per network, in the layout its input arrives
// in: plain NCHW, or channel-blocked between convolutions (see LayoutUse). Pooling is
// memory-bound, so it never reorders. Max pooling also applies a ReLU that feeds it
// (KernelSetup::inputRelu): relu(max(x)) = max(relu(x)), and a window whose maximum is not
// positive passes no gradient back, exactly as the separate ReLU would.
//
// The tutorials' pooling, 2×2 max with stride 2 and no padding, has its own loop instead:
// oneDNN's plain-layout pooling walks one window at a time and took 2.6 ms forward and as
// long backward for the CIFAR-10 CNN's first pool (64×32×30×30, two cores), a quarter of
// the whole training step. Here each window's winner (0–3, or 4 when an absorbed ReLU zeroed
// the window) is kept in a byte per output, and
// backward writes every input gradient exactly once (windows do not overlap), so neither pass
// needs a zero fill or a scatter.

#include "layers/pooling/pooling.h"

#include "backends/cpu/cpu_backend.h"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace strata::internal {

namespace {

using namespace dnnl;
using dt = memory::data_type;
using tag = memory::format_tag;

// A pooling forward/backward pair over NCHW memories with channels in blocks of `block`
// (1: plain); the dst dims may describe a flat {N, C} tensor as {N, C, 1, 1}, which has the
// same plain layout. positionScale (empty: none) multiplies each output position (oy·OW + ox)
// after the primitive, and its gradient before: oneDNN's average counting padding divides
// by the whole window, where PyTorch leaves a ceil-mode window's overhang out.
class PoolingCpu final : public Kernel
{
public:
    PoolingCpu(CpuBackend &cpu, algorithm algo, const memory::dims &srcDims,
               const memory::dims &dstDims, const memory::dims &kernel, const memory::dims &strides,
               const memory::dims &padL, const memory::dims &padR, int64_t block, bool relu,
               std::vector<float> positionScale = {})
        : cpu_(cpu), block_(block), relu_(relu), scale_(std::move(positionScale)),
          // One pixel per channel is the same bytes in every block: plain for the consumers.
          outBlock_(dstDims[2] * dstDims[3] == 1 ? 1 : block)
    {
        auto &eng = cpu_.engine();
        const memory::desc src = channelBlockedDesc(srcDims, block);
        const memory::desc dst = channelBlockedDesc(dstDims, block);
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
        if (relu_ || !scale_.empty())
            maskedGrad_ = Tensor(Shape(dstDims));
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        srcMem_.set_data_handle(const_cast<float *>(in[0]->data()));
        dstMem_.set_data_handle(out.data());
        std::unordered_map<int, memory> args{{DNNL_ARG_SRC, srcMem_}, {DNNL_ARG_DST, dstMem_}};
        if (workspace_)
            args.insert({DNNL_ARG_WORKSPACE, workspace_});
        fwd_.execute(cpu_.stream(), args);
        if (!scale_.empty())
            scale(out.data(), out.data(), out.numel());
        if (relu_) {
            float *y = out.data();
            for (int64_t i = 0, n = out.numel(); i < n; ++i)
                y[i] = y[i] <= 0.0f ? 0.0f : y[i]; // NaN stays NaN for the guard
        }
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &output, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return; // no weights: nothing to compute when nothing upstream needs dL/dx
        const float *dy = gy.data();
        if (relu_) { // the ReLU's own backward: no gradient where its output is 0
            const float *y = output.data();
            float *masked = maskedGrad_.data();
            for (int64_t i = 0, n = gy.numel(); i < n; ++i)
                masked[i] = y[i] > 0.0f ? dy[i] : 0.0f;
            dy = masked;
        }
        if (!scale_.empty()) {
            scale(dy, maskedGrad_.data(), gy.numel());
            dy = maskedGrad_.data();
        }
        diffDstMem_.set_data_handle(const_cast<float *>(dy));
        diffSrcMem_.set_data_handle(gin[0]->data());
        std::unordered_map<int, memory> args{{DNNL_ARG_DIFF_DST, diffDstMem_},
                                             {DNNL_ARG_DIFF_SRC, diffSrcMem_}};
        if (workspace_)
            args.insert({DNNL_ARG_WORKSPACE, workspace_});
        bwd_.execute(cpu_.stream(), args);
    }

    int64_t outputBlock() const override { return outBlock_; }

    std::string implementation() const override
    {
        return implementationNames(
            {{"fwd", fwdPd_.impl_info_str()}, {"bwd", bwdPd_.impl_info_str()}});
    }

    int64_t workspaceBytes() const override
    {
        int64_t own = workspace_ ? static_cast<int64_t>(workspace_.get_desc().get_size()) : 0;
        if (maskedGrad_.defined())
            own += maskedGrad_.numel() * static_cast<int64_t>(sizeof(float));
        return own + largestScratchpad({&fwdPd_, &bwdPd_});
    }

private:
    // to[i] = from[i] · the scale of its position; a position's B channels of a block are
    // contiguous, and the planes (or channel blocks) repeat the positions.
    void scale(const float *from, float *to, int64_t n) const
    {
        const int64_t positions = static_cast<int64_t>(scale_.size());
        for (int64_t i = 0; i < n; ++i)
            to[i] = from[i] * scale_[static_cast<size_t>(i / block_ % positions)];
    }

    CpuBackend &cpu_;
    int64_t block_;
    bool relu_;
    std::vector<float> scale_; // per output position; empty: none
    int64_t outBlock_;
    // dL/d(pooled values before the ReLU) with relu_, or the scaled gradient with scale_.
    Tensor maskedGrad_;
    pooling_forward::primitive_desc fwdPd_;
    pooling_forward fwd_;
    pooling_backward::primitive_desc bwdPd_;
    pooling_backward bwd_;
    memory workspace_, srcMem_, dstMem_, diffSrcMem_, diffDstMem_;
};

// 2×2 max pooling, stride 2, no padding, on NCHW with channels in blocks of B (B = 1 is
// plain NCHW; see LayoutUse). Ties go to the first input in row-major order, as in the
// reference implementation. A row of B channels at one pixel is contiguous, so with B = 16
// the innermost loop is one vector; with B = 1 it is the column loop. Relu: a ReLU on the
// input (inputRelu), a template parameter so that the loop stays one vector either way (as a
// run-time flag it made the forward pass six times slower).
template <int64_t B, bool Relu> struct MaxPool2x2Loops
{
    int64_t planes, inRows, inCols, outRows, outCols; // planes: N × C / B

    // Calls one(j, k) for output column j and channel k of its block, across one output row,
    // with the contiguous index innermost as one vector.
    template <typename F> static void eachInRow(int64_t outCols, F &one)
    {
        if constexpr (B == 1) {
#pragma omp simd
            for (int64_t j = 0; j < outCols; ++j)
                one(j, 0);
        } else {
            for (int64_t j = 0; j < outCols; ++j)
#pragma omp simd
                for (int64_t k = 0; k < B; ++k)
                    one(j, k);
        }
    }

    void forward(const float *x, float *y, uint8_t *winner) const
    {
        const int64_t inPlane = inRows * inCols * B, outPlane = outRows * outCols * B;
        const int64_t inRow = inCols * B, outRow = outCols * B;
#pragma omp parallel for schedule(static) if (planes * inPlane > 32768)
        for (int64_t p = 0; p < planes; ++p)
            for (int64_t i = 0; i < outRows; ++i) {
                const float *r0 = x + p * inPlane + 2 * i * inRow;
                const float *r1 = r0 + inRow;
                float *yr = y + p * outPlane + i * outRow;
                uint8_t *wr = winner + p * outPlane + i * outRow;
                auto one = [&](int64_t j, int64_t k) {
                    const int64_t at = 2 * j * B + k;
                    const float a = r0[at], b = r0[at + B], c = r1[at], d = r1[at + B];
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
                    if constexpr (Relu) { // no input of the window passes a gradient
                        const bool dead = m <= 0.0f;
                        m = dead ? 0.0f : m;
                        w = dead ? uint8_t(4) : w;
                    }
                    yr[j * B + k] = m;
                    wr[j * B + k] = w;
                };
                eachInRow(outCols, one);
            }
    }

    // Writes every input gradient exactly once: windows do not overlap, and a last row or
    // column outside every window (odd sizes) gets zeros, as does a window whose absorbed
    // ReLU zeroed it (winner 4).
    void backward(const float *dy, float *dx, const uint8_t *winner) const
    {
        const int64_t inPlane = inRows * inCols * B, outPlane = outRows * outCols * B;
        const int64_t inRow = inCols * B, outRow = outCols * B;
#pragma omp parallel for schedule(static) if (planes * inPlane > 32768)
        for (int64_t p = 0; p < planes; ++p) {
            float *plane = dx + p * inPlane;
            for (int64_t i = 0; i < outRows; ++i) {
                float *r0 = plane + 2 * i * inRow;
                float *r1 = r0 + inRow;
                const float *g = dy + p * outPlane + i * outRow;
                const uint8_t *wr = winner + p * outPlane + i * outRow;
                auto one = [&](int64_t j, int64_t k) {
                    const int64_t at = 2 * j * B + k;
                    const float v = g[j * B + k];
                    const uint8_t w = wr[j * B + k];
                    r0[at] = w == 0 ? v : 0.0f;
                    r0[at + B] = w == 1 ? v : 0.0f;
                    r1[at] = w == 2 ? v : 0.0f;
                    r1[at + B] = w == 3 ? v : 0.0f;
                };
                eachInRow(outCols, one);
                if (inCols > 2 * outCols) { // an odd width: the last column is in no window
                    std::fill(r0 + (inCols - 1) * B, r0 + inRow, 0.0f);
                    std::fill(r1 + (inCols - 1) * B, r1 + inRow, 0.0f);
                }
            }
            // An odd height: the last row is in no window.
            std::fill(plane + 2 * outRows * inRow, plane + inPlane, 0.0f);
        }
    }
};

class MaxPool2x2Cpu final : public Kernel
{
public:
    MaxPool2x2Cpu(const Window2D &g, int64_t block, bool relu)
        : block_(block),
          shape_{g.batch * g.channels / block, g.rows.in, g.cols.in, g.rows.out, g.cols.out, relu},
          winner_(static_cast<size_t>(g.batch * g.channels * g.rows.out * g.cols.out))
    {
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        run([&](const auto &loops) { loops.forward(in[0]->data(), out.data(), winner_.data()); });
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (gin[0])
            run([&](const auto &loops) {
                loops.backward(gy.data(), gin[0]->data(), winner_.data());
            });
    }

    int64_t outputBlock() const override { return block_; }

    // The winners (a byte per output).
    int64_t workspaceBytes() const override { return static_cast<int64_t>(winner_.size()); }

private:
    struct Sizes
    {
        int64_t planes, inRows, inCols, outRows, outCols;
        bool relu;
    };

    template <typename F> void run(F &&f) const
    {
        if (shape_.relu)
            runWith<true>(f);
        else
            runWith<false>(f);
    }

    template <bool Relu, typename F> void runWith(F &&f) const
    {
        const auto [planes, inRows, inCols, outRows, outCols, relu] = shape_;
        switch (block_) {
        case 16:
            return f(MaxPool2x2Loops<16, Relu>{planes, inRows, inCols, outRows, outCols});
        case 8:
            return f(MaxPool2x2Loops<8, Relu>{planes, inRows, inCols, outRows, outCols});
        default:
            return f(MaxPool2x2Loops<1, Relu>{planes, inRows, inCols, outRows, outCols});
        }
    }

    int64_t block_;
    Sizes shape_;
    std::vector<uint8_t> winner_;
};

// For an average counting padding: per output position, the whole window (oneDNN's divisor)
// over the window within the declared pads (PyTorch's); empty when no window overhangs.
std::vector<float> overhangScale(const Window2D &g)
{
    if (g.rows.overhang == 0 && g.cols.overhang == 0)
        return {};
    const auto counted = [](const WindowAxis &a, int64_t o) {
        const int64_t start = o * a.stride - a.padBefore;
        return std::min(start + a.kernel, a.in + a.padAfter) - start;
    };
    std::vector<float> scale;
    for (int64_t oy = 0; oy < g.rows.out; ++oy)
        for (int64_t ox = 0; ox < g.cols.out; ++ox)
            scale.push_back(static_cast<float>(double(g.rows.kernel * g.cols.kernel) /
                                               double(counted(g.rows, oy) * counted(g.cols, ox))));
    return scale;
}

} // namespace

std::unique_ptr<Kernel> makePool2DCpu(const KernelSetup &setup)
{
    const Window2D g = poolWindow(setup.inputShapes[0], setup.params);
    const bool max = setup.node.type == "MaxPool2D";
    if (setup.inputRelu && !max)
        throw std::logic_error(setup.node.type + " cannot apply a ReLU to its input");
    if (max && g.rows.kernel == 2 && g.cols.kernel == 2 && g.rows.stride == 2 &&
        g.cols.stride == 2 && unpadded(g))
        return std::make_unique<MaxPool2x2Cpu>(g, setup.inputBlock(0), setup.inputRelu);
    // Average pooling leaves padding out of the divisor, as Keras does for padding "same",
    // unless count_include_pad counts it.
    const bool countPad = poolSpec(setup.params).countIncludePad;
    const algorithm algo = max        ? algorithm::pooling_max
                           : countPad ? algorithm::pooling_avg_include_padding
                                      : algorithm::pooling_avg_exclude_padding;
    return std::make_unique<PoolingCpu>(
        cpuBackendOf(setup), algo, memory::dims{g.batch, g.channels, g.rows.in, g.cols.in},
        memory::dims{g.batch, g.channels, g.rows.out, g.cols.out},
        memory::dims{g.rows.kernel, g.cols.kernel}, memory::dims{g.rows.stride, g.cols.stride},
        memory::dims{g.rows.padBefore, g.cols.padBefore},
        memory::dims{g.rows.padAfterRead(), g.cols.padAfterRead()}, setup.inputBlock(0),
        setup.inputRelu, countPad ? overhangScale(g) : std::vector<float>{});
}

std::unique_ptr<Kernel> makeGlobalAvgPoolCpu(const KernelSetup &setup)
{
    const Shape &in = setup.inputShapes[0];
    // One window covering the whole image gives a 1×1 output per channel, in the input's
    // channel block, which for one pixel is the plain layout. A 1×1 image is the same bytes
    // in every block too: nChw16c, where oneDNN's jitted pooling runs (its plain one is slow).
    const bool onePixel = in[2] * in[3] == 1 && in[1] % 16 == 0;
    return std::make_unique<PoolingCpu>(
        cpuBackendOf(setup), algorithm::pooling_avg_exclude_padding, toDims(in),
        memory::dims{in[0], in[1], 1, 1}, memory::dims{in[2], in[3]}, memory::dims{1, 1},
        memory::dims{0, 0}, memory::dims{0, 0}, onePixel ? 16 : setup.inputBlock(0), false);
}

std::unique_ptr<Kernel> makeAdaptiveAvgPoolCpu(const KernelSetup &setup)
{
    const AdaptiveWindow w = adaptiveWindow(setup.inputShapes[0], setup.params);
    if (!w.rows.even() || !w.cols.even())
        return makeAdaptiveAvgPoolLoops(setup);
    // Even windows are an ordinary average pool: in/out pixels, in/out apart, no padding.
    const int64_t kh = w.rows.in / w.rows.out, kw = w.cols.in / w.cols.out;
    return std::make_unique<PoolingCpu>(cpuBackendOf(setup), algorithm::pooling_avg_exclude_padding,
                                        memory::dims{w.batch, w.channels, w.rows.in, w.cols.in},
                                        memory::dims{w.batch, w.channels, w.rows.out, w.cols.out},
                                        memory::dims{kh, kw}, memory::dims{kh, kw},
                                        memory::dims{0, 0}, memory::dims{0, 0}, 1, false);
}

} // namespace strata::internal
