// The activations as plain loops, kept for tests. Where the output determines the derivative
// backward reads the output, like the CPU kernel, so both agree on what the derivative at a
// kink is (ReLU at 0: the negative side; Clip at a bound: 0, as PyTorch's Hardtanh).

#include "layers/activation/activation.h"

#include <algorithm>
#include <cmath>

namespace strata::internal {

namespace {

float sigmoid(float x)
{
    return 1.f / (1.f + std::exp(-x));
}

class ActivationReference final : public Kernel
{
public:
    explicit ActivationReference(ActivationFunction f) : f_(f) {}

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        const float *x = in[0]->data();
        float *y = out.data();
        const int64_t n = out.numel();
        for (int64_t i = 0; i < n; ++i)
            y[i] = apply(x[i]);
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        const float *x = in[0]->data();
        const float *y = out.data();
        const float *g = gy.data();
        float *gx = gin[0]->data();
        const int64_t n = out.numel();
        for (int64_t i = 0; i < n; ++i)
            gx[i] = g[i] * derivative(x[i], y[i]);
    }

private:
    float apply(float x) const
    {
        switch (f_.kind) {
        case ActivationKind::ReLU:
        case ActivationKind::LeakyReLU:
            return x > 0 ? x : f_.alpha * x;
        case ActivationKind::Sigmoid:
            return sigmoid(x);
        case ActivationKind::Tanh:
            return std::tanh(x);
        case ActivationKind::Clip:
            return std::min(std::max(x, f_.alpha), f_.beta);
        case ActivationKind::ELU:
            return x > 0 ? x : f_.alpha * std::expm1(x);
        case ActivationKind::SiLU:
            return x * sigmoid(x);
        case ActivationKind::Hardswish:
            return x * std::clamp(x + 3.f, 0.f, 6.f) / 6.f;
        case ActivationKind::Hardsigmoid:
            return std::clamp(x / 6.f + 0.5f, 0.f, 1.f);
        case ActivationKind::Softplus:
            return x > kSoftplusThreshold ? x : std::log1p(std::exp(x));
        }
        return 0;
    }

    // With alpha ≥ 0 the output of ReLU and ELU is positive exactly when the input is, so the
    // output alone decides their branch.
    float derivative(float x, float y) const
    {
        switch (f_.kind) {
        case ActivationKind::ReLU:
        case ActivationKind::LeakyReLU:
            return y > 0 ? 1.f : f_.alpha;
        case ActivationKind::Sigmoid:
            return y * (1.f - y);
        case ActivationKind::Tanh:
            return 1.f - y * y;
        case ActivationKind::Clip:
            return y > f_.alpha && y < f_.beta ? 1.f : 0.f;
        case ActivationKind::ELU:
            return y > 0 ? 1.f : y + f_.alpha;
        case ActivationKind::SiLU: {
            const float s = sigmoid(x);
            return s * (1.f + x * (1.f - s));
        }
        case ActivationKind::Hardswish:
            return x < -3.f ? 0.f : (x > 3.f ? 1.f : (2.f * x + 3.f) / 6.f);
        case ActivationKind::Hardsigmoid:
            return y > 0 && y < 1 ? 1.f / 6.f : 0.f;
        case ActivationKind::Softplus:
            return x > kSoftplusThreshold ? 1.f : sigmoid(x);
        }
        return 0;
    }

    ActivationFunction f_;
};

} // namespace

std::unique_ptr<Kernel> makeActivationReference(const KernelSetup &, ActivationFunction f)
{
    return std::make_unique<ActivationReference>(f);
}

} // namespace strata::internal
