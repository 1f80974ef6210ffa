// Conv2D on oneDNN's direct convolution. The primitives are created once per network with
// format_tag::any so oneDNN picks its fast blocked layouts (nChw16c, OIhw16i16o, ...). The
// activations arrive in whatever channel block the producer wrote (plain NCHW, or nChw16c
// from another convolution through ReLU and pooling), and the output keeps the layout the
// primitive chose whenever the network allows it (see LayoutUse): in a stack of
// convolutions the activations then never leave the blocked layout. Reorders created once
// here translate only where a layout still differs. Every batch only binds the tensors and
// executes.
//
// In bf16 (KernelSetup::precision) the primitives read bf16 activations, weights and output
// gradients and write fp32 outputs, input gradients and weight gradients (fp32
// accumulation); the same reorders convert. Strata's tensors stay fp32. The weights are
// converted once per value they take (RunContext::weightsVersion), and backward reuses
// forward's copy.
//
// A depthwise convolution whose weight gradient oneDNN would compute with its GEMM fallback
// (a window larger than the image: MobileNet's last blocks on small inputs) gets it from
// Strata's own loop instead (depthwise_cpu.h), on forward's input as it is and the output
// gradient in the same channel block, written straight into Strata's weight layout. A
// convolution over a 1×1 image runs as a Dense layer on its one tap (one_pixel_cpu.h).

#include "layers/conv2d/conv2d.h"

#include "backends/cpu/cpu_backend.h"
#include "core/profiler.h"
#include "layers/conv2d/depthwise_cpu.h"
#include "layers/conv2d/one_pixel_cpu.h"
#include "layers/layer_util.h"

#include <algorithm>

namespace strata::internal {

namespace {

using namespace dnnl;
using dt = memory::data_type;
using tag = memory::format_tag;

// One tensor as one primitive sees it. `outer` is the view of Strata's buffer in the layout
// it has outside the kernel (OIHW weights; activations plain or channel-blocked); `inner` is
// `outer` itself when the primitive chose that layout, otherwise a buffer the kernel owns in
// the chosen layout, with the reorder between the two.
struct Staged
{
    memory outer;
    memory inner;
    reorder convert;     // outer → inner for what a primitive reads, inner → outer for writes
    bool serial = false; // a small tensor (fitsOneThread): reordered on one thread

