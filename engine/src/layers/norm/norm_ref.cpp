// LayerNorm and GroupNorm as plain loops in double precision: the definition the fast
// kernels are checked against. Backward recomputes the statistics from its input.

#include "layers/norm/norm.h"

#include <cmath>
#include <vector>

namespace strata::internal {

namespace {

class NormReference final : public Kernel
{
public:
    NormReference(const KernelSetup &s, const NormLayout &l)
        : l_(l), gamma_(s.weights[0]), beta_(s.weights[1]), dGamma_(s.weightGrads[0]),
          dBeta_(s.weightGrads[1])
    {
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        for (int64_t n = 0; n < l_.batch; ++n) {
            const float *x = in[0]->data() + n * l_.size;
            float *y = out.data() + n * l_.size;
            const Stats st = stats(x);
            for (int64_t p = 0; p < l_.size; ++p) {
                const int64_t r = l_.rowOf(p), a = p / l_.affineDiv;
                y[p] = static_cast<float>(gamma_.data()[a] * (x[p] - st.mean[r]) * st.invStd[r] +
                                          beta_.data()[a]);
            }
        }
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        std::vector<double> dGamma(size_t(l_.affineSize()), 0.0), dBeta(dGamma);
        const double m = static_cast<double>(l_.count());
        for (int64_t n = 0; n < l_.batch; ++n) {
            const float *x = in[0]->data() + n * l_.size;
            const float *dy = gy.data() + n * l_.size;
            const Stats st = stats(x);
            // dL/dx̂ = dy·γ; its sum and its sum against x̂, per row.
            std::vector<double> sumG(size_t(l_.rows), 0.0), sumGXhat(sumG);
            for (int64_t p = 0; p < l_.size; ++p) {
                const int64_t r = l_.rowOf(p), a = p / l_.affineDiv;
                const double xhat = (x[p] - st.mean[r]) * st.invStd[r];
                const double g = dy[p] * static_cast<double>(gamma_.data()[a]);
                sumG[r] += g;
                sumGXhat[r] += g * xhat;
                dGamma[a] += dy[p] * xhat;
                dBeta[a] += dy[p];
            }
            if (!gin[0])
                continue;
            float *dx = gin[0]->data() + n * l_.size;
            for (int64_t p = 0; p < l_.size; ++p) {
                const int64_t r = l_.rowOf(p), a = p / l_.affineDiv;
                const double xhat = (x[p] - st.mean[r]) * st.invStd[r];
                const double g = dy[p] * static_cast<double>(gamma_.data()[a]);
                dx[p] =
                    static_cast<float>(st.invStd[r] / m * (m * g - sumG[r] - xhat * sumGXhat[r]));
            }
        }
        for (int64_t a = 0; a < l_.affineSize(); ++a) {
            dGamma_.data()[a] = static_cast<float>(dGamma[a]);
            dBeta_.data()[a] = static_cast<float>(dBeta[a]);
        }
    }

private:
    struct Stats
    {
        std::vector<double> mean, invStd; // per row; the variance is the biased one
    };

    Stats stats(const float *x) const
    {
        const size_t rows = size_t(l_.rows);
        std::vector<double> sum(rows, 0.0), sq(rows, 0.0);
        const double m = static_cast<double>(l_.count());
        for (int64_t p = 0; p < l_.size; ++p)
            sum[l_.rowOf(p)] += x[p];
        for (double &s : sum)
            s /= m;
        for (int64_t p = 0; p < l_.size; ++p) {
            const double d = x[p] - sum[l_.rowOf(p)];
            sq[l_.rowOf(p)] += d * d;
        }
        for (double &v : sq)
            v = 1.0 / std::sqrt(v / m + l_.epsilon);
        return {std::move(sum), std::move(sq)};
    }

    NormLayout l_;
    Tensor gamma_, beta_, dGamma_, dBeta_;
};

} // namespace

std::unique_ptr<Kernel> makeNormReference(const KernelSetup &setup, const NormLayout &layout)
{
    return std::make_unique<NormReference>(setup, layout);
}

} // namespace strata::internal
