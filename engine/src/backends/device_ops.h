#pragma once
// What a backend does on its device besides running layer kernels: the loss and the
// optimizer updates. Engine internal; the public side of Backend is strata/backend.h.

#include "core/kernel.h"
#include "core/layer_impl.h"
#include "strata/backend.h"
#include "strata/training_spec.h"

namespace strata {

struct LossSetup
{
    LossKind kind = LossKind::CrossEntropy;
    Shape outputShape; // with batch: {N, K}
    // True when the model ends in Softmax (for cross-entropy) or Sigmoid (for binary
    // cross-entropy): the output then holds probabilities and the loss writes the gradient
    // with respect to that activation's input, so the pair is computed stably in one step.
    bool fusedWithActivation = false;
};

class LossKernel
{
public:
    virtual ~LossKernel() = default;
    // labels: {N} class indices stored as floats. When grad is given, writes the gradient of
    // the batch-mean loss (see LossSetup for with respect to what). Adds to the running totals.
    virtual void compute(const Tensor &output, const Tensor &labels, Tensor *grad) = 0;
    // Returns and clears the running totals (the only point that may wait for the device).
    virtual LossTotals takeTotals() = 0;
};

// Optimizer update rules, PyTorch semantics (weight decay added to the gradient for SGD,
// Adam and RMSprop; decoupled for AdamW).
struct SgdStep
{
    float lr, momentum, weightDecay;
    bool nesterov;
};
struct AdamStep
{
    float lr, beta1, beta2, eps, weightDecay;
    bool decoupled; // AdamW
    int64_t step;   // 1-based, for bias correction
};
struct RmspropStep
{
    float lr, rho, eps, momentum, weightDecay;
};

} // namespace strata
