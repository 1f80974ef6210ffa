// The family's reference kernel: one loop over the output, the input index counted axis by
// axis, kept for tests (the oneDNN and CUDA copies are checked against it).

#include "layers/reshape/reshape.h"

#include <algorithm>

namespace strata::internal {

namespace {

class StridedCopyReference final : public Kernel
{
public:
    explicit StridedCopyReference(StridedCopy copy) : copy_(std::move(copy)) {}

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        const float *x = in[0]->data();
        float *y = out.data();
        visit([&](int64_t o, int64_t i) { y[o] = x[i]; });
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        float *gx = gin[0]->data();
        const float *g = gy.data();
        if (!copy_.coversInput)
            std::fill(gx, gx + gin[0]->numel(), 0.f);
        visit([&](int64_t o, int64_t i) { gx[i] = g[o]; });
    }

private:
    // Calls f(output index, input index) for every output element in order.
    template <typename F> void visit(F f) const
    {
        const size_t rank = copy_.dims.size();
        int64_t total = 1;
        for (int64_t d : copy_.dims)
            total *= d;
        std::vector<int64_t> index(rank, 0);
        int64_t from = copy_.offset;
        for (int64_t o = 0; o < total; ++o) {
            f(o, from);
            for (size_t a = rank; a-- > 0;) { // the odometer: last axis fastest
                from += copy_.strides[a];
                if (++index[a] < copy_.dims[a])
                    break;
                from -= copy_.strides[a] * copy_.dims[a];
                index[a] = 0;
            }
        }
    }

    StridedCopy copy_;
};

} // namespace

std::unique_ptr<Kernel> makeStridedCopyReference(StridedCopy copy)
{
    return std::make_unique<StridedCopyReference>(std::move(copy));
}

} // namespace strata::internal
