#include "layer_harness.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace strata::testing {

namespace {
void randomFill(Tensor &t, Rng &rng)
{
    for (int64_t i = 0; i < t.numel(); ++i)
        t.data()[i] = rng.uniformFloat(-1.0f, 1.0f);
}

// Copies between plain NCHW and [N][C/B][H][W][B]; `toBlocks` picks the direction.
Tensor convertChannelBlocks(const Tensor &from, int64_t block, bool toBlocks)
{
    if (block == 1 || from.shape().size() != 4)
        return from.clone();
    const int64_t n = from.dim(0), c = from.dim(1), hw = from.dim(2) * from.dim(3);
    if (c % block != 0)
        throw std::logic_error("channels not a multiple of the block");
    Tensor to(from.shape());
    for (int64_t i = 0; i < n; ++i)
        for (int64_t ch = 0; ch < c; ++ch)
            for (int64_t p = 0; p < hw; ++p) {
                const int64_t plain = (i * c + ch) * hw + p;
                const int64_t blocked =
                    ((i * (c / block) + ch / block) * hw + p) * block + ch % block;
                if (toBlocks)
                    to.data()[blocked] = from.data()[plain];
                else
                    to.data()[plain] = from.data()[blocked];
            }
    return to;
}
} // namespace

Tensor toChannelBlocks(const Tensor &plain, int64_t block)
{
    return convertChannelBlocks(plain, block, true);
}

Tensor fromChannelBlocks(const Tensor &blocked, int64_t block)
{
    return convertChannelBlocks(blocked, block, false);
}

LayerHarness::LayerHarness(const LayerCase &c, const std::string &backendKind)
    : case_(c), backend_(createBackend(backendKind)), rng_(c.seed)
{
    const LayerType &type = LayerRegistry::instance().get(c.node.type);
    const internal::LayerImpl &impl = LayerRegistry::instance().impl(type);
    params_ = LayerRegistry::instance().resolveParams(c.node);
    const auto use = impl.layouts.find(backendKind);
    if (c.inputBlocks.empty())
        case_.inputBlocks.assign(c.inputShapes.size(), c.inputBlock);
    const bool blocked = std::any_of(case_.inputBlocks.begin(), case_.inputBlocks.end(),
                                     [](int64_t b) { return b != 1; });
    if ((blocked || c.blockedOutputAllowed) &&
        (use == impl.layouts.end() || use->second == LayoutUse::PlainOnly))
        throw std::logic_error(c.node.type + " on " + backendKind + " takes plain layouts only");
    if (c.inputRelu && !impl.absorbsRelu.contains(backendKind))
        throw std::logic_error(c.node.type + " on " + backendKind + " cannot apply a ReLU");
    std::vector<Shape> sampleShapes;
    for (const Shape &s : c.inputShapes)
        sampleShapes.emplace_back(s.begin() + 1, s.end());
    ShapeInfo info = type.inferShape(c.node, params_, sampleShapes);
    outputShape = withBatch(c.inputShapes.at(0).at(0), info.output);
    weightSpecs = type.weights(c.node, params_, sampleShapes);

    Rng init(c.seed);
    for (const Shape &s : c.inputShapes) {
        inputs.emplace_back(s);
        randomFill(inputs.back(), init);
        for (int64_t i = 0; i < inputs.back().numel(); ++i) {
            float &x = inputs.back().data()[i];
            if (std::fabs(x) < c.inputMargin)
                x = std::copysign(c.inputMargin, x);
        }
        inputGrads.emplace_back(s);
    }
    for (const WeightSpec &w : weightSpecs) {
        weights.emplace_back(w.shape);
        randomFill(weights.back(), init);
        // Variances must stay positive for BatchNorm's running statistics.
        if (w.name == "running_var")
            for (int64_t i = 0; i < weights.back().numel(); ++i)
                weights.back().data()[i] = 0.5f + std::fabs(weights.back().data()[i]);
        weightGrads.emplace_back(w.shape);
    }
    output = Tensor(outputShape);
    KernelSetup setup{
        c.node,    params_,           c.inputShapes,          outputShape, weights,    weightGrads,
        *backend_, case_.inputBlocks, c.blockedOutputAllowed, c.inputRelu, c.precision};
    kernel_ = backend_->createKernel(setup);
    kernelOutput_ = Tensor(outputShape);
}

void LayerHarness::forward()
{
    kernelInputs_.clear();
    for (size_t i = 0; i < inputs.size(); ++i)
        kernelInputs_.push_back(toChannelBlocks(inputs[i], case_.inputBlocks[i]));
    std::vector<const Tensor *> in;
    for (const Tensor &t : kernelInputs_)
        in.push_back(&t);
    rng_.reseed(case_.seed + 1); // the same dropout mask on every call
    RunContext ctx{case_.training, &rng_};
    kernel_->forward(in, kernelOutput_, ctx);
    output = fromChannelBlocks(kernelOutput_, kernel_->outputBlock());
}

