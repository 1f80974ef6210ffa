// Conv2D on oneDNN's direct convolution. The primitives are created once per network with
// format_tag::any so oneDNN picks its fast blocked layouts (nChw16c, OIhw16i16o, ...);
// Strata's tensors stay plain NCHW/OIHW at the kernel boundary, and reorders created once
// here translate between the two only where the chosen layout differs. Every batch only
// binds the tensors and executes.

#include "layers/conv2d/conv2d.h"

#include "backends/cpu/cpu_backend.h"
#include "layers/layer_util.h"

namespace strata::internal {

namespace {

using namespace dnnl;
using dt = memory::data_type;
using tag = memory::format_tag;

// One tensor as one primitive sees it. `plain` is the NCHW/OIHW view of Strata's buffer;
// `inner` is `plain` itself when the primitive chose that layout, otherwise a buffer the
// kernel owns in the chosen layout, with the reorder between the two.
struct Staged
{
    memory plain;
    memory inner;
    reorder convert; // plain → inner for what a primitive reads, inner → plain for writes

    // Strata's values into the primitive's layout (no-op when the layouts agree).
    void toInner(stream &s)
    {
        if (convert)
            convert.execute(s, plain, inner);
    }
    // The primitive's result into Strata's layout.
    void toPlain(stream &s)
    {
        if (convert)
            convert.execute(s, inner, plain);
    }
};

Staged stage(const memory &plain, const memory::desc &wanted, const engine &eng, bool isInput)
{
    Staged st{plain, plain, {}};
    if (wanted != plain.get_desc()) {
        st.inner = memory(wanted, eng); // owns its (aligned) buffer, allocated once here
        st.convert = isInput ? reorder(plain, st.inner) : reorder(st.inner, st.plain);
    }
    return st;
}

class Conv2DCpu final : public Kernel
{
public:
    explicit Conv2DCpu(const KernelSetup &s) : cpu_(cpuBackendOf(s)), hasBias_(s.weights.size() > 1)
    {
        const int64_t filters = intOf(s.params, "filters");
        const Window2D g = window2D(s.inputShapes[0], intOf(s.params, "kernel"),
                                    intOf(s.params, "stride"), choiceOf(s.params, "padding"));
        const memory::dims srcDims{g.batch, g.channels, g.rows.in, g.cols.in};
        const memory::dims wDims{filters, g.channels, g.rows.kernel, g.cols.kernel};
        const memory::dims dstDims{g.batch, filters, g.rows.out, g.cols.out};
        const memory::dims strides{g.rows.stride, g.cols.stride};
        const memory::dims padL{g.rows.padBefore, g.cols.padBefore};
        const memory::dims padR{g.rows.padAfter, g.cols.padAfter};
        auto &eng = cpu_.engine();

        // "any": let each primitive choose; the reorders below adapt the plain tensors.
        const memory::desc srcAny(srcDims, dt::f32, tag::any);
        const memory::desc wAny(wDims, dt::f32, tag::any);
        const memory::desc dstAny(dstDims, dt::f32, tag::any);
        const memory::desc biasMd({filters}, dt::f32, tag::x);

        const auto fwdDesc =
            hasBias_ ? convolution_forward::desc(prop_kind::forward_training,
                                                 algorithm::convolution_direct, srcAny, wAny,
                                                 biasMd, dstAny, strides, padL, padR)
                     : convolution_forward::desc(prop_kind::forward_training,
                                                 algorithm::convolution_direct, srcAny, wAny,
                                                 dstAny, strides, padL, padR);
        fwdPd_ = convolution_forward::primitive_desc(fwdDesc, eng);
        fwd_ = convolution_forward(fwdPd_);

        const auto bwdWDesc =
            hasBias_ ? convolution_backward_weights::desc(algorithm::convolution_direct, srcAny,
                                                          wAny, biasMd, dstAny, strides, padL, padR)
                     : convolution_backward_weights::desc(algorithm::convolution_direct, srcAny,
                                                          wAny, dstAny, strides, padL, padR);
        bwdWPd_ = convolution_backward_weights::primitive_desc(bwdWDesc, eng, fwdPd_);
        bwdW_ = convolution_backward_weights(bwdWPd_);

        const convolution_backward_data::desc bwdDDesc(algorithm::convolution_direct, srcAny, wAny,
                                                       dstAny, strides, padL, padR);
        bwdDPd_ = convolution_backward_data::primitive_desc(bwdDDesc, eng, fwdPd_);
        bwdD_ = convolution_backward_data(bwdDPd_);

        // Plain views of Strata's tensors. Activations are bound per call; weights and their
        // gradients are views of the network's storage and never move.
        const memory xPlain({srcDims, dt::f32, tag::nchw}, eng, nullptr);
        const memory yPlain({dstDims, dt::f32, tag::nchw}, eng, nullptr);
        const memory dyPlain({dstDims, dt::f32, tag::nchw}, eng, nullptr);
        const memory dxPlain({srcDims, dt::f32, tag::nchw}, eng, nullptr);
        auto view = [&](const memory::desc &md, Tensor t) { return memory(md, eng, t.data()); };
        const memory::desc wPlainMd(wDims, dt::f32, tag::oihw);
        const memory wPlain = view(wPlainMd, s.weights[0]);
        const memory dwPlain = view(wPlainMd, s.weightGrads[0]);
        if (hasBias_) {
            b_ = view(biasMd, s.weights[1]);
            db_ = view(biasMd, s.weightGrads[1]);
        }

        xFwd_ = stage(xPlain, fwdPd_.src_desc(), eng, true);
        wFwd_ = stage(wPlain, fwdPd_.weights_desc(), eng, true);
        yFwd_ = stage(yPlain, fwdPd_.dst_desc(), eng, false);

        // Backward reuses what forward already put in a layout when the layouts agree:
        // the network calls backward after forward on the same batch and the same weights.
        xShared_ = bwdWPd_.src_desc() == fwdPd_.src_desc();
        xBwdW_ = xShared_ ? xFwd_ : stage(xPlain, bwdWPd_.src_desc(), eng, true);
        dyBwdW_ = stage(dyPlain, bwdWPd_.diff_dst_desc(), eng, true);
        dwBwdW_ = stage(dwPlain, bwdWPd_.diff_weights_desc(), eng, false);

        dyShared_ = bwdDPd_.diff_dst_desc() == bwdWPd_.diff_dst_desc();
        dyBwdD_ = dyShared_ ? dyBwdW_ : stage(dyPlain, bwdDPd_.diff_dst_desc(), eng, true);
        wShared_ = bwdDPd_.weights_desc() == fwdPd_.weights_desc();
        wBwdD_ = wShared_ ? wFwd_ : stage(wPlain, bwdDPd_.weights_desc(), eng, true);
        dxBwdD_ = stage(dxPlain, bwdDPd_.diff_src_desc(), eng, false);
        // Scratch space: oneDNN's default (library) scratchpad is allocated when each
        // primitive is created above, not per execution.
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        stream &strm = cpu_.stream();
        xFwd_.plain.set_data_handle(const_cast<float *>(in[0]->data()));
        yFwd_.plain.set_data_handle(out.data());
        xFwd_.toInner(strm);
        wFwd_.toInner(strm); // every call: the optimizer changes the weights between steps
        std::unordered_map<int, memory> args{{DNNL_ARG_SRC, xFwd_.inner},
                                             {DNNL_ARG_WEIGHTS, wFwd_.inner},
                                             {DNNL_ARG_DST, yFwd_.inner}};
        if (hasBias_)
            args.insert({DNNL_ARG_BIAS, b_});
        fwd_.execute(strm, args);
        yFwd_.toPlain(strm);
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        stream &strm = cpu_.stream();
        // The plain memories are shared handles, so this binds every stage built on them.
        xFwd_.plain.set_data_handle(const_cast<float *>(in[0]->data()));
        dyBwdW_.plain.set_data_handle(const_cast<float *>(gy.data()));

        dyBwdW_.toInner(strm);
        if (!xShared_)
            xBwdW_.toInner(strm);
        std::unordered_map<int, memory> wargs{{DNNL_ARG_SRC, xBwdW_.inner},
                                              {DNNL_ARG_DIFF_DST, dyBwdW_.inner},
                                              {DNNL_ARG_DIFF_WEIGHTS, dwBwdW_.inner}};
        if (hasBias_)
            wargs.insert({DNNL_ARG_DIFF_BIAS, db_});
        bwdW_.execute(strm, wargs);
        dwBwdW_.toPlain(strm);

        if (!gin[0])
            return; // nothing upstream needs dL/dx (the layer follows the Input)
        dxBwdD_.plain.set_data_handle(gin[0]->data());
        if (!dyShared_)
            dyBwdD_.toInner(strm);
        if (!wShared_)
            wBwdD_.toInner(strm);
        bwdD_.execute(strm, {{DNNL_ARG_DIFF_DST, dyBwdD_.inner},
                             {DNNL_ARG_WEIGHTS, wBwdD_.inner},
                             {DNNL_ARG_DIFF_SRC, dxBwdD_.inner}});
        dxBwdD_.toPlain(strm);
    }

private:
    CpuBackend &cpu_;
    bool hasBias_;
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
};

} // namespace

std::unique_ptr<Kernel> makeConv2DCpu(const KernelSetup &setup)
{
    return std::make_unique<Conv2DCpu>(setup);
}

} // namespace strata::internal
