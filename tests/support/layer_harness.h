#pragma once
// Runs one layer's kernel in isolation on a backend: random inputs and weights, forward,
// backward. Used by every layer's gradient check and reference comparison.

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
};

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

private:
    LayerCase case_;
    std::unique_ptr<Backend> backend_;
    std::unique_ptr<Kernel> kernel_;
    nlohmann::json params_;
    Rng rng_;
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