    // Strata's values into the primitive's layout (no-op when the layouts agree).
    void toInner(stream &s, const RunContext &ctx)
    {
        if (convert) {
            ProfileSpan span(ctx.profiler, ctx.node, ProfilePhase::Reorder);
            OneThread one(serial);
            convert.execute(s, outer, inner);
        }
    }
    // The primitive's result into Strata's layout.
    void toOuter(stream &s, const RunContext &ctx)
    {
        if (convert) {
            ProfileSpan span(ctx.profiler, ctx.node, ProfilePhase::Reorder);
            OneThread one(serial);
            convert.execute(s, inner, outer);
        }
    }
    // The buffer this stage owns (none when the layouts agree).
    int64_t ownBytes() const
    {
        return convert ? static_cast<int64_t>(inner.get_desc().get_size()) : 0;
    }
};

Staged stage(const memory &outer, const memory::desc &wanted, const engine &eng, bool isInput)
{
    Staged st{outer, outer, {}};
    if (wanted != outer.get_desc()) {
        st.inner = memory(wanted, eng); // owns its (aligned) buffer, allocated once here
        st.serial = fitsOneThread(static_cast<int64_t>(wanted.get_size()));
        OneThread one(st.serial);
        st.convert = isInput ? reorder(outer, st.inner) : reorder(st.inner, st.outer);
    }
    return st;
}

class Conv2DCpu final : public Kernel
{
public:
    explicit Conv2DCpu(const KernelSetup &s)
        : cpu_(cpuBackendOf(s)), hasBias_(s.weights.size() > 1), serial_(smallForThreads(s))
    {
        OneThread one(serial_); // the primitives take the thread count they are created with
        const int64_t filters = intOf(s.params, "filters"), groups = intOf(s.params, "groups");
        const Window2D g = window2D(s.inputShapes[0], convWindow(s.params));
        const memory::dims srcDims{g.batch, g.channels, g.rows.in, g.cols.in};
        // Grouped weights are {groups, filters / groups, channels / groups, k, k} (goihw),
        // the same bytes as Strata's {filters, channels / groups, k, k}.
        const memory::dims wDims =
            groups == 1 ? memory::dims{filters, g.channels, g.rows.kernel, g.cols.kernel}
                        : memory::dims{groups, filters / groups, g.channels / groups, g.rows.kernel,
                                       g.cols.kernel};
        const memory::dims dstDims{g.batch, filters, g.rows.out, g.cols.out};
        const memory::dims strides{g.rows.stride, g.cols.stride};
        // oneDNN counts the pixels skipped between taps: 0 is an ordinary convolution.
        const memory::dims dilates{g.rows.dilation - 1, g.cols.dilation - 1};
        const memory::dims padL{g.rows.padBefore, g.cols.padBefore};
        const memory::dims padR{g.rows.padAfterRead(), g.cols.padAfterRead()};
        auto &eng = cpu_.engine();

        // "any": let each primitive choose; the reorders below adapt Strata's tensors. What
        // the products read is in the computing type; what they write stays fp32.
        const dt low = s.precision == Precision::Bf16 ? dt::bf16 : dt::f32;
        const memory::desc srcAny(srcDims, low, tag::any);
        const memory::desc wAny(wDims, low, tag::any);
        const memory::desc dstAny(dstDims, low, tag::any);
        const memory::desc srcF32(srcDims, dt::f32, tag::any);
        const memory::desc wF32(wDims, dt::f32, tag::any);
        const memory::desc dstF32(dstDims, dt::f32, tag::any);
        const memory::desc biasMd({filters}, dt::f32, tag::x);

        const auto fwdDesc =
            hasBias_ ? convolution_forward::desc(prop_kind::forward_training,
                                                 algorithm::convolution_direct, srcAny, wAny,
                                                 biasMd, dstF32, strides, dilates, padL, padR)
                     : convolution_forward::desc(prop_kind::forward_training,
                                                 algorithm::convolution_direct, srcAny, wAny,
                                                 dstF32, strides, dilates, padL, padR);
        fwdPd_ = convolution_forward::primitive_desc(fwdDesc, eng);
        fwd_ = convolution_forward(fwdPd_);

        const auto bwdWDesc =
            hasBias_
                ? convolution_backward_weights::desc(algorithm::convolution_direct, srcAny, wF32,
                                                     biasMd, dstAny, strides, dilates, padL, padR)
                : convolution_backward_weights::desc(algorithm::convolution_direct, srcAny, wF32,
                                                     dstAny, strides, dilates, padL, padR);
        bwdWPd_ = convolution_backward_weights::primitive_desc(bwdWDesc, eng, fwdPd_);

        const convolution_backward_data::desc bwdDDesc(algorithm::convolution_direct, srcF32, wAny,
                                                       dstAny, strides, dilates, padL, padR);
        bwdDPd_ = convolution_backward_data::primitive_desc(bwdDDesc, eng, fwdPd_);
        bwdD_ = convolution_backward_data(bwdDPd_);

        ownDepthwise_ = depthwiseGradientFor(s, g, filters, groups);
        if (!ownDepthwise_)
            bwdW_ = convolution_backward_weights(bwdWPd_);

        // Views of Strata's tensors in the layouts they have outside this kernel: the input
        // (and its gradient) in the producer's channel block, the output (and its gradient)
        // in the primitive's own blocked layout when allowed, else plain. Activations are
        // bound per call; weights and their gradients are views of the network's storage.
        if (s.blockedOutputAllowed && channelBlockOf(fwdPd_.dst_desc()) > 1)
            outBlock_ = channelBlockOf(fwdPd_.dst_desc());
        const memory::desc xOuter = channelBlockedDesc(srcDims, s.inputBlock(0));
        const memory::desc yOuter = channelBlockedDesc(dstDims, outBlock_);
        const memory xMem(xOuter, eng, nullptr);
        const memory yMem(yOuter, eng, nullptr);
        const memory dyMem(yOuter, eng, nullptr);
        const memory dxMem(xOuter, eng, nullptr);
        auto view = [&](const memory::desc &md, Tensor t) { return memory(md, eng, t.data()); };
        const memory::desc wOuterMd(wDims, dt::f32, groups == 1 ? tag::oihw : tag::goihw);
        const memory wOuter = view(wOuterMd, s.weights[0]);
        const memory dwOuter = view(wOuterMd, s.weightGrads[0]);
        if (hasBias_) {
            b_ = view(biasMd, s.weights[1]);
            db_ = view(biasMd, s.weightGrads[1]);
        }

        xFwd_ = stage(xMem, fwdPd_.src_desc(), eng, true);
        wFwd_ = stage(wOuter, fwdPd_.weights_desc(), eng, true);
        yFwd_ = stage(yMem, fwdPd_.dst_desc(), eng, false);

        // Backward reuses what forward already put in a layout when the layouts agree:
        // the network calls backward after forward on the same batch and the same weights.
        // (The own depthwise gradient reads forward's input, and the output gradient in its
        // channel block.)
        xShared_ = ownDepthwise_ || bwdWPd_.src_desc() == fwdPd_.src_desc();
        xBwdW_ = xShared_ ? xFwd_ : stage(xMem, bwdWPd_.src_desc(), eng, true);
        dyBwdW_ = stage(dyMem,
                        ownDepthwise_ ? channelBlockedDesc(dstDims, depthwise_.block)
                                      : bwdWPd_.diff_dst_desc(),
                        eng, true);
        if (!ownDepthwise_)
            dwBwdW_ = stage(dwOuter, bwdWPd_.diff_weights_desc(), eng, false);

        dyShared_ = bwdDPd_.diff_dst_desc() == dyBwdW_.inner.get_desc();
        dyBwdD_ = dyShared_ ? dyBwdW_ : stage(dyMem, bwdDPd_.diff_dst_desc(), eng, true);
        wShared_ = bwdDPd_.weights_desc() == fwdPd_.weights_desc();
        wBwdD_ = wShared_ ? wFwd_ : stage(wOuter, bwdDPd_.weights_desc(), eng, true);
        dxBwdD_ = stage(dxMem, bwdDPd_.diff_src_desc(), eng, false);
        // Scratch space: oneDNN's default (library) scratchpad is allocated when each
        // primitive is created above, not per execution.
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &ctx) override
    {
        OneThread one(serial_);
        stream &strm = cpu_.stream();
        xFwd_.outer.set_data_handle(const_cast<float *>(in[0]->data()));
        yFwd_.outer.set_data_handle(out.data());
        xFwd_.toInner(strm, ctx);
        // Once per value of the weights: the optimizer changes them between steps.
        if (ctx.weightsVersion == 0 || ctx.weightsVersion != wVersion_) {
            wFwd_.toInner(strm, ctx);
            wVersion_ = ctx.weightsVersion;
        }
        std::unordered_map<int, memory> args{{DNNL_ARG_SRC, xFwd_.inner},
                                             {DNNL_ARG_WEIGHTS, wFwd_.inner},
                                             {DNNL_ARG_DST, yFwd_.inner}};
        if (hasBias_)
            args.insert({DNNL_ARG_BIAS, b_});
        fwd_.execute(strm, args);
        yFwd_.toOuter(strm, ctx);
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &ctx) override
    {
        OneThread one(serial_);
        stream &strm = cpu_.stream();
        // The plain memories are shared handles, so this binds every stage built on them.
        xFwd_.outer.set_data_handle(const_cast<float *>(in[0]->data()));
        dyBwdW_.outer.set_data_handle(const_cast<float *>(gy.data()));

        dyBwdW_.toInner(strm, ctx);
        if (!xShared_)
            xBwdW_.toInner(strm, ctx);
        if (ownDepthwise_) {
            depthwiseWeightGradient(depthwise_, inner(xBwdW_), inner(dyBwdW_), dw_.data(),
                                    hasBias_ ? static_cast<float *>(db_.get_data_handle())
                                             : nullptr);
        } else {
            std::unordered_map<int, memory> wargs{{DNNL_ARG_SRC, xBwdW_.inner},
                                                  {DNNL_ARG_DIFF_DST, dyBwdW_.inner},
                                                  {DNNL_ARG_DIFF_WEIGHTS, dwBwdW_.inner}};
            if (hasBias_)
                wargs.insert({DNNL_ARG_DIFF_BIAS, db_});
            bwdW_.execute(strm, wargs);
            dwBwdW_.toOuter(strm, ctx);
        }

        if (!gin[0])
            return; // nothing upstream needs dL/dx (the layer follows the Input)
        dxBwdD_.outer.set_data_handle(gin[0]->data());
        if (!dyShared_)
            dyBwdD_.toInner(strm, ctx);
        if (!wShared_)
            wBwdD_.toInner(strm, ctx);
        bwdD_.execute(strm, {{DNNL_ARG_DIFF_DST, dyBwdD_.inner},
                             {DNNL_ARG_WEIGHTS, wBwdD_.inner},
                             {DNNL_ARG_DIFF_SRC, dxBwdD_.inner}});
        dxBwdD_.toOuter(strm, ctx);
    }

