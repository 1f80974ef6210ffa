#include "backends/host_backend.h"

#include <algorithm>
#include <cmath>

namespace strata::internal {

namespace {

class HostLoss final : public LossKernel
{
public:
    explicit HostLoss(const LossSetup &setup) : setup_(setup) {}

    void compute(const Tensor &output, const Tensor &labels, Tensor *grad) override
    {
        const int64_t n = output.dim(0);
        const int64_t k = output.numel() / n;
        const float *o = output.data();
        const float *y = labels.data();
        float *g = grad ? grad->data() : nullptr;
        std::vector<float> p(static_cast<size_t>(k));
        for (int64_t i = 0; i < n; ++i) {
            const float *row = o + i * k;
            const int label = static_cast<int>(y[i]);
            float *grow = g ? g + i * k : nullptr;
            switch (setup_.kind) {
            case LossKind::CrossEntropy:
                totals_.lossSum += crossEntropy(row, k, label, p.data());
                if (grow)
                    for (int64_t c = 0; c < k; ++c)
                        grow[c] = (p[c] - (c == label ? 1.0f : 0.0f)) / static_cast<float>(n);
                totals_.correct += argmax(row, k) == label;
                break;
            case LossKind::BinaryCrossEntropy: {
                double sum = 0;
                for (int64_t c = 0; c < k; ++c) {
                    const float t = target(label, c, k);
                    // Probabilities come straight from a fused Sigmoid; otherwise the output
                    // is a logit. Either way the gradient w.r.t. the logit is p - t.
                    float z = row[c];
                    float pc = setup_.fusedWithActivation ? z : 1.0f / (1.0f + std::exp(-z));
                    if (setup_.fusedWithActivation) {
                        const float eps = 1e-7f;
                        float pcl = std::clamp(pc, eps, 1.0f - eps);
                        sum += -(t * std::log(pcl) + (1 - t) * std::log(1 - pcl));
                    } else {
                        // log(1 + e^-|z|) + max(z, 0) - z t: stable for any z.
                        sum += std::log1p(std::exp(-std::fabs(z))) + std::max(z, 0.0f) - z * t;
                    }
                    if (grow)
                        grow[c] = (pc - t) / static_cast<float>(n * k);
                    p[c] = pc;
                }
                totals_.lossSum += sum / static_cast<double>(k);
                const int predicted = k == 1 ? (p[0] > 0.5f ? 1 : 0) : argmax(p.data(), k);
                totals_.correct += predicted == label;
                break;
            }
            case LossKind::MeanSquaredError: {
                double sum = 0;
                for (int64_t c = 0; c < k; ++c) {
                    const float d = row[c] - target(label, c, k);
                    sum += static_cast<double>(d) * d;
                    if (grow)
                        grow[c] = 2.0f * d / static_cast<float>(n * k);
                }
                totals_.lossSum += sum / static_cast<double>(k);
                const int predicted = k == 1 ? (row[0] > 0.5f ? 1 : 0) : argmax(row, k);
                totals_.correct += predicted == label;
                break;
            }
            }
        }
        totals_.count += n;
    }

    LossTotals takeTotals() override
    {
        LossTotals t = totals_;
        totals_ = {};
        return t;
    }

private:
    // Single-output models treat the label itself as the target (the OR gate); wider
    // outputs take the one-hot encoding of the label.
    static float target(int label, int64_t c, int64_t k)
    {
        if (k == 1)
            return static_cast<float>(label);
        return c == label ? 1.0f : 0.0f;
    }

    static int argmax(const float *row, int64_t k)
    {
        return static_cast<int>(std::max_element(row, row + k) - row);
    }

    // Returns -log p[label]; leaves the probabilities in p.
    double crossEntropy(const float *row, int64_t k, int label, float *p) const
    {
        if (setup_.fusedWithActivation) {
            std::copy(row, row + k, p);
            return -std::log(std::max(static_cast<double>(row[label]), 1e-12));
        }
        const float mx = *std::max_element(row, row + k);
        double sum = 0;
        for (int64_t c = 0; c < k; ++c)
            sum += std::exp(static_cast<double>(row[c] - mx));
        for (int64_t c = 0; c < k; ++c)
            p[c] = static_cast<float>(std::exp(static_cast<double>(row[c] - mx)) / sum);
        return -(static_cast<double>(row[label] - mx) - std::log(sum));
    }

    LossSetup setup_;
    LossTotals totals_;
};

} // namespace

std::unique_ptr<LossKernel> makeHostLoss(const LossSetup &setup)
{
    return std::make_unique<HostLoss>(setup);
}

} // namespace strata::internal
