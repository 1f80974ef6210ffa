// Dense on oneDNN's inner product: engine → memory descs → primitive descs → primitives,
// built once per network; every batch only binds the tensors and executes.

#include "layers/dense/dense.h"

#include "backends/cpu/cpu_backend.h"

namespace strata::internal {

namespace {

using namespace dnnl;
using dt = memory::data_type;
using tag = memory::format_tag;

class DenseCpu final : public Kernel
{
public:
    explicit DenseCpu(const KernelSetup &s)
        : cpu_(cpuBackendOf(s)), w_(s.weights[0]), dw_(s.weightGrads[0]),
          hasBias_(s.weights.size() > 1)
    {
        if (hasBias_) {
            b_ = s.weights[1];
            db_ = s.weightGrads[1];
        }
        const int64_t n = s.inputShapes[0][0], k = w_.dim(1), m = w_.dim(0);
        const memory::desc src({n, k}, dt::f32, tag::ab);
        const memory::desc wts({m, k}, dt::f32, tag::ab);
        const memory::desc bias({m}, dt::f32, tag::a);
        const memory::desc dst({n, m}, dt::f32, tag::ab);
        auto &eng = cpu_.engine();

        auto fwdDesc = hasBias_ ? inner_product_forward::desc(prop_kind::forward_training, src,
                                                              wts, bias, dst)
                                : inner_product_forward::desc(prop_kind::forward_training, src,
                                                              wts, dst);
        fwdPd_ = inner_product_forward::primitive_desc(fwdDesc, eng);
        fwd_ = inner_product_forward(fwdPd_);

        inner_product_backward_data::desc bwdDataDesc(src, wts, dst);
        bwdDataPd_ = inner_product_backward_data::primitive_desc(bwdDataDesc, eng, fwdPd_);
        bwdData_ = inner_product_backward_data(bwdDataPd_);

        auto bwdWDesc = hasBias_ ? inner_product_backward_weights::desc(src, wts, bias, dst)
                                 : inner_product_backward_weights::desc(src, wts, dst);
        bwdWPd_ = inner_product_backward_weights::primitive_desc(bwdWDesc, eng, fwdPd_);
        bwdW_ = inner_product_backward_weights(bwdWPd_);

        srcMem_ = memory(src, eng, nullptr);
        dstMem_ = memory(dst, eng, nullptr);
        wMem_ = memory(wts, eng, w_.data());
        dwMem_ = memory(wts, eng, dw_.data());
        if (hasBias_) {
            bMem_ = memory(bias, eng, b_.data());
            dbMem_ = memory(bias, eng, db_.data());
        }
        diffSrcMem_ = memory(src, eng, nullptr);
        diffDstMem_ = memory(dst, eng, nullptr);
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        srcMem_.set_data_handle(const_cast<float *>(in[0]->data()));
        dstMem_.set_data_handle(out.data());
        std::unordered_map<int, memory> args{
            {DNNL_ARG_SRC, srcMem_}, {DNNL_ARG_WEIGHTS, wMem_}, {DNNL_ARG_DST, dstMem_}};
        if (hasBias_)
            args.insert({DNNL_ARG_BIAS, bMem_});
        fwd_.execute(cpu_.stream(), args);
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        srcMem_.set_data_handle(const_cast<float *>(in[0]->data()));
        diffDstMem_.set_data_handle(const_cast<float *>(gy.data()));
        std::unordered_map<int, memory> wargs{{DNNL_ARG_SRC, srcMem_},
                                              {DNNL_ARG_DIFF_DST, diffDstMem_},
                                              {DNNL_ARG_DIFF_WEIGHTS, dwMem_}};
        if (hasBias_)
            wargs.insert({DNNL_ARG_DIFF_BIAS, dbMem_});
        bwdW_.execute(cpu_.stream(), wargs);
        if (gin[0]) {
            diffSrcMem_.set_data_handle(gin[0]->data());
            bwdData_.execute(cpu_.stream(), {{DNNL_ARG_DIFF_DST, diffDstMem_},
                                             {DNNL_ARG_WEIGHTS, wMem_},
                                             {DNNL_ARG_DIFF_SRC, diffSrcMem_}});
        }
    }

private:
    CpuBackend &cpu_;
    Tensor w_, dw_, b_, db_;
    bool hasBias_;
    inner_product_forward::primitive_desc fwdPd_;
    inner_product_forward fwd_;
    inner_product_backward_data::primitive_desc bwdDataPd_;
    inner_product_backward_data bwdData_;
    inner_product_backward_weights::primitive_desc bwdWPd_;
    inner_product_backward_weights bwdW_;
    memory srcMem_, dstMem_, wMem_, dwMem_, bMem_, dbMem_, diffSrcMem_, diffDstMem_;
};

} // namespace

std::unique_ptr<Kernel> makeDenseCpu(const KernelSetup &setup)
{
    return std::make_unique<DenseCpu>(setup);
}

} // namespace strata::internal
