// ConvTranspose2D on oneDNN's deconvolution. The activations stay plain NCHW; the weights
// are viewed as oneDNN's deconvolution weights {filters, channels, k, k} in the iohw layout,
// which is exactly Strata's {channels, filters, k, k}, and reordered once per pass into the
// layout the primitive chose. The padding crops the full result (oneDNN's left and right
// padding); output_padding extends it at the end, which oneDNN takes as negative right
// padding. Primitives and reorders are created once; every batch binds and executes.

#include "layers/conv_transpose/conv_transpose.h"

#include "backends/cpu/cpu_backend.h"
#include "core/profiler.h"
#include "layers/layer_util.h"

namespace strata::internal {

namespace {

using namespace dnnl;
using dt = memory::data_type;
using tag = memory::format_tag;

class ConvTransposeCpu final : public Kernel
{
public:
    explicit ConvTransposeCpu(const KernelSetup &s)
        : cpu_(cpuBackendOf(s)), hasBias_(s.weights.size() > 1)
    {
        const TransposedWindow g = transposedWindow(s.params, s.inputShapes[0]);
        const memory::dims srcDims{g.batch, g.channels, g.rows.in, g.cols.in};
        const memory::dims wDims{g.filters, g.channels, g.rows.kernel, g.cols.kernel};
        const memory::dims dstDims{g.batch, g.filters, g.rows.out, g.cols.out};
        const memory::dims strides{g.rows.stride, g.cols.stride};
        const memory::dims padL{g.rows.cropBefore, g.cols.cropBefore};
        const memory::dims padR{g.rows.cropAfter - g.rows.extra, g.cols.cropAfter - g.cols.extra};
        auto &eng = cpu_.engine();

        const memory::desc srcMd(srcDims, dt::f32, tag::nchw);
        const memory::desc dstMd(dstDims, dt::f32, tag::nchw);
        const memory::desc wAny(wDims, dt::f32, tag::any);
        const memory::desc biasMd({g.filters}, dt::f32, tag::x);
        const auto algo = algorithm::deconvolution_direct;

        const auto fwdDesc =
            hasBias_ ? deconvolution_forward::desc(prop_kind::forward_training, algo, srcMd, wAny,
                                                   biasMd, dstMd, strides, padL, padR)
                     : deconvolution_forward::desc(prop_kind::forward_training, algo, srcMd, wAny,
                                                   dstMd, strides, padL, padR);
        fwdPd_ = deconvolution_forward::primitive_desc(fwdDesc, eng);
        fwd_ = deconvolution_forward(fwdPd_);

        const auto bwdWDesc = hasBias_
                                  ? deconvolution_backward_weights::desc(algo, srcMd, wAny, biasMd,
                                                                         dstMd, strides, padL, padR)
                                  : deconvolution_backward_weights::desc(algo, srcMd, wAny, dstMd,
                                                                         strides, padL, padR);
        bwdWPd_ = deconvolution_backward_weights::primitive_desc(bwdWDesc, eng, fwdPd_);
        bwdW_ = deconvolution_backward_weights(bwdWPd_);

        const deconvolution_backward_data::desc bwdDDesc(algo, srcMd, wAny, dstMd, strides, padL,
                                                         padR);
        bwdDPd_ = deconvolution_backward_data::primitive_desc(bwdDDesc, eng, fwdPd_);
        bwdD_ = deconvolution_backward_data(bwdDPd_);

        // Activations are bound per call; weights and their gradients are views of the
        // network's storage, reordered where the primitives chose another layout.
        x_ = memory(srcMd, eng, nullptr);
        y_ = memory(dstMd, eng, nullptr);
        dy_ = memory(dstMd, eng, nullptr);
        dx_ = memory(srcMd, eng, nullptr);
        auto view = [&](const memory::desc &md, Tensor t) { return memory(md, eng, t.data()); };
        const memory::desc wPlain(wDims, dt::f32, tag::iohw);
        w_ = view(wPlain, s.weights[0]);
        dw_ = view(wPlain, s.weightGrads[0]);
        if (hasBias_) {
            b_ = view(biasMd, s.weights[1]);
            db_ = view(biasMd, s.weightGrads[1]);
        }
        wFwd_ = inner(w_, fwdPd_.weights_desc(), fwdToInner_, true);
        // Backward follows forward on the same weights: it reuses forward's copy when the
        // layouts agree.
        const bool shared = bwdDPd_.weights_desc() == fwdPd_.weights_desc();
        wBwdD_ = shared ? wFwd_ : inner(w_, bwdDPd_.weights_desc(), bwdDToInner_, true);
        dwBwdW_ = inner(dw_, bwdWPd_.diff_weights_desc(), bwdWToOuter_, false);
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &ctx) override
    {
        stream &strm = cpu_.stream();
        x_.set_data_handle(const_cast<float *>(in[0]->data()));
        y_.set_data_handle(out.data());
        convert(fwdToInner_, w_, wFwd_, ctx); // every call: the optimizer changes the weights
        std::unordered_map<int, memory> args{
            {DNNL_ARG_SRC, x_}, {DNNL_ARG_WEIGHTS, wFwd_}, {DNNL_ARG_DST, y_}};
        if (hasBias_)
            args.insert({DNNL_ARG_BIAS, b_});
        fwd_.execute(strm, args);
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &ctx) override
    {
        stream &strm = cpu_.stream();
        x_.set_data_handle(const_cast<float *>(in[0]->data()));
        dy_.set_data_handle(const_cast<float *>(gy.data()));
        std::unordered_map<int, memory> wargs{
            {DNNL_ARG_SRC, x_}, {DNNL_ARG_DIFF_DST, dy_}, {DNNL_ARG_DIFF_WEIGHTS, dwBwdW_}};
        if (hasBias_)
            wargs.insert({DNNL_ARG_DIFF_BIAS, db_});
        bwdW_.execute(strm, wargs);
        convert(bwdWToOuter_, dwBwdW_, dw_, ctx);

        if (!gin[0])
            return; // nothing upstream needs dL/dx (the layer follows the Input)
        dx_.set_data_handle(gin[0]->data());
        convert(bwdDToInner_, w_, wBwdD_, ctx);
        bwdD_.execute(
            strm, {{DNNL_ARG_DIFF_DST, dy_}, {DNNL_ARG_WEIGHTS, wBwdD_}, {DNNL_ARG_DIFF_SRC, dx_}});
    }

