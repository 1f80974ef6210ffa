// AdaptiveAvgPool2D with uneven windows on the CPU (oneDNN has no adaptive pooling; even
// windows are its ordinary average pool, see makeAdaptiveAvgPoolCpu in pooling_cpu.cpp). A
// rectangle's mean is the mean over its rows of the means over its columns, so each pass is
// one axis: the columns into an N·C·H·OW buffer kept from forward to backward's reuse, then
// the rows. That reads each pixel once per window covering it along one axis, where the
// direct loop reads it once per window covering it in both. Planes run in parallel.

#include "layers/pooling/pooling.h"

#include <algorithm>

namespace strata::internal {

namespace {

class AdaptiveAvgPoolLoops final : public Kernel
{
public:
    explicit AdaptiveAvgPoolLoops(const KernelSetup &s)
        : w_(adaptiveWindow(s.inputShapes[0], s.params)),
          between_(Shape{w_.batch * w_.channels, w_.rows.in, w_.cols.out})
    {
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        const AdaptiveAxis rows = w_.rows, cols = w_.cols;
        const int64_t planes = w_.batch * w_.channels;
        const float *x = in[0]->data();
        float *mid = between_.data(), *y = out.data();
#pragma omp parallel for schedule(static) if (planes * rows.in * cols.in > 32768)
        for (int64_t p = 0; p < planes; ++p) {
            const float *xp = x + p * rows.in * cols.in;
            float *mp = mid + p * rows.in * cols.out;
            for (int64_t r = 0; r < rows.in; ++r)
                for (int64_t j = 0; j < cols.out; ++j) {
                    float sum = 0;
                    for (int64_t c = cols.begin(j); c < cols.end(j); ++c)
                        sum += xp[r * cols.in + c];
                    mp[r * cols.out + j] = sum / float(cols.end(j) - cols.begin(j));
                }
            float *yp = y + p * rows.out * cols.out;
            for (int64_t i = 0; i < rows.out; ++i) {
                float *yr = yp + i * cols.out;
                std::fill(yr, yr + cols.out, 0.0f);
                for (int64_t r = rows.begin(i); r < rows.end(i); ++r)
                    for (int64_t j = 0; j < cols.out; ++j)
                        yr[j] += mp[r * cols.out + j];
                const float n = float(rows.end(i) - rows.begin(i));
                for (int64_t j = 0; j < cols.out; ++j)
                    yr[j] /= n;
            }
        }
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        const AdaptiveAxis rows = w_.rows, cols = w_.cols;
        const int64_t planes = w_.batch * w_.channels;
        const float *dy = gy.data();
        float *mid = between_.data(), *dx = gin[0]->data();
#pragma omp parallel for schedule(static) if (planes * rows.in * cols.in > 32768)
        for (int64_t p = 0; p < planes; ++p) {
            // The rows' pass back: each row gets the share of every window covering it.
            float *mp = mid + p * rows.in * cols.out;
            std::fill(mp, mp + rows.in * cols.out, 0.0f);
            const float *gp = dy + p * rows.out * cols.out;
            for (int64_t i = 0; i < rows.out; ++i) {
                const float n = float(rows.end(i) - rows.begin(i));
                for (int64_t r = rows.begin(i); r < rows.end(i); ++r)
                    for (int64_t j = 0; j < cols.out; ++j)
                        mp[r * cols.out + j] += gp[i * cols.out + j] / n;
            }
            // Then the columns'.
            float *xp = dx + p * rows.in * cols.in;
            std::fill(xp, xp + rows.in * cols.in, 0.0f);
            for (int64_t r = 0; r < rows.in; ++r)
                for (int64_t j = 0; j < cols.out; ++j) {
                    const float share = mp[r * cols.out + j] / float(cols.end(j) - cols.begin(j));
                    for (int64_t c = cols.begin(j); c < cols.end(j); ++c)
                        xp[r * cols.in + c] += share;
                }
        }
    }

    int64_t workspaceBytes() const override
    {
        return between_.numel() * static_cast<int64_t>(sizeof(float));
    }

private:
    AdaptiveWindow w_;
    Tensor between_; // the column means (forward), their gradient (backward)
};

} // namespace

std::unique_ptr<Kernel> makeAdaptiveAvgPoolLoops(const KernelSetup &setup)
{
    return std::make_unique<AdaptiveAvgPoolLoops>(setup);
}

} // namespace strata::internal
