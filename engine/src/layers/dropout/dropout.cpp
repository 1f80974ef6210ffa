// Dropout (inverted): in training each element is kept with probability 1 - rate and scaled
// by 1 / (1 - rate), so inference is the identity and needs no rescaling. The mask comes from
// the network's dropout stream, one draw per element in element order, so a seeded run (and a
// resumed checkpoint) reproduces it exactly. The CPU and reference backends share this one
// implementation so their masks match bit for bit.

#include "layers/dropout/dropout.h"
#include "core/layer_impl.h"
#include "layers/layer_util.h"

#include <stdexcept>

namespace strata::internal {

#ifdef STRATA_WITH_CUDA
std::unique_ptr<Kernel> makeDropoutCuda(const KernelSetup &setup); // dropout_cuda.cpp
#endif

namespace {

void requireRateBelowOne(const Node &node, double rate)
{
    if (rate >= 1)
        throw ShapeError(node.id, describe(node) + ": parameter 'rate' must be below 1 (a rate "
                                                   "of 1 drops every value); try 0.5");
}

class DropoutKernel final : public Kernel
{
public:
    explicit DropoutKernel(const KernelSetup &s)
        : rate_(floatOf(s.params, "rate")), mask_(static_cast<size_t>(numel(s.outputShape)))
    {
        requireRateBelowOne(s.node, rate_);
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &ctx) override
    {
        // Backward must follow the mode of the forward it belongs to.
        masked_ = ctx.training && rate_ > 0;
        if (!masked_) {
            copyTensor(*in[0], out);
            return;
        }
        if (!ctx.rng)
            throw std::logic_error("Dropout ran in training mode without a random stream");
        const float scale = static_cast<float>(1 / (1 - rate_));
        const float *x = in[0]->data();
        float *y = out.data();
        for (size_t i = 0; i < mask_.size(); ++i) {
            mask_[i] = ctx.rng->uniform() < rate_ ? 0.f : scale;
            y[i] = x[i] * mask_[i];
        }
    }

    void backward(const std::vector<const Tensor *> &, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        if (!gin[0])
            return;
        if (!masked_) {
            copyTensor(gy, *gin[0]);
            return;
        }
        const float *g = gy.data();
        float *gx = gin[0]->data();
        for (size_t i = 0; i < mask_.size(); ++i)
            gx[i] = g[i] * mask_[i];
    }

private:
    double rate_;
    std::vector<float> mask_; // 0 or 1 / (1 - rate), from the last training forward
    bool masked_ = false;
};

} // namespace

void registerDropout(LayerRegistry &registry)
{
    LayerDefinition t;
    t.name = "Dropout";
    t.category = "Regularization";
    t.help = "While training, zeroes a random fraction of values (and scales up the rest)";
    // The schema's range is closed, so it cannot refuse 1 itself; the shape rule does.
    t.params = {floatParam("rate", 0.5, 0, 1,
                           "Fraction of values dropped while training, from 0 to below 1")};
    t.inferShape = [](const Node &node, const nlohmann::json &p, const std::vector<Shape> &in) {
        requireRateBelowOne(node, floatOf(p, "rate"));
        return ShapeInfo{in[0], numel(in[0])};
    };
    auto factory = [](const KernelSetup &s) { return std::make_unique<DropoutKernel>(s); };
    t.kernels["cpu"] = factory;
    t.kernels["reference"] = factory;
#ifdef STRATA_WITH_CUDA
    t.kernels["cuda"] = makeDropoutCuda; // masks from a device-side hash: see dropout_cuda.cpp
#endif
    t.code = dropoutCode;
    t.onnx = dropoutToOnnx;
    t.keepsFlatOrder = true; // element-wise
    registry.add(std::move(t));
}

} // namespace strata::internal
