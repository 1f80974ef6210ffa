// Conv2D as plain loops in double precision: the definition the oneDNN kernel is checked
// against, written for clarity rather than speed.

#include "layers/conv2d/conv2d.h"

#include "layers/layer_util.h"

#include <vector>

namespace strata::internal {

namespace {

class Conv2DReference final : public Kernel
{
public:
    explicit Conv2DReference(const KernelSetup &s)
        : g_(window2D(s.inputShapes[0], convWindow(s.params))),
          filters_(intOf(s.params, "filters")), groups_(intOf(s.params, "groups")),
          perGroup_(g_.channels / groups_), w_(s.weights[0]), dw_(s.weightGrads[0]),
          hasBias_(s.weights.size() > 1)
    {
        if (hasBias_) {
            b_ = s.weights[1];
            db_ = s.weightGrads[1];
        }
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        const float *x = in[0]->data();
        float *y = out.data();
        for (int64_t n = 0; n < g_.batch; ++n)
            for (int64_t f = 0; f < filters_; ++f)
                for (int64_t oy = 0; oy < g_.rows.out; ++oy)
                    for (int64_t ox = 0; ox < g_.cols.out; ++ox) {
                        double acc = hasBias_ ? b_.data()[f] : 0.0;
                        forEachTap(f, oy, ox,
                                   [&](int64_t c, int64_t ky, int64_t kx, int64_t iy, int64_t ix) {
                                       acc += static_cast<double>(x[inIndex(n, c, iy, ix)]) *
                                              w_.data()[wIndex(f, c, ky, kx)];
                                   });
                        y[outIndex(n, f, oy, ox)] = static_cast<float>(acc);
                    }
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        const float *x = in[0]->data();
        const float *dy = gy.data();
        std::vector<double> dw(static_cast<size_t>(w_.numel()), 0.0);
        std::vector<double> dx(gin[0] ? static_cast<size_t>(in[0]->numel()) : 0, 0.0);
        std::vector<double> db(static_cast<size_t>(filters_), 0.0);
        for (int64_t n = 0; n < g_.batch; ++n)
            for (int64_t f = 0; f < filters_; ++f)
                for (int64_t oy = 0; oy < g_.rows.out; ++oy)
                    for (int64_t ox = 0; ox < g_.cols.out; ++ox) {
                        const double d = dy[outIndex(n, f, oy, ox)];
                        db[static_cast<size_t>(f)] += d;
                        forEachTap(f, oy, ox,
                                   [&](int64_t c, int64_t ky, int64_t kx, int64_t iy, int64_t ix) {
                                       const int64_t xi = inIndex(n, c, iy, ix),
                                                     wi = wIndex(f, c, ky, kx);
                                       dw[static_cast<size_t>(wi)] += d * x[xi];
                                       if (gin[0])
                                           dx[static_cast<size_t>(xi)] += d * w_.data()[wi];
                                   });
                    }
        store(dw, dw_.data());
        if (hasBias_)
            store(db, db_.data());
        if (gin[0])
            store(dx, gin[0]->data());
    }

private:
    // Calls f(c, ky, kx, iy, ix) for every tap of filter `filter` at output (oy, ox) that
    // lands inside the image, over the input channels c of the filter's group: taps over the
    // padding contribute zero.
    template <typename F> void forEachTap(int64_t filter, int64_t oy, int64_t ox, F f) const
    {
        const int64_t kh = g_.rows.kernel, kw = g_.cols.kernel;
        const int64_t first = filter / (filters_ / groups_) * perGroup_;
        for (int64_t c = first; c < first + perGroup_; ++c)
            for (int64_t ky = 0; ky < kh; ++ky) {
                const int64_t iy = oy * g_.rows.stride - g_.rows.padBefore + ky * g_.rows.dilation;
                if (iy < 0 || iy >= g_.rows.in)
                    continue;
                for (int64_t kx = 0; kx < kw; ++kx) {
                    const int64_t ix =
                        ox * g_.cols.stride - g_.cols.padBefore + kx * g_.cols.dilation;
                    if (ix >= 0 && ix < g_.cols.in)
                        f(c, ky, kx, iy, ix);
                }
            }
    }

    int64_t inIndex(int64_t n, int64_t c, int64_t y, int64_t x) const
    {
        return ((n * g_.channels + c) * g_.rows.in + y) * g_.cols.in + x;
    }
    int64_t outIndex(int64_t n, int64_t f, int64_t y, int64_t x) const
    {
        return ((n * filters_ + f) * g_.rows.out + y) * g_.cols.out + x;
    }
    // c: the input channel; the weight holds the perGroup_ channels of the filter's group.
    int64_t wIndex(int64_t f, int64_t c, int64_t y, int64_t x) const
    {
        return ((f * perGroup_ + c % perGroup_) * g_.rows.kernel + y) * g_.cols.kernel + x;
    }

    static void store(const std::vector<double> &from, float *to)
    {
        for (size_t i = 0; i < from.size(); ++i)
            to[i] = static_cast<float>(from[i]);
    }

    Window2D g_;
    int64_t filters_, groups_, perGroup_;
    Tensor w_, dw_, b_, db_;
    bool hasBias_;
};

} // namespace

std::unique_ptr<Kernel> makeConv2DReference(const KernelSetup &setup)
{
    return std::make_unique<Conv2DReference>(setup);
}

} // namespace strata::internal
