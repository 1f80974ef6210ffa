// BatchNorm as plain loops in double precision: the definition the oneDNN kernel is checked
// against. Batch statistics are recomputed from the input in backward, so the kernel keeps
// no state besides the running statistics it updates.

#include "layers/batchnorm/batchnorm.h"

#include <cmath>
#include <vector>

namespace strata::internal {

namespace {

class BatchNormReference final : public Kernel
{
public:
    explicit BatchNormReference(const KernelSetup &s)
        : l_(batchNormLayout(s)), gamma_(s.weights[0]), beta_(s.weights[1]),
          runningMean_(s.weights[2]), runningVar_(s.weights[3]), dGamma_(s.weightGrads[0]),
          dBeta_(s.weightGrads[1])
    {
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &ctx) override
    {
        const float *x = in[0]->data();
        for (int64_t c = 0; c < l_.channels; ++c) {
            Stats st = ctx.training ? batchStats(x, c) : runningStats(c);
            const double invStd = 1.0 / std::sqrt(st.var + l_.epsilon);
            forEach(c, [&](int64_t i) {
                out.data()[i] = static_cast<float>(gamma_.data()[c] * (x[i] - st.mean) * invStd +
                                                   beta_.data()[c]);
            });
            if (ctx.training) {
                const double m = l_.momentum;
                const double unbiased = st.var * unbiasedFactor(count());
                runningMean_.data()[c] =
                    static_cast<float>(m * runningMean_.data()[c] + (1 - m) * st.mean);
                runningVar_.data()[c] =
                    static_cast<float>(m * runningVar_.data()[c] + (1 - m) * unbiased);
            }
        }
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &ctx) override
    {
        const float *x = in[0]->data();
        const float *dy = gy.data();
        for (int64_t c = 0; c < l_.channels; ++c) {
            const Stats st = ctx.training ? batchStats(x, c) : runningStats(c);
            const double invStd = 1.0 / std::sqrt(st.var + l_.epsilon);
            double sumDy = 0, sumDyXhat = 0;
            forEach(c, [&](int64_t i) {
                sumDy += dy[i];
                sumDyXhat += dy[i] * (x[i] - st.mean) * invStd;
            });
            dBeta_.data()[c] = static_cast<float>(sumDy);
            dGamma_.data()[c] = static_cast<float>(sumDyXhat);
            if (!gin[0])
                continue;
            const double g = gamma_.data()[c];
            const double m = static_cast<double>(count());
            forEach(c, [&](int64_t i) {
                if (!ctx.training) { // the running statistics are constants
                    gin[0]->data()[i] = static_cast<float>(g * invStd * dy[i]);
                    return;
                }
                // Through the batch mean and variance as well: the standard BN backward.
                const double xhat = (x[i] - st.mean) * invStd;
                gin[0]->data()[i] =
                    static_cast<float>(g * invStd / m * (m * dy[i] - sumDy - xhat * sumDyXhat));
            });
        }
    }

private:
    struct Stats
    {
        double mean, var; // var is the biased variance, the one that normalises
    };

    int64_t count() const { return l_.batch * l_.spatial; }

    // f(index) for every value of channel c.
    template <typename F> void forEach(int64_t c, F f) const
    {
        for (int64_t n = 0; n < l_.batch; ++n)
            for (int64_t s = 0; s < l_.spatial; ++s)
                f((n * l_.channels + c) * l_.spatial + s);
    }

    Stats batchStats(const float *x, int64_t c) const
    {
        double sum = 0, sq = 0;
        forEach(c, [&](int64_t i) { sum += x[i]; });
        const double mean = sum / static_cast<double>(count());
        forEach(c, [&](int64_t i) { sq += (x[i] - mean) * (x[i] - mean); });
        return {mean, sq / static_cast<double>(count())};
    }

    Stats runningStats(int64_t c) const { return {runningMean_.data()[c], runningVar_.data()[c]}; }

    BatchNormLayout l_;
    Tensor gamma_, beta_, runningMean_, runningVar_, dGamma_, dBeta_;
};

} // namespace

std::unique_ptr<Kernel> makeBatchNormReference(const KernelSetup &setup)
{
    return std::make_unique<BatchNormReference>(setup);
}

} // namespace strata::internal