void LayerHarness::backward(const Tensor &gradOutput)
{
    std::vector<const Tensor *> in;
    for (const Tensor &t : kernelInputs_)
        in.push_back(&t);
    std::vector<Tensor> grads;
    for (const Tensor &t : inputGrads)
        grads.emplace_back(t.shape());
    std::vector<Tensor *> gin;
    for (Tensor &t : grads)
        gin.push_back(&t);
    const Tensor gy = toChannelBlocks(gradOutput, kernel_->outputBlock());
    RunContext ctx{case_.training, &rng_};
    kernel_->backward(in, kernelOutput_, gy, gin, ctx);
    for (size_t i = 0; i < grads.size(); ++i)
        inputGrads[i] = fromChannelBlocks(grads[i], case_.inputBlocks[i]);
}

double maxRelativeError(const Tensor &a, const Tensor &b)
{
    if (a.numel() != b.numel())
        return INFINITY;
    double worst = 0;
    for (int64_t i = 0; i < a.numel(); ++i) {
        double x = a.data()[i], y = b.data()[i];
        if (std::isnan(x) != std::isnan(y))
            return INFINITY;
        double scale = std::max({1.0, std::fabs(x), std::fabs(y)});
        worst = std::max(worst, std::fabs(x - y) / scale);
    }
    return worst;
}

double gradientCheckError(const LayerCase &c, const std::string &backendKind, std::string *report,
                          double step)
{
    LayerHarness h(c, backendKind);
    h.forward();
    Tensor r(h.outputShape);
    Rng rng(c.seed + 99);
    randomFill(r, rng);
    h.backward(r);

    auto loss = [&]() {
        h.forward();
        double sum = 0;
        for (int64_t i = 0; i < r.numel(); ++i)
            sum += static_cast<double>(h.output.data()[i]) * r.data()[i];
        return sum;
    };

    double worst = 0;
    auto check = [&](Tensor &x, const Tensor &analytic, const std::string &what) {
        // Sample at most 64 entries per tensor so large layers stay fast.
        const int64_t n = x.numel();
        const int64_t stride = std::max<int64_t>(1, n / 64);
        for (int64_t i = 0; i < n; i += stride) {
            const float saved = x.data()[i];
            x.data()[i] = saved + static_cast<float>(step);
            const double up = loss();
            x.data()[i] = saved - static_cast<float>(step);
            const double down = loss();
            x.data()[i] = saved;
            const double numeric = (up - down) / (2 * step);
            const double a = analytic.data()[i];
            const double err =
                std::fabs(numeric - a) / std::max({1.0, std::fabs(numeric), std::fabs(a)});
            if (err > worst) {
                worst = err;
                if (report) {
                    std::ostringstream s;
                    s << what << "[" << i << "]: analytic " << a << ", numeric " << numeric;
                    *report = s.str();
                }
            }
        }
    };
    std::vector<Tensor> inputGrads, weightGrads;
    for (const Tensor &g : h.inputGrads)
        inputGrads.push_back(g.clone());
    for (const Tensor &g : h.weightGrads)
        weightGrads.push_back(g.clone());
    for (size_t i = 0; i < h.inputs.size(); ++i)
        check(h.inputs[i], inputGrads[i], "input" + std::to_string(i));
    for (size_t i = 0; i < h.weights.size(); ++i)
        if (h.weightSpecs[i].trainable)
            check(h.weights[i], weightGrads[i], h.weightSpecs[i].name);
    return worst;
}

double referenceComparisonError(const LayerCase &c, const std::string &backendKind,
                                std::string *report)
{
    LayerHarness fast(c, backendKind);
    LayerCase plain = c; // the reference kernels read and write plain layouts only
    plain.inputBlock = 1;
    plain.inputBlocks.clear();
    plain.blockedOutputAllowed = false;
    LayerHarness ref(plain, "reference");
    fast.forward();
    ref.forward();
    Tensor r(fast.outputShape);
    Rng rng(c.seed + 99);
    randomFill(r, rng);
    fast.backward(r);
    ref.backward(r);
    double worst = maxRelativeError(fast.output, ref.output);
    if (report)
        *report = "output " + std::to_string(worst);
    for (size_t i = 0; i < fast.inputGrads.size(); ++i) {
        double e = maxRelativeError(fast.inputGrads[i], ref.inputGrads[i]);
        if (report)
            *report += ", input" + std::to_string(i) + " grad " + std::to_string(e);
        worst = std::max(worst, e);
    }
    for (size_t i = 0; i < fast.weightGrads.size(); ++i) {
        if (!fast.weightSpecs[i].trainable)
            continue;
        double e = maxRelativeError(fast.weightGrads[i], ref.weightGrads[i]);
        if (report)
            *report += ", " + fast.weightSpecs[i].name + " grad " + std::to_string(e);
        worst = std::max(worst, e);
    }
    return worst;
}

} // namespace strata::testing
