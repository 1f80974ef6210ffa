// Multiply and Subtract as plain loops, kept for tests, and the backward pass both host
// backends use.

#include "layers/arithmetic/arithmetic.h"

namespace strata::internal {

namespace {

// Input `port`'s value at output element (o, i) of the {outer, inner} view.
float at(const ArithmeticLayout &l, int port, const float *x, int64_t o, int64_t i)
{
    return l.perChannel[port] ? x[o] : x[o * l.inner + i];
}

class ArithmeticReference final : public Kernel
{
public:
    explicit ArithmeticReference(const KernelSetup &s)
        : op_(arithmeticOpOf(s.node)), layout_(s.inputShapes, s.outputShape)
    {
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        const float *a = in[0]->data(), *b = in[1]->data();
        for (int64_t o = 0; o < layout_.outer; ++o)
            for (int64_t i = 0; i < layout_.inner; ++i) {
                const float x = at(layout_, 0, a, o, i), y = at(layout_, 1, b, o, i);
                out.data()[o * layout_.inner + i] = op_ == ArithmeticOp::Multiply ? x * y : x - y;
            }
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        arithmeticBackward(op_, layout_, in, gy, gin);
    }

private:
    ArithmeticOp op_;
    ArithmeticLayout layout_;
};

} // namespace

void arithmeticBackward(ArithmeticOp op, const ArithmeticLayout &l,
                        const std::vector<const Tensor *> &in, const Tensor &gradOutput,
                        const std::vector<Tensor *> &gin)
{
    // d(a·b)/da = b, d(a − b)/da = 1 and d(a − b)/db = −1; a per-channel input receives the
    // sum over the pixels it was broadcast to.
    const float *dy = gradOutput.data();
    for (int port = 0; port < 2; ++port) {
        if (!gin[static_cast<size_t>(port)])
            continue;
        float *g = gin[static_cast<size_t>(port)]->data();
        const float *other = in[static_cast<size_t>(1 - port)]->data();
        const float sign = op == ArithmeticOp::Subtract && port == 1 ? -1.f : 1.f;
        for (int64_t o = 0; o < l.outer; ++o) {
            double sum = 0;
            for (int64_t i = 0; i < l.inner; ++i) {
                const int64_t k = o * l.inner + i;
                const float d = op == ArithmeticOp::Multiply ? dy[k] * at(l, 1 - port, other, o, i)
                                                             : sign * dy[k];
                if (l.perChannel[port])
                    sum += d;
                else
                    g[k] = d;
            }
            if (l.perChannel[port])
                g[o] = static_cast<float>(sum);
        }
    }
}

std::unique_ptr<Kernel> makeArithmeticReference(const KernelSetup &setup)
{
    return std::make_unique<ArithmeticReference>(setup);
}

} // namespace strata::internal
