// Conv2D over one pixel as a Dense layer on the one tap that reads it: with x {N, C} and the
// tap's weights Wt {F, C} (gathered from Strata's {F, C, kh, kw} once per forward pass, as the
// optimizer changes them between steps), y = x·Wtᵀ + b, dx = dy·Wt, dWt = dyᵀ·x, and every
// other tap's gradient is 0. A one-pixel image has the same bytes in every channel block, so
// the kernel reads and writes any layout as plain.

#include "layers/conv2d/one_pixel_cpu.h"

#include "layers/conv2d/conv2d.h"
#include "layers/layer_util.h"
#include "strata/errors.h"

#include <dnnl.h>

#include <string>
#include <vector>

namespace strata::internal {

namespace {

// The index along one axis of the only tap that reads a one-pixel image (output pixel 0
// reads input pixel tap·dilation − padBefore), or -1 when no tap does.
int64_t onlyTap(const WindowAxis &a)
{
    if (a.padBefore % a.dilation != 0)
        return -1;
    const int64_t tap = a.padBefore / a.dilation;
    return tap < a.kernel ? tap : -1;
}

class Conv2DOnePixelCpu final : public Kernel
{
public:
    Conv2DOnePixelCpu(const KernelSetup &s, const Window2D &g, int64_t tap)
        : w_(s.weights[0]), dw_(s.weightGrads[0]), hasBias_(s.weights.size() > 1), batch_(g.batch),
          inputs_(g.channels), units_(intOf(s.params, "filters")),
          taps_(g.rows.kernel * g.cols.kernel), tap_(tap),
          wt_(static_cast<size_t>(units_ * inputs_)), dwt_(wt_.size())
    {
        if (hasBias_) {
            b_ = s.weights[1];
            db_ = s.weightGrads[1];
        }
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        const float *w = w_.data();
        const int64_t pairs = units_ * inputs_, taps = taps_, tap = tap_;
        float *wt = wt_.data();
#pragma omp parallel for schedule(static) if (pairs > 65536)
        for (int64_t i = 0; i < pairs; ++i)
            wt[i] = w[i * taps + tap];
        float *y = out.data();
        check(dnnl_sgemm('N', 'T', batch_, units_, inputs_, 1.0f, in[0]->data(), inputs_, wt,
                         inputs_, 0.0f, y, units_));
        if (hasBias_)
            for (int64_t n = 0; n < batch_; ++n)
                for (int64_t f = 0; f < units_; ++f)
                    y[n * units_ + f] += b_.data()[f];
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        const float *dy = gy.data();
        if (gin[0])
            check(dnnl_sgemm('N', 'N', batch_, inputs_, units_, 1.0f, dy, units_, wt_.data(),
                             inputs_, 0.0f, gin[0]->data(), inputs_));
        check(dnnl_sgemm('T', 'N', units_, inputs_, batch_, 1.0f, dy, units_, in[0]->data(),
                         inputs_, 0.0f, dwt_.data(), inputs_));
        const int64_t pairs = units_ * inputs_, taps = taps_, tap = tap_;
        const float *dwt = dwt_.data();
        float *dw = dw_.data();
#pragma omp parallel for schedule(static) if (pairs > 65536)
        for (int64_t i = 0; i < pairs; ++i)
            for (int64_t t = 0; t < taps; ++t)
                dw[i * taps + t] = t == tap ? dwt[i] : 0.0f;
        if (hasBias_) {
            float *db = db_.data();
            for (int64_t f = 0; f < units_; ++f)
                db[f] = 0.0f;
            for (int64_t n = 0; n < batch_; ++n)
                for (int64_t f = 0; f < units_; ++f)
                    db[f] += dy[n * units_ + f];
        }
    }

    std::string implementation() const override
    {
        return "sgemm (one pixel, one tap)";
    }

    int64_t workspaceBytes() const override
    {
        return static_cast<int64_t>((wt_.size() + dwt_.size()) * sizeof(float));
    }

private:
    static void check(dnnl_status_t status)
    {
        if (status != dnnl_success)
            throw BackendError("oneDNN's GEMM failed in a Conv2D layer on a 1×1 image (status " +
                               std::to_string(static_cast<int>(status)) + ")");
    }

    Tensor w_, dw_, b_, db_;
    bool hasBias_;
    int64_t batch_, inputs_, units_, taps_, tap_;
    std::vector<float> wt_, dwt_; // the tap's weights and their gradient, {F, C}
};

} // namespace

std::unique_ptr<Kernel> makeConv2DOnePixelCpu(const KernelSetup &setup)
{
    const Window2D g = window2D(setup.inputShapes[0], convWindow(setup.params));
    if (setup.precision != Precision::Fp32 || intOf(setup.params, "groups") != 1 ||
        g.rows.in != 1 || g.cols.in != 1 || g.rows.out != 1 || g.cols.out != 1)
        return nullptr;
    const int64_t row = onlyTap(g.rows), col = onlyTap(g.cols);
    if (row < 0 || col < 0)
        return nullptr;
    return std::make_unique<Conv2DOnePixelCpu>(setup, g, row * g.cols.kernel + col);
}

} // namespace strata::internal
