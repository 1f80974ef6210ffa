#pragma once
// A network's weight tensor with its gradient, as optimizers and weight files see it.

#include "strata/tensor.h"

#include <string>

namespace strata {

struct Parameter
{
    std::string name; // "<node id>.<weight name>", e.g. "conv1.weight"
    Tensor value;     // on the backend's device
    Tensor grad;      // same shape and device; undefined when not trainable
    bool trainable = true; // BatchNorm running statistics are not
};

} // namespace strata
