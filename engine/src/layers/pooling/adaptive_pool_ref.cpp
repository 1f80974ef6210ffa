// AdaptiveAvgPool2D as plain loops in double precision: the definition its oneDNN, loop and
// CUDA kernels are checked against.

#include "layers/pooling/pooling.h"

#include <algorithm>

namespace strata::internal {

namespace {

class AdaptiveAvgPoolReference final : public Kernel
{
public:
    explicit AdaptiveAvgPoolReference(const KernelSetup &s)
        : w_(adaptiveWindow(s.inputShapes[0], s.params))
    {
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        const float *x = in[0]->data();
        forEachWindow([&](int64_t plane, int64_t o, int64_t oy, int64_t ox) {
            const float *p = x + plane * w_.rows.in * w_.cols.in;
            double sum = 0;
            for (int64_t y = w_.rows.begin(oy); y < w_.rows.end(oy); ++y)
                for (int64_t xx = w_.cols.begin(ox); xx < w_.cols.end(ox); ++xx)
                    sum += p[y * w_.cols.in + xx];
            out.data()[o] = static_cast<float>(sum / count(oy, ox));
        });
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        // Uneven windows overlap: a pixel sums the shares of every window covering it.
        std::vector<double> dx(static_cast<size_t>(gin[0]->numel()), 0.0);
        forEachWindow([&](int64_t plane, int64_t o, int64_t oy, int64_t ox) {
            const int64_t offset = plane * w_.rows.in * w_.cols.in;
            const double share = gy.data()[o] / count(oy, ox);
            for (int64_t y = w_.rows.begin(oy); y < w_.rows.end(oy); ++y)
                for (int64_t xx = w_.cols.begin(ox); xx < w_.cols.end(ox); ++xx)
                    dx[static_cast<size_t>(offset + y * w_.cols.in + xx)] += share;
        });
        std::transform(dx.begin(), dx.end(), gin[0]->data(),
                       [](double v) { return static_cast<float>(v); });
    }

private:
    double count(int64_t oy, int64_t ox) const
    {
        return double(w_.rows.end(oy) - w_.rows.begin(oy)) *
               double(w_.cols.end(ox) - w_.cols.begin(ox));
    }

    // f(plane, outputIndex, oy, ox) for every window of every (sample, channel) plane.
    template <typename F> void forEachWindow(F f) const
    {
        int64_t o = 0;
        for (int64_t plane = 0; plane < w_.batch * w_.channels; ++plane)
            for (int64_t oy = 0; oy < w_.rows.out; ++oy)
                for (int64_t ox = 0; ox < w_.cols.out; ++ox)
                    f(plane, o++, oy, ox);
    }

    AdaptiveWindow w_;
};

} // namespace

std::unique_ptr<Kernel> makeAdaptiveAvgPoolReference(const KernelSetup &setup)
{
    return std::make_unique<AdaptiveAvgPoolReference>(setup);
}

} // namespace strata::internal