    std::string implementation() const override
    {
        return implementationNames({{"fwd", fwdPd_.impl_info_str()},
                                    {"bwd-d", bwdDPd_.impl_info_str()},
                                    {"bwd-w", bwdWPd_.impl_info_str()}});
    }

    int64_t workspaceBytes() const override
    {
        return ownBytes_ + largestScratchpad({&fwdPd_, &bwdDPd_, &bwdWPd_});
    }

private:
    // The weights (or their gradient) in the layout `wanted`: `plain` itself when the
    // primitive chose iohw, else a buffer of its own with the reorder between the two.
    memory inner(const memory &plain, const memory::desc &wanted, reorder &r, bool toInner)
    {
        if (wanted == plain.get_desc())
            return plain;
        memory m(wanted, cpu_.engine());
        ownBytes_ += static_cast<int64_t>(wanted.get_size());
        r = toInner ? reorder(plain, m) : reorder(m, plain);
        return m;
    }

    void convert(reorder &r, memory &from, memory &to, const RunContext &ctx)
    {
        if (!r)
            return;
        ProfileSpan span(ctx.profiler, ctx.node, ProfilePhase::Reorder);
        r.execute(cpu_.stream(), from, to);
    }

    CpuBackend &cpu_;
    bool hasBias_;
    deconvolution_forward::primitive_desc fwdPd_;
    deconvolution_forward fwd_;
    deconvolution_backward_weights::primitive_desc bwdWPd_;
    deconvolution_backward_weights bwdW_;
    deconvolution_backward_data::primitive_desc bwdDPd_;
    deconvolution_backward_data bwdD_;
    memory x_, y_, dy_, dx_, w_, dw_, b_, db_;
    memory wFwd_, wBwdD_, dwBwdW_;
    reorder fwdToInner_, bwdDToInner_, bwdWToOuter_;
    int64_t ownBytes_ = 0; // the weight copies in the primitives' layouts
};

} // namespace

std::unique_ptr<Kernel> makeConvTransposeCpu(const KernelSetup &setup)
{
    return std::make_unique<ConvTransposeCpu>(setup);
}

} // namespace strata::internal
