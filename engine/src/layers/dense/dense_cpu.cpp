// Dense on oneDNN's inner product: engine → memory descs → primitive descs → primitives,
// built once per network; every batch only binds the tensors and executes.
//
// One exception, measured: when the weight matrix is much larger than the batch (the Keras
// MNIST CNN's 9216→1024 layer at batch 32), oneDNN's inner product packs the whole weight
// matrix on every call and runs at well under half the speed of the same product computed
// transposed, yᵀ = W·xᵀ, where the small batch is the packed operand (3.5 ms instead of
// 8.4 ms on two cores). The forward pass then runs as that GEMM plus a small transpose. (The
// input gradient computed the same way, dxᵀ = Wᵀ·dyᵀ, was slower than oneDNN's backward-data
// inner product: 6.4 ms against 5.1.) Such a layer also proves its weight gradients finite
// from bounds on the far smaller input and output gradient (weightGradientsProvenFinite),
// so the NaN/Inf guard does not have to read the 38 MB gradient.

#include "layers/dense/dense.h"

#include "backends/cpu/cpu_backend.h"
#include "backends/host_updates.h"

#include <algorithm>
#include <vector>

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

        auto fwdDesc =
            hasBias_ ? inner_product_forward::desc(prop_kind::forward_training, src, wts, bias, dst)
                     : inner_product_forward::desc(prop_kind::forward_training, src, wts, dst);
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

        batch_ = n;
        inputs_ = k;
        units_ = m;
        transposed_ = m * k >= kTransposedFrom && m >= 4 * n;
        if (transposed_)
            scratch_.resize(static_cast<size_t>(m * n));
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        if (transposed_) {
            forwardTransposed(in[0]->data(), out.data());
            return;
        }
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
        provenFinite_ = transposed_ && gradientsBelowOverflow(in[0]->data(), gy.data());
        fusedPending_ = fusedAllowed_ && provenFinite_;
        if (fusedPending_) {
            // The weight's update waits for the optimizer (applyFusedSgd), from copies of
            // its operands: a 32-sample batch's input and output gradient are a few hundred
            // kB where the weight gradient is tens of MB.
            const float *x = in[0]->data(), *dy = gy.data();
            savedX_.assign(x, x + batch_ * inputs_);
            savedDy_.assign(dy, dy + batch_ * units_);
            if (hasBias_)
                biasGradient(dy);
        } else {
            std::unordered_map<int, memory> wargs{{DNNL_ARG_SRC, srcMem_},
                                                  {DNNL_ARG_DIFF_DST, diffDstMem_},
                                                  {DNNL_ARG_DIFF_WEIGHTS, dwMem_}};
            if (hasBias_)
                wargs.insert({DNNL_ARG_DIFF_BIAS, dbMem_});
            bwdW_.execute(cpu_.stream(), wargs);
        }
        if (gin[0]) {
            diffSrcMem_.set_data_handle(gin[0]->data());
            bwdData_.execute(cpu_.stream(), {{DNNL_ARG_DIFF_DST, diffDstMem_},
                                             {DNNL_ARG_WEIGHTS, wMem_},
                                             {DNNL_ARG_DIFF_SRC, diffSrcMem_}});
        }
    }

    bool weightGradientsProvenFinite() const override { return provenFinite_; }

    void setFusedUpdateAllowed(bool allowed) override { fusedAllowed_ = allowed; }
    bool fusedUpdatePending() const override { return fusedPending_; }

    // w <- (1 - lr*wd)*w - lr*dyT*x in one GEMM: the same step as SGD's w -= lr*(g + wd*w),
    // without the gradient's 38 MB written, read and added.
    void applyFusedSgd(float lr, float weightDecay) override
    {
        if (!fusedPending_)
            return;
        check(dnnl_sgemm('T', 'N', units_, inputs_, batch_, -lr, savedDy_.data(), units_,
                         savedX_.data(), inputs_, 1.0f - lr * weightDecay, w_.data(), inputs_));
        fusedPending_ = false;
    }

    std::string implementation() const override
    {
        return implementationNames(
            {{"fwd", transposed_ ? "sgemm (transposed)" : fwdPd_.impl_info_str()},
             {"bwd-d", bwdDataPd_.impl_info_str()},
             {"bwd-w", bwdWPd_.impl_info_str()}});
    }

    int64_t workspaceBytes() const override
    {
        return static_cast<int64_t>((scratch_.size() + savedX_.capacity() + savedDy_.capacity()) *
                                    sizeof(float)) +
               largestScratchpad({&fwdPd_, &bwdDataPd_, &bwdWPd_});
    }

private:
    // |dW[j][k]| = |Σ_n dy[n][j]·x[n][k]| <= batch·max|dy|·max|x| and |db[j]| <= batch·max|dy|;
    // the GEMM's rounding adds a factor below 1 + batch·2⁻²⁴, far inside the margin to
    // FLT_MAX (3.4e38). A NaN or infinity in x or dy makes the bound infinite or NaN.
    bool gradientsBelowOverflow(const float *x, const float *dy) const
    {
        const double bound = static_cast<double>(batch_) * hostMaxAbs(dy, batch_ * units_) *
                             std::max(1.0f, hostMaxAbs(x, batch_ * inputs_));
        return bound < 1e36;
    }

    // Weight matrices from this many elements up use the transposed forward pass (when the
    // layer also has several times more units than the batch has samples).
    static constexpr int64_t kTransposedFrom = 1 << 20;

    // y = x·Wᵀ + b computed as scratch = W·xᵀ (units × batch), then transposed into y.
    void forwardTransposed(const float *x, float *y)
    {
        check(dnnl_sgemm('N', 'T', units_, batch_, inputs_, 1.0f, w_.data(), inputs_, x, inputs_,
                         0.0f, scratch_.data(), batch_));
        const float *bias = hasBias_ ? b_.data() : nullptr;
        const int64_t units = units_, batch = batch_;
        const float *t = scratch_.data();
#pragma omp parallel for schedule(static) if (units * batch > 65536)
        for (int64_t i = 0; i < batch; ++i)
            for (int64_t j = 0; j < units; ++j)
                y[i * units + j] = t[j * batch + i] + (bias ? bias[j] : 0.0f);
    }

    // db[j] = sum over the batch of dy[n][j] (oneDNN computes it beside the weight gradient,
    // which a fused step does not compute).
    void biasGradient(const float *dy)
    {
        float *db = db_.data();
        std::fill(db, db + units_, 0.0f);
        for (int64_t n = 0; n < batch_; ++n)
            for (int64_t j = 0; j < units_; ++j)
                db[j] += dy[n * units_ + j];
    }

    static void check(dnnl_status_t status)
    {
        if (status != dnnl_success)
            throw BackendError("oneDNN's GEMM failed in a Dense layer (status " +
                               std::to_string(static_cast<int>(status)) + ")");
    }

    CpuBackend &cpu_;
    Tensor w_, dw_, b_, db_;
    bool hasBias_;
    int64_t batch_ = 0, inputs_ = 0, units_ = 0;
    bool transposed_ = false;
    bool provenFinite_ = false; // by the last backward
    bool fusedAllowed_ = false, fusedPending_ = false;
    std::vector<float> savedX_, savedDy_; // the fused update's operands
    std::vector<float> scratch_;
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
    if (setup.precision == Precision::Bf16)
        return makeDenseCpuBf16(setup);
    return std::make_unique<DenseCpu>(setup);
}

} // namespace strata::internal
