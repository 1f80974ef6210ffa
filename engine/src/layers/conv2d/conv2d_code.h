#pragma once
// What Conv2D's code hook shares with the pooling layers' hooks.

#include "layers/conv2d/conv2d.h"

#include <string>

namespace strata::internal {

// The padding of a window as PyTorch code. When it is symmetric on both axes (symmetric is
// set), the `padding` argument of nn.Conv2d / nn.MaxPool2d: "1" or "(1, 2)". Otherwise the
// pad tuple F.pad takes, last axis first: "(left, right, top, bottom)".
std::string torchPadding(const WindowAxis &rows, const WindowAxis &cols, bool &symmetric);

} // namespace strata::internal
