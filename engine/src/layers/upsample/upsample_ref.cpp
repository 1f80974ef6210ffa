// Upsample as plain loops in double precision: the definition the oneDNN and CUDA kernels
// are checked against. Bilinear interpolation is separable: each output value mixes the
// four input pixels the row and column taps name (upsample.h).

#include "layers/upsample/upsample.h"

#include <vector>

namespace strata::internal {

namespace {

class UpsampleReference final : public Kernel
{
public:
    explicit UpsampleReference(const KernelSetup &s)
        : spec_(upsampleSpec(s.params)), planes_(s.inputShapes[0][0] * s.inputShapes[0][1]),
          inH_(s.inputShapes[0][2]), inW_(s.inputShapes[0][3]), outH_(inH_ * spec_.scaleH),
          outW_(inW_ * spec_.scaleW)
    {
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        const float *x = in[0]->data();
        float *y = out.data();
        for (int64_t p = 0; p < planes_; ++p)
            for (int64_t oy = 0; oy < outH_; ++oy)
                for (int64_t ox = 0; ox < outW_; ++ox) {
                    double v = 0;
                    forEachSource(oy, ox, [&](int64_t iy, int64_t ix, double weight) {
                        v += weight * x[(p * inH_ + iy) * inW_ + ix];
                    });
                    y[(p * outH_ + oy) * outW_ + ox] = static_cast<float>(v);
                }
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        const float *dy = gy.data();
        std::vector<double> dx(static_cast<size_t>(planes_ * inH_ * inW_), 0.0);
        for (int64_t p = 0; p < planes_; ++p)
            for (int64_t oy = 0; oy < outH_; ++oy)
                for (int64_t ox = 0; ox < outW_; ++ox) {
                    const double d = dy[(p * outH_ + oy) * outW_ + ox];
                    forEachSource(oy, ox, [&](int64_t iy, int64_t ix, double weight) {
                        dx[static_cast<size_t>((p * inH_ + iy) * inW_ + ix)] += weight * d;
                    });
                }
        for (size_t i = 0; i < dx.size(); ++i)
            gin[0]->data()[i] = static_cast<float>(dx[i]);
    }

private:
    // Calls f(iy, ix, weight) for the input pixels output (oy, ox) reads.
    template <typename F> void forEachSource(int64_t oy, int64_t ox, F f) const
    {
        if (!spec_.bilinear) {
            f(oy / spec_.scaleH, ox / spec_.scaleW, 1.0);
            return;
        }
        const BilinearTap r = bilinearTap(oy, spec_.scaleH, inH_);
        const BilinearTap c = bilinearTap(ox, spec_.scaleW, inW_);
        f(r.lo, c.lo, (1 - r.frac) * (1 - c.frac));
        f(r.lo, c.hi, (1 - r.frac) * c.frac);
        f(r.hi, c.lo, r.frac * (1 - c.frac));
        f(r.hi, c.hi, r.frac * c.frac);
    }

    UpsampleSpec spec_;
    int64_t planes_, inH_, inW_, outH_, outW_;
};

} // namespace

std::unique_ptr<Kernel> makeUpsampleReference(const KernelSetup &setup)
{
    return std::make_unique<UpsampleReference>(setup);
}

} // namespace strata::internal
