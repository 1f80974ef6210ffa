// The activations as plain loops, kept for tests. Backward uses the output, like the CPU
// kernel, so both agree on what the derivative at a kink is (ReLU at 0: the negative side).

#include "layers/activation/activation.h"

#include <cmath>

namespace strata::internal {

namespace {

class ActivationReference final : public Kernel
{
public:
    ActivationReference(ActivationKind kind, float alpha) : kind_(kind), alpha_(alpha) {}

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        const float *x = in[0]->data();
        float *y = out.data();
        const int64_t n = out.numel();
        for (int64_t i = 0; i < n; ++i)
            y[i] = apply(x[i]);
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &out, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        const float *y = out.data();
        const float *g = gy.data();
        float *gx = gin[0]->data();
        const int64_t n = out.numel();
        for (int64_t i = 0; i < n; ++i)
            gx[i] = g[i] * derivativeFromOutput(y[i]);
    }

private:
    float apply(float x) const
    {
        switch (kind_) {
        case ActivationKind::ReLU:
        case ActivationKind::LeakyReLU:
            return x > 0 ? x : alpha_ * x;
        case ActivationKind::Sigmoid:
            return 1.f / (1.f + std::exp(-x));
        case ActivationKind::Tanh:
            return std::tanh(x);
        }
        return 0;
    }

    // With alpha ≥ 0 the output is positive exactly when the input is, so the output alone
    // decides the ReLU branch.
    float derivativeFromOutput(float y) const
    {
        switch (kind_) {
        case ActivationKind::ReLU:
        case ActivationKind::LeakyReLU:
            return y > 0 ? 1.f : alpha_;
        case ActivationKind::Sigmoid:
            return y * (1.f - y);
        case ActivationKind::Tanh:
            return 1.f - y * y;
        }
        return 0;
    }

    ActivationKind kind_;
    float alpha_;
};

} // namespace

std::unique_ptr<Kernel> makeActivationReference(const KernelSetup &, ActivationKind kind,
                                                float alpha)
{
    return std::make_unique<ActivationReference>(kind, alpha);
}

} // namespace strata::internal
