// Dense in bf16 mixed precision on oneDNN's inner product: the products read bf16 copies of
// the input, the weights and the output gradient and write fp32 outputs and gradients (fp32
// accumulation). Strata's tensors, the master weights among them, stay fp32: reorders
// created once here convert into buffers this kernel owns. The weights are converted once per
// value they take (RunContext::weightsVersion), into the layout the primitive prefers, so no
// pass packs them again; backward-data reads forward's copy, backward-weights forward's copy
// of the input (the network calls backward after forward on the same batch).

#include "layers/dense/dense.h"

#include "backends/cpu/cpu_backend.h"

namespace strata::internal {

namespace {

using namespace dnnl;
using dt = memory::data_type;
using tag = memory::format_tag;

class DenseCpuBf16 final : public Kernel
{
public:
    explicit DenseCpuBf16(const KernelSetup &s)
        : cpu_(cpuBackendOf(s)), hasBias_(s.weights.size() > 1)
    {
        const Tensor &w = s.weights[0];
        const int64_t n = s.inputShapes[0][0], k = w.dim(1), m = w.dim(0);
        auto &eng = cpu_.engine();
        const memory::desc src16({n, k}, dt::bf16, tag::ab);
        const memory::desc wAny({m, k}, dt::bf16, tag::any);
        const memory::desc dst16({n, m}, dt::bf16, tag::ab);
        const memory::desc src32({n, k}, dt::f32, tag::ab);
        const memory::desc w32({m, k}, dt::f32, tag::ab);
        const memory::desc dst32({n, m}, dt::f32, tag::ab);
        const memory::desc bias({m}, dt::f32, tag::a);

        const auto fwdDesc =
            hasBias_
                ? inner_product_forward::desc(prop_kind::forward_training, src16, wAny, bias, dst32)
                : inner_product_forward::desc(prop_kind::forward_training, src16, wAny, dst32);
        fwdPd_ = inner_product_forward::primitive_desc(fwdDesc, eng);
        fwd_ = inner_product_forward(fwdPd_);

        const inner_product_backward_data::desc bwdDataDesc(src32, fwdPd_.weights_desc(), dst16);
        bwdDataPd_ = inner_product_backward_data::primitive_desc(bwdDataDesc, eng, fwdPd_);
        bwdData_ = inner_product_backward_data(bwdDataPd_);

        const auto bwdWDesc = hasBias_
                                  ? inner_product_backward_weights::desc(src16, w32, bias, dst16)
                                  : inner_product_backward_weights::desc(src16, w32, dst16);
        bwdWPd_ = inner_product_backward_weights::primitive_desc(bwdWDesc, eng, fwdPd_);
        bwdW_ = inner_product_backward_weights(bwdWPd_);

        // Strata's fp32 tensors: activations bound per call, weights views of the network's.
        x32_ = memory(src32, eng, nullptr);
        y32_ = memory(dst32, eng, nullptr);
        dy32_ = memory(dst32, eng, nullptr);
        dx32_ = memory(src32, eng, nullptr);
        // Views of the network's storage (a Tensor copy shares it).
        auto view = [&](const memory::desc &md, Tensor t) { return memory(md, eng, t.data()); };
        w32_ = view(w32, s.weights[0]);
        dw_ = view(w32, s.weightGrads[0]);
        if (hasBias_) {
            b_ = view(bias, s.weights[1]);
            db_ = view(bias, s.weightGrads[1]);
        }
        // The bf16 copies this kernel owns, and the conversions into them.
        x16_ = memory(src16, eng);
        w16_ = memory(fwdPd_.weights_desc(), eng);
        dy16_ = memory(dst16, eng);
        toX16_ = reorder(x32_, x16_);
        toW16_ = reorder(w32_, w16_);
        toDy16_ = reorder(dy32_, dy16_);
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &ctx) override
    {
        stream &strm = cpu_.stream();
        if (ctx.weightsVersion == 0 || ctx.weightsVersion != wVersion_) {
            toW16_.execute(strm, w32_, w16_);
            wVersion_ = ctx.weightsVersion;
        }
        x32_.set_data_handle(const_cast<float *>(in[0]->data()));
        toX16_.execute(strm, x32_, x16_);
        y32_.set_data_handle(out.data());
        std::unordered_map<int, memory> args{
            {DNNL_ARG_SRC, x16_}, {DNNL_ARG_WEIGHTS, w16_}, {DNNL_ARG_DST, y32_}};
        if (hasBias_)
            args.insert({DNNL_ARG_BIAS, b_});
        fwd_.execute(strm, args);
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        stream &strm = cpu_.stream();
        dy32_.set_data_handle(const_cast<float *>(gy.data()));
        toDy16_.execute(strm, dy32_, dy16_);
        std::unordered_map<int, memory> wargs{
            {DNNL_ARG_SRC, x16_}, {DNNL_ARG_DIFF_DST, dy16_}, {DNNL_ARG_DIFF_WEIGHTS, dw_}};
        if (hasBias_)
            wargs.insert({DNNL_ARG_DIFF_BIAS, db_});
        bwdW_.execute(strm, wargs);
        if (gin[0]) {
            dx32_.set_data_handle(gin[0]->data());
            bwdData_.execute(
                strm,
                {{DNNL_ARG_DIFF_DST, dy16_}, {DNNL_ARG_WEIGHTS, w16_}, {DNNL_ARG_DIFF_SRC, dx32_}});
        }
    }

    std::string implementation() const override
    {
        return implementationNames({{"fwd", fwdPd_.impl_info_str()},
                                    {"bwd-d", bwdDataPd_.impl_info_str()},
                                    {"bwd-w", bwdWPd_.impl_info_str()}});
    }

    int64_t workspaceBytes() const override
    {
        const auto bytes =
            x16_.get_desc().get_size() + w16_.get_desc().get_size() + dy16_.get_desc().get_size();
        return static_cast<int64_t>(bytes) + largestScratchpad({&fwdPd_, &bwdDataPd_, &bwdWPd_});
    }

private:
    CpuBackend &cpu_;
    bool hasBias_;
    inner_product_forward::primitive_desc fwdPd_;
    inner_product_forward fwd_;
    inner_product_backward_data::primitive_desc bwdDataPd_;
    inner_product_backward_data bwdData_;
    inner_product_backward_weights::primitive_desc bwdWPd_;
    inner_product_backward_weights bwdW_;
    memory x32_, y32_, dy32_, dx32_, w32_, dw_, b_, db_; // Strata's fp32 tensors
    memory x16_, w16_, dy16_;                            // this kernel's bf16 copies
    reorder toX16_, toW16_, toDy16_;
    uint64_t wVersion_ = 0; // the weights' value w16_ holds (RunContext::weightsVersion)
};

} // namespace

std::unique_ptr<Kernel> makeDenseCpuBf16(const KernelSetup &setup)
{
    return std::make_unique<DenseCpuBf16>(setup);
}

} // namespace strata::internal
