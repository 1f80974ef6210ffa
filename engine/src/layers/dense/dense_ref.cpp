#include "layers/dense/dense.h"

namespace strata::internal {

namespace {

class DenseReference final : public Kernel
{
public:
    explicit DenseReference(const KernelSetup &s)
        : w_(s.weights[0]), dw_(s.weightGrads[0]), hasBias_(s.weights.size() > 1)
    {
        if (hasBias_) {
            b_ = s.weights[1];
            db_ = s.weightGrads[1];
        }
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        const int64_t n = in[0]->dim(0), k = w_.dim(1), m = w_.dim(0);
        const float *x = in[0]->data();
        for (int64_t i = 0; i < n; ++i)
            for (int64_t o = 0; o < m; ++o) {
                double acc = hasBias_ ? b_.data()[o] : 0.0;
                for (int64_t j = 0; j < k; ++j)
                    acc += static_cast<double>(x[i * k + j]) * w_.data()[o * k + j];
                out.data()[i * m + o] = static_cast<float>(acc);
            }
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        const int64_t n = in[0]->dim(0), k = w_.dim(1), m = w_.dim(0);
        const float *x = in[0]->data();
        const float *g = gy.data();
        for (int64_t o = 0; o < m; ++o) {
            for (int64_t j = 0; j < k; ++j) {
                double acc = 0;
                for (int64_t i = 0; i < n; ++i)
                    acc += static_cast<double>(g[i * m + o]) * x[i * k + j];
                dw_.data()[o * k + j] = static_cast<float>(acc);
            }
            if (hasBias_) {
                double acc = 0;
                for (int64_t i = 0; i < n; ++i)
                    acc += g[i * m + o];
                db_.data()[o] = static_cast<float>(acc);
            }
        }
        if (gin[0])
            for (int64_t i = 0; i < n; ++i)
                for (int64_t j = 0; j < k; ++j) {
                    double acc = 0;
                    for (int64_t o = 0; o < m; ++o)
                        acc += static_cast<double>(g[i * m + o]) * w_.data()[o * k + j];
                    gin[0]->data()[i * k + j] = static_cast<float>(acc);
                }
    }

private:
    Tensor w_, dw_, b_, db_;
    bool hasBias_;
};

} // namespace

std::unique_ptr<Kernel> makeDenseReference(const KernelSetup &setup)
{
    return std::make_unique<DenseReference>(setup);
}

} // namespace strata::internal