    int64_t outputBlock() const override { return outBlock_; }

    std::string implementation() const override
    {
        return implementationNames(
            {{"fwd", fwdPd_.impl_info_str()},
             {"bwd-d", bwdDPd_.impl_info_str()},
             {"bwd-w", ownDepthwise_ ? "strata depthwise" : bwdWPd_.impl_info_str()}});
    }

    int64_t workspaceBytes() const override
    {
        // Stages shared between passes own one buffer.
        int64_t bytes = xFwd_.ownBytes() + wFwd_.ownBytes() + yFwd_.ownBytes() +
                        dyBwdW_.ownBytes() + dwBwdW_.ownBytes() + dxBwdD_.ownBytes();
        bytes += (xShared_ ? 0 : xBwdW_.ownBytes()) + (dyShared_ ? 0 : dyBwdD_.ownBytes()) +
                 (wShared_ ? 0 : wBwdD_.ownBytes());
        return bytes + largestScratchpad({&fwdPd_, &bwdDPd_, &bwdWPd_});
    }

private:
    // A layer too small to share between threads (fitsOneThread): its largest tensor and its
    // forward FLOPs (2 · outputs · inputs per filter · taps).
    static bool smallForThreads(const KernelSetup &s)
    {
        const Shape &w = s.weights[0].shape();
        const int64_t largest = std::max({numel(s.inputShapes[0]), numel(s.outputShape), numel(w)});
        const double flops = 2.0 * double(numel(s.outputShape)) * double(w[1] * w[2] * w[3]);
        return fitsOneThread(largest * int64_t(sizeof(float)), flops);
    }

