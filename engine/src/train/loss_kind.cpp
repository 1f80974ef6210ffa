// The loss kinds by name, and the one rule for an output activation fused with the loss.

#include "strata/errors.h"
#include "strata/training_spec.h"

namespace strata {

std::string toString(LossKind kind)
{
    switch (kind) {
    case LossKind::CrossEntropy:
        return "cross_entropy";
    case LossKind::BinaryCrossEntropy:
        return "binary_cross_entropy";
    case LossKind::MeanSquaredError:
        return "mse";
    }
    return "?";
}

LossKind parseLossKind(const std::string &text)
{
    for (LossKind k :
         {LossKind::CrossEntropy, LossKind::BinaryCrossEntropy, LossKind::MeanSquaredError})
        if (toString(k) == text)
            return k;
    throw Error("Unknown loss '" + text + "': choose cross_entropy, binary_cross_entropy or mse");
}

bool outputFusedWithLoss(LossKind loss, const std::string &outputType)
{
    return (loss == LossKind::CrossEntropy && outputType == "Softmax") ||
           (loss == LossKind::BinaryCrossEntropy && outputType == "Sigmoid");
}

} // namespace strata
