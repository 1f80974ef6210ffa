// GELU as a plain loop, kept for tests, in double precision:
//   y  = x · Φ(x),  Φ(x) = (1 + erf(x/√2)) / 2
//   y' = Φ(x) + x · φ(x),  φ(x) = exp(−x²/2) / √(2π)

#include "layers/gelu/gelu.h"

#include <cmath>
#include <numbers>

namespace strata::internal {

namespace {

double phi(double x) // the standard normal CDF
{
    return 0.5 * (1.0 + std::erf(x / std::numbers::sqrt2));
}

class GeluReference final : public Kernel
{
public:
    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        const float *x = in[0]->data();
        float *y = out.data();
        const int64_t n = out.numel();
        for (int64_t i = 0; i < n; ++i)
            y[i] = static_cast<float>(x[i] * phi(x[i]));
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        const double invSqrt2Pi = std::numbers::inv_sqrtpi / std::numbers::sqrt2;
        const float *x = in[0]->data();
        const float *g = gy.data();
        float *gx = gin[0]->data();
        const int64_t n = gy.numel();
        for (int64_t i = 0; i < n; ++i) {
            const double v = x[i];
            const double d = phi(v) + v * invSqrt2Pi * std::exp(-0.5 * v * v);
            gx[i] = static_cast<float>(g[i] * d);
        }
    }
};

} // namespace

std::unique_ptr<Kernel> makeGeluReference(const KernelSetup &)
{
    return std::make_unique<GeluReference>();
}

} // namespace strata::internal
