// LayerNorm and GroupNorm on the CPU: loops parallel over the rows of the batch (OpenMP).
// oneDNN 2.6 has layer normalization over the last axis only, with one scale per value of
// it, and no group normalization; one kernel over NormLayout covers both types and both
// LayerNorm forms. Statistics are accumulated in double; the values stay float. Backward
// recomputes the row statistics, then sums gamma's and beta's gradients per affine index,
// parallel over that index so that no two threads write the same sum.

#include "layers/norm/norm.h"

#include "core/profiler.h"

#include <cmath>
#include <vector>

namespace strata::internal {

namespace {

class NormCpu final : public Kernel
{
public:
    NormCpu(const KernelSetup &s, const NormLayout &l)
        : l_(l), gamma_(s.weights[0]), beta_(s.weights[1]), dGamma_(s.weightGrads[0]),
          dBeta_(s.weightGrads[1]), mean_(size_t(l.batch * l.rows)), invStd_(mean_.size())
    {
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        const float *x = in[0]->data();
        float *y = out.data();
        const float *gamma = gamma_.data(), *beta = beta_.data();
        const int64_t rows = l_.batch * l_.rows, count = l_.count();
#pragma omp parallel for schedule(static)
        for (int64_t nr = 0; nr < rows; ++nr) {
            const int64_t n = nr / l_.rows, r = nr % l_.rows;
            rowStats(x + n * l_.size, r, nr);
            const float mean = static_cast<float>(mean_[size_t(nr)]);
            const float invStd = static_cast<float>(invStd_[size_t(nr)]);
            for (int64_t k = 0; k < count; ++k) {
                const int64_t p = l_.position(r, k);
                const int64_t i = n * l_.size + p, a = p / l_.affineDiv;
                y[i] = gamma[a] * (x[i] - mean) * invStd + beta[a];
            }
        }
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        const float *x = in[0]->data(), *dy = gy.data(), *gamma = gamma_.data();
        float *dx = gin[0] ? gin[0]->data() : nullptr;
        const int64_t rows = l_.batch * l_.rows, count = l_.count();
        const double m = static_cast<double>(count);
#pragma omp parallel for schedule(static)
        for (int64_t nr = 0; nr < rows; ++nr) {
            const int64_t n = nr / l_.rows, r = nr % l_.rows;
            const float *xs = x + n * l_.size, *dys = dy + n * l_.size;
            rowStats(xs, r, nr);
            if (!dx)
                continue;
            const double mean = mean_[size_t(nr)], invStd = invStd_[size_t(nr)];
            double sumG = 0, sumGXhat = 0; // dL/dx̂ = dy·γ summed, and against x̂
            for (int64_t k = 0; k < count; ++k) {
                const int64_t p = l_.position(r, k);
                const double g = double(dys[p]) * gamma[p / l_.affineDiv];
                sumG += g;
                sumGXhat += g * (xs[p] - mean) * invStd;
            }
            float *dxs = dx + n * l_.size;
            for (int64_t k = 0; k < count; ++k) {
                const int64_t p = l_.position(r, k);
                const double g = double(dys[p]) * gamma[p / l_.affineDiv];
                const double xhat = (xs[p] - mean) * invStd;
                dxs[p] = static_cast<float>(invStd / m * (m * g - sumG - xhat * sumGXhat));
            }
        }
        // The values of affine index a are a·affineDiv + j (j < affineDiv) in every sample.
        const int64_t affine = l_.affineSize();
#pragma omp parallel for schedule(static)
        for (int64_t a = 0; a < affine; ++a) {
            double sumDy = 0, sumDyXhat = 0;
            for (int64_t n = 0; n < l_.batch; ++n)
                for (int64_t j = 0; j < l_.affineDiv; ++j) {
                    const int64_t p = a * l_.affineDiv + j, i = n * l_.size + p;
                    const size_t nr = size_t(n * l_.rows + l_.rowOf(p));
                    sumDy += dy[i];
                    sumDyXhat += dy[i] * (x[i] - mean_[nr]) * invStd_[nr];
                }
            dGamma_.data()[a] = static_cast<float>(sumDyXhat);
            dBeta_.data()[a] = static_cast<float>(sumDy);
        }
    }

    std::string implementation() const override
    {
        return implementationNames({{"fwd", "strata"}, {"bwd", "strata"}});
    }

    int64_t workspaceBytes() const override
    {
        return static_cast<int64_t>(2 * mean_.size() * sizeof(double));
    }

private:
    // Mean and 1/sqrt(variance + ε) of row r of one sample, into slot nr.
    void rowStats(const float *xs, int64_t r, int64_t nr)
    {
        const int64_t count = l_.count();
        double sum = 0, sq = 0;
        for (int64_t k = 0; k < count; ++k)
            sum += xs[l_.position(r, k)];
        const double mean = sum / static_cast<double>(count);
        for (int64_t k = 0; k < count; ++k) {
            const double d = xs[l_.position(r, k)] - mean;
            sq += d * d;
        }
        mean_[size_t(nr)] = mean;
        invStd_[size_t(nr)] = 1.0 / std::sqrt(sq / static_cast<double>(count) + l_.epsilon);
    }

    NormLayout l_;
    Tensor gamma_, beta_, dGamma_, dBeta_;
    std::vector<double> mean_, invStd_; // per row of the batch, from the last pass
};

} // namespace

std::unique_ptr<Kernel> makeNormCpu(const KernelSetup &setup, const NormLayout &layout)
{
    return std::make_unique<NormCpu>(setup, layout);
}

} // namespace strata::internal
