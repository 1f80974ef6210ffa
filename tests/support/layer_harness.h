#pragma once
// Runs one layer's kernel in isolation on a backend: random inputs and weights, forward,
// backward. Used by every layer's gradient check and reference comparison.

#include "core/layer_impl.h"
#include "strata/backend.h"
#include "strata/layer.h"

#include <memory>
#include <string>
#include <vector>

namespace strata::testing {

struct LayerCase
{
    Node node;
    std::vector<Shape> inputShapes; // batch included
    bool training = true;
    uint64_t seed = 7;
    // Random inputs closer than this to 0 are pushed out to it (sign kept), so a finite
    // difference never straddles a kink at 0 (ReLU, LeakyReLU).
    float inputMargin = 0;
    // The channel block the (4-D) inputs arrive in, and whether the kernel may pick a blocked
    // output (see LayoutUse). The harness converts on both sides, so inputs, outputs and
    // gradients below are always plain.
    int64_t inputBlock = 1;
    // Per input, where they differ (empty: every input in inputBlock).
    std::vector<int64_t> inputBlocks = {};
    bool blockedOutputAllowed = false;
    // The kernel applies a ReLU to its input first (KernelSetup::inputRelu; only for types
    // whose LayerImpl::absorbsRelu lists the backend).
    bool inputRelu = false;
    // The precision the kernel computes in (KernelSetup::precision); inputs, outputs, weights
    // and gradients stay fp32 either way.
    Precision precision = Precision::Fp32;
};

// Plain NCHW to channels in blocks of `block` ([N][C/B][H][W][B]) and back, written
// independently of oneDNN; C must be a multiple of the block.
Tensor toChannelBlocks(const Tensor &plain, int64_t block);
Tensor fromChannelBlocks(const Tensor &blocked, int64_t block);

class LayerHarness
{
public:
    // Builds the kernel for backendKind ("cpu", "reference"); inputs and weights are random
    // uniform in [-1, 1) from the case's seed, identical for every backend.
    LayerHarness(const LayerCase &c, const std::string &backendKind);

    void forward();
    // Backward with the given output gradient (same shape as the output).
    void backward(const Tensor &gradOutput);

    std::vector<Tensor> inputs;
    std::vector<Tensor> inputGrads;
    std::vector<Tensor> weights;
    std::vector<Tensor> weightGrads;
    std::vector<WeightSpec> weightSpecs;
    Tensor output;
    Shape outputShape;
    int64_t outputBlock() const { return kernel_->outputBlock(); }
    bool weightGradientsProvenFinite() const { return kernel_->weightGradientsProvenFinite(); }
    std::string implementation() const { return kernel_->implementation(); }

private:
    LayerCase case_;
    std::unique_ptr<Backend> backend_;
    std::unique_ptr<Kernel> kernel_;
    nlohmann::json params_;
    Rng rng_;
    // What the kernel reads and writes, in its layouts.
    std::vector<Tensor> kernelInputs_;
    Tensor kernelOutput_;
};

// Largest |a - b| / max(1, |a|, |b|) over all elements.
double maxRelativeError(const Tensor &a, const Tensor &b);

// Finite-difference check of backward on backendKind: L = sum(output * R) for a random R;
// compares analytic dL/dinput and dL/dweight with central differences. Returns the largest
// relative error; `report` receives the worst entry's description.
double gradientCheckError(const LayerCase &c, const std::string &backendKind,
                          std::string *report = nullptr, double step = 1e-2);

// Runs the case on backendKind and on "reference" and returns the largest relative error
// over output, input gradients and weight gradients.
double referenceComparisonError(const LayerCase &c, const std::string &backendKind,
                                std::string *report = nullptr);

} // namespace strata::testing