    // Whether the own depthwise weight gradient replaces oneDNN's (see the top of the file),
    // and its geometry. Only for fp32, one filter per channel, oneDNN's GEMM fallback, and
    // forward's input in a channel block that divides C (the output gradient is read in it).
    bool depthwiseGradientFor(const KernelSetup &s, const Window2D &g, int64_t filters,
                              int64_t groups)
    {
        const int64_t block = channelBlockOf(fwdPd_.src_desc());
        if (s.precision != Precision::Fp32 || groups != g.channels || filters != g.channels ||
            std::string(bwdWPd_.impl_info_str()).rfind("jit", 0) == 0 || block < 1)
            return false;
        auto axis = [](const WindowAxis &a) {
            return DepthwiseAxis{a.in, a.out, a.kernel, a.stride, a.dilation, a.padBefore};
        };
        depthwise_ = {g.batch, g.channels, block, axis(g.rows), axis(g.cols)};
        dw_ = s.weightGrads[0];
        return true;
    }

    static const float *inner(const Staged &st)
    {
        return static_cast<const float *>(st.inner.get_data_handle());
    }

    CpuBackend &cpu_;
    bool hasBias_;
    bool serial_; // small enough for one thread (fitsOneThread)
    convolution_forward::primitive_desc fwdPd_;
    convolution_forward fwd_;
    convolution_backward_weights::primitive_desc bwdWPd_;
    convolution_backward_weights bwdW_;
    convolution_backward_data::primitive_desc bwdDPd_;
    convolution_backward_data bwdD_;
    memory b_, db_;
    Staged xFwd_, wFwd_, yFwd_;
    Staged xBwdW_, dyBwdW_, dwBwdW_;
    Staged dyBwdD_, wBwdD_, dxBwdD_;
    bool xShared_ = false, dyShared_ = false, wShared_ = false;
    bool ownDepthwise_ = false;
    DepthwiseGeometry depthwise_;
    Tensor dw_; // the weight gradient the own depthwise loop writes
    int64_t outBlock_ = 1;
    uint64_t wVersion_ = 0; // the weights' value wFwd_.inner holds (RunContext::weightsVersion)
};

} // namespace

std::unique_ptr<Kernel> makeConv2DCpu(const KernelSetup &setup)
{
    if (auto onePixel = makeConv2DOnePixelCpu(setup))
        return onePixel;
    return std::make_unique<Conv2DCpu>(setup);
}

} // namespace strata::internal
