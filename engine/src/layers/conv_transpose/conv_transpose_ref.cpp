// ConvTranspose2D as plain loops in double precision: the definition the oneDNN and CUDA
// kernels are checked against. Forward scatters each input pixel's taps into the full
// result; the cropped and padded output is a window of it (conv_transpose.h).

#include "layers/conv_transpose/conv_transpose.h"

#include "layers/layer_util.h"

#include <vector>

namespace strata::internal {

namespace {

class ConvTransposeReference final : public Kernel
{
public:
    explicit ConvTransposeReference(const KernelSetup &s)
        : g_(transposedWindow(s.params, s.inputShapes[0])), w_(s.weights[0]), dw_(s.weightGrads[0]),
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
        std::vector<double> y(static_cast<size_t>(out.numel()), 0.0);
        for (int64_t n = 0; n < g_.batch; ++n)
            for (int64_t f = 0; f < g_.filters; ++f)
                for (int64_t i = 0; i < g_.rows.out * g_.cols.out; ++i)
                    y[static_cast<size_t>(outIndex(n, f, i / g_.cols.out, i % g_.cols.out))] =
                        hasBias_ ? b_.data()[f] : 0.0;
        forEachTap([&](int64_t n, int64_t c, int64_t iy, int64_t ix, int64_t f, int64_t ky,
                       int64_t kx, int64_t oy, int64_t ox) {
            y[static_cast<size_t>(outIndex(n, f, oy, ox))] +=
                static_cast<double>(x[inIndex(n, c, iy, ix)]) * w_.data()[wIndex(c, f, ky, kx)];
        });
        for (size_t i = 0; i < y.size(); ++i)
            out.data()[i] = static_cast<float>(y[i]);
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        const float *x = in[0]->data();
        const float *dy = gy.data();
        std::vector<double> dw(static_cast<size_t>(w_.numel()), 0.0);
        std::vector<double> dx(gin[0] ? static_cast<size_t>(in[0]->numel()) : 0, 0.0);
        forEachTap([&](int64_t n, int64_t c, int64_t iy, int64_t ix, int64_t f, int64_t ky,
                       int64_t kx, int64_t oy, int64_t ox) {
            const double d = dy[outIndex(n, f, oy, ox)];
            const int64_t xi = inIndex(n, c, iy, ix), wi = wIndex(c, f, ky, kx);
            dw[static_cast<size_t>(wi)] += d * x[xi];
            if (gin[0])
                dx[static_cast<size_t>(xi)] += d * w_.data()[wi];
        });
        store(dw, dw_.data());
        if (gin[0])
            store(dx, gin[0]->data());
        if (!hasBias_)
            return;
        std::vector<double> db(static_cast<size_t>(g_.filters), 0.0);
        for (int64_t n = 0; n < g_.batch; ++n)
            for (int64_t f = 0; f < g_.filters; ++f)
                for (int64_t i = 0; i < g_.rows.out * g_.cols.out; ++i)
                    db[static_cast<size_t>(f)] +=
                        dy[outIndex(n, f, i / g_.cols.out, i % g_.cols.out)];
        store(db, db_.data());
    }

private:
    // Calls f(n, c, iy, ix, filter, ky, kx, oy, ox) for every tap of every input pixel that
    // lands inside the output: taps landing in the cropped padding contribute nothing.
    template <typename F> void forEachTap(F f) const
    {
        const int64_t k = g_.rows.kernel;
        for (int64_t n = 0; n < g_.batch; ++n)
            for (int64_t c = 0; c < g_.channels; ++c)
                for (int64_t iy = 0; iy < g_.rows.in; ++iy)
                    for (int64_t ix = 0; ix < g_.cols.in; ++ix)
                        for (int64_t ky = 0; ky < k; ++ky) {
                            const int64_t oy = iy * g_.rows.stride + ky - g_.rows.cropBefore;
                            if (oy < 0 || oy >= g_.rows.out)
                                continue;
                            for (int64_t kx = 0; kx < k; ++kx) {
                                const int64_t ox = ix * g_.cols.stride + kx - g_.cols.cropBefore;
                                if (ox < 0 || ox >= g_.cols.out)
                                    continue;
                                for (int64_t filter = 0; filter < g_.filters; ++filter)
                                    f(n, c, iy, ix, filter, ky, kx, oy, ox);
                            }
                        }
    }

    int64_t inIndex(int64_t n, int64_t c, int64_t y, int64_t x) const
    {
        return ((n * g_.channels + c) * g_.rows.in + y) * g_.cols.in + x;
    }
    int64_t outIndex(int64_t n, int64_t f, int64_t y, int64_t x) const
    {
        return ((n * g_.filters + f) * g_.rows.out + y) * g_.cols.out + x;
    }
    int64_t wIndex(int64_t c, int64_t f, int64_t y, int64_t x) const
    {
        return ((c * g_.filters + f) * g_.rows.kernel + y) * g_.cols.kernel + x;
    }

    static void store(const std::vector<double> &from, float *to)
    {
        for (size_t i = 0; i < from.size(); ++i)
            to[i] = static_cast<float>(from[i]);
    }

    TransposedWindow g_;
    Tensor w_, dw_, b_, db_;
    bool hasBias_;
};

} // namespace

std::unique_ptr<Kernel> makeConvTransposeReference(const KernelSetup &setup)
{
    return std::make_unique<ConvTransposeReference>(setup);
}

} // namespace strata::internal
