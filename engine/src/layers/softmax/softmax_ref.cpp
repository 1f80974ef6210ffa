// Softmax as plain loops, kept for tests. The tensor is viewed as {outer, axis, inner}:
// outer is the batch, axis the softmax axis, inner the pixels (1 for a flat input).

#include "layers/softmax/softmax.h"

#include <algorithm>
#include <cmath>

namespace strata::internal {

namespace {

class SoftmaxReference final : public Kernel
{
public:
    explicit SoftmaxReference(const KernelSetup &s)
        : outer_(s.outputShape.at(0)), axis_(s.outputShape.at(1)),
          inner_(numel(s.outputShape) / (outer_ * axis_))
    {
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        const float *x = in[0]->data();
        float *y = out.data();
        for (int64_t o = 0; o < outer_; ++o)
            for (int64_t p = 0; p < inner_; ++p) {
                const int64_t base = o * axis_ * inner_ + p;
                // Subtracting the maximum keeps exp() finite for logits like 1000.
                float top = x[base];
                for (int64_t c = 1; c < axis_; ++c)
                    top = std::max(top, x[base + c * inner_]);
                double sum = 0;
                for (int64_t c = 0; c < axis_; ++c)
                    sum += std::exp(static_cast<double>(x[base + c * inner_]) - top);
                for (int64_t c = 0; c < axis_; ++c)
                    y[base + c * inner_] = static_cast<float>(
                        std::exp(static_cast<double>(x[base + c * inner_]) - top) / sum);
            }
    }

    // dx = y · (dy - Σ dy·y) over the axis.
    void backward(const std::vector<const Tensor *> &, const Tensor &out, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        const float *y = out.data();
        const float *g = gy.data();
        float *gx = gin[0]->data();
        for (int64_t o = 0; o < outer_; ++o)
            for (int64_t p = 0; p < inner_; ++p) {
                const int64_t base = o * axis_ * inner_ + p;
                double dot = 0;
                for (int64_t c = 0; c < axis_; ++c)
                    dot += static_cast<double>(g[base + c * inner_]) * y[base + c * inner_];
                for (int64_t c = 0; c < axis_; ++c) {
                    const int64_t i = base + c * inner_;
                    gx[i] = static_cast<float>(y[i] * (g[i] - dot));
                }
            }
    }

private:
    int64_t outer_, axis_, inner_;
};

} // namespace

std::unique_ptr<Kernel> makeSoftmaxReference(const KernelSetup &setup)
{
    return std::make_unique<SoftmaxReference>(setup);
}

} // namespace strata::internal
