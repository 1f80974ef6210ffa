// Pooling as plain loops: the definitions the oneDNN kernels are checked against.

#include "layers/pooling/pooling.h"

#include "layers/layer_util.h"

#include <algorithm>

namespace strata::internal {

namespace {

class Pool2DReference final : public Kernel
{
public:
    explicit Pool2DReference(const KernelSetup &s)
        : g_(poolWindow(s.inputShapes[0], s.params)), max_(s.node.type == "MaxPool2D"),
          countPad_(poolSpec(s.params).countIncludePad)
    {
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        const float *x = in[0]->data();
        forEachWindow([&](int64_t plane, int64_t o, const Span &rows, const Span &cols) {
            const float *p = x + plane * g_.rows.in * g_.cols.in;
            if (max_) {
                out.data()[o] = p[argmax(p, rows, cols)];
                return;
            }
            double sum = 0;
            for (int64_t y = rows.begin; y < rows.end; ++y)
                for (int64_t xx = cols.begin; xx < cols.end; ++xx)
                    sum += p[y * g_.cols.in + xx];
            out.data()[o] = static_cast<float>(sum / (rows.count * cols.count));
        });
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        float *dx = gin[0]->data();
        std::fill(dx, dx + gin[0]->numel(), 0.0f);
        const float *x = in[0]->data();
        forEachWindow([&](int64_t plane, int64_t o, const Span &rows, const Span &cols) {
            const int64_t offset = plane * g_.rows.in * g_.cols.in;
            if (max_) {
                dx[offset + argmax(x + offset, rows, cols)] += gy.data()[o];
                return;
            }
            const float share = static_cast<float>(gy.data()[o] / (rows.count * cols.count));
            for (int64_t y = rows.begin; y < rows.end; ++y)
                for (int64_t xx = cols.begin; xx < cols.end; ++xx)
                    dx[offset + y * g_.cols.in + xx] += share;
        });
    }

private:
    struct Span
    {
        int64_t begin, end; // the window's pixels inside the image: padding is left out
        double count;       // what an average divides by along this axis
    };

    // Window o along one axis. Counting padding counts the declared pads, never the
    // overhang of a ceil-mode window past them (as PyTorch and ONNX do).
    Span clip(const WindowAxis &a, int64_t o) const
    {
        const int64_t start = o * a.stride - a.padBefore;
        const int64_t begin = std::max<int64_t>(start, 0), end = std::min(start + a.kernel, a.in);
        const int64_t counted =
            countPad_ ? std::min(start + a.kernel, a.in + a.padAfter) - start : end - begin;
        return {begin, end, static_cast<double>(counted)};
    }

    // f(plane, outputIndex, rows, cols) for every window of every (sample, channel) plane.
    template <typename F> void forEachWindow(F f) const
    {
        int64_t o = 0;
        for (int64_t plane = 0; plane < g_.batch * g_.channels; ++plane)
            for (int64_t oy = 0; oy < g_.rows.out; ++oy)
                for (int64_t ox = 0; ox < g_.cols.out; ++ox)
                    f(plane, o++, clip(g_.rows, oy), clip(g_.cols, ox));
    }

    // Index within the plane of the window's largest value (the first one on ties).
    int64_t argmax(const float *p, const Span &rows, const Span &cols) const
    {
        int64_t best = rows.begin * g_.cols.in + cols.begin;
        for (int64_t y = rows.begin; y < rows.end; ++y)
            for (int64_t xx = cols.begin; xx < cols.end; ++xx)
                if (p[y * g_.cols.in + xx] > p[best])
                    best = y * g_.cols.in + xx;
        return best;
    }

    Window2D g_;
    bool max_;
    bool countPad_; // AvgPool2D's count_include_pad
};

class GlobalAvgPoolReference final : public Kernel
{
public:
    explicit GlobalAvgPoolReference(const KernelSetup &s)
        : planes_(s.inputShapes[0][0] * s.inputShapes[0][1]),
          pixels_(s.inputShapes[0][2] * s.inputShapes[0][3])
    {
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        for (int64_t p = 0; p < planes_; ++p) {
            double sum = 0;
            for (int64_t i = 0; i < pixels_; ++i)
                sum += in[0]->data()[p * pixels_ + i];
            out.data()[p] = static_cast<float>(sum / static_cast<double>(pixels_));
        }
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        for (int64_t p = 0; p < planes_; ++p) {
            const float share = static_cast<float>(gy.data()[p] / static_cast<double>(pixels_));
            std::fill(gin[0]->data() + p * pixels_, gin[0]->data() + (p + 1) * pixels_, share);
        }
    }

private:
    int64_t planes_, pixels_;
};

} // namespace

std::unique_ptr<Kernel> makePool2DReference(const KernelSetup &setup)
{
    return std::make_unique<Pool2DReference>(setup);
}

std::unique_ptr<Kernel> makeGlobalAvgPoolReference(const KernelSetup &setup)
{
    return std::make_unique<GlobalAvgPoolReference>(setup);
}

} // namespace strata::internal
