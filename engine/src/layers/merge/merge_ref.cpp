// Add and Concat as plain loops, kept for tests, and the backward passes both backends use.

#include "layers/merge/merge.h"

#include "layers/layer_util.h"

#include <cstring>

namespace strata::internal {

ConcatLayout::ConcatLayout(const std::vector<Shape> &inputShapes) : outer(inputShapes.at(0).at(0))
{
    for (const Shape &s : inputShapes) {
        blocks.push_back(numel(s) / outer);
        total += blocks.back();
    }
}

void addBackward(const Tensor &gradOutput, const std::vector<Tensor *> &gin)
{
    // d(a + b)/da = 1: every input receives the output gradient unchanged.
    for (Tensor *g : gin)
        if (g)
            copyTensor(gradOutput, *g);
}

void concatBackward(const ConcatLayout &layout, const Tensor &gradOutput,
                    const std::vector<Tensor *> &gin)
{
    int64_t offset = 0; // of input i's block within one sample of the output
    for (size_t i = 0; i < gin.size(); ++i) {
        const int64_t block = layout.blocks[i];
        if (gin[i])
            for (int64_t o = 0; o < layout.outer; ++o)
                std::memcpy(gin[i]->data() + o * block,
                            gradOutput.data() + o * layout.total + offset,
                            sizeof(float) * static_cast<size_t>(block));
        offset += block;
    }
}

namespace {

class AddReference final : public Kernel
{
public:
    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        float *y = out.data();
        const int64_t n = out.numel();
        copyTensor(*in[0], out);
        for (size_t i = 1; i < in.size(); ++i) {
            const float *x = in[i]->data();
            for (int64_t j = 0; j < n; ++j)
                y[j] += x[j];
        }
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        addBackward(gy, gin);
    }
};

class ConcatReference final : public Kernel
{
public:
    explicit ConcatReference(const KernelSetup &s) : layout_(s.inputShapes) {}

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        int64_t offset = 0;
        for (size_t i = 0; i < in.size(); ++i) {
            const int64_t block = layout_.blocks[i];
            for (int64_t o = 0; o < layout_.outer; ++o)
                for (int64_t j = 0; j < block; ++j)
                    out.data()[o * layout_.total + offset + j] = in[i]->data()[o * block + j];
            offset += block;
        }
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        concatBackward(layout_, gy, gin);
    }

private:
    ConcatLayout layout_;
};

} // namespace

std::unique_ptr<Kernel> makeAddReference(const KernelSetup &)
{
    return std::make_unique<AddReference>();
}

std::unique_ptr<Kernel> makeConcatReference(const KernelSetup &setup)
{
    return std::make_unique<ConcatReference>(setup);
}

} // namespace strata::internal
