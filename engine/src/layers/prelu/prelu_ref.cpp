// PReLU as plain loops, kept for tests. At 0 the input takes the negative side (slope·g), as
// PyTorch's does; the slope's gradient sums g·x over the non-positive inputs of its channel.

#include "layers/prelu/prelu.h"

namespace strata::internal {

namespace {

class PReluReference final : public Kernel
{
public:
    explicit PReluReference(const KernelSetup &s)
        : l_(preluLayout(s)), slope_(s.weights[0]), dSlope_(s.weightGrads[0])
    {
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        const float *x = in[0]->data();
        float *y = out.data();
        for (int64_t n = 0; n < l_.batch; ++n)
            for (int64_t c = 0; c < l_.channels; ++c) {
                const float a = slope_.data()[c];
                const int64_t base = (n * l_.channels + c) * l_.spatial;
                for (int64_t s = 0; s < l_.spatial; ++s)
                    y[base + s] = x[base + s] > 0 ? x[base + s] : a * x[base + s];
            }
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        const float *x = in[0]->data();
        const float *g = gy.data();
        for (int64_t c = 0; c < l_.channels; ++c) {
            const float a = slope_.data()[c];
            double acc = 0;
            for (int64_t n = 0; n < l_.batch; ++n) {
                const int64_t base = (n * l_.channels + c) * l_.spatial;
                for (int64_t s = 0; s < l_.spatial; ++s) {
                    const int64_t i = base + s;
                    if (x[i] <= 0)
                        acc += static_cast<double>(g[i]) * x[i];
                    if (gin[0])
                        gin[0]->data()[i] = x[i] > 0 ? g[i] : a * g[i];
                }
            }
            dSlope_.data()[c] = static_cast<float>(acc);
        }
    }

private:
    PReluLayout l_;
    Tensor slope_, dSlope_;
};

} // namespace

std::unique_ptr<Kernel> makePReluReference(const KernelSetup &setup)
{
    return std::make_unique<PReluReference>(setup);
}

} // namespace strata::internal
