#pragma once
// The number format a network computes in. fp32 everywhere, or bf16 mixed precision: Conv2D
// and Dense multiply bf16 values with fp32 accumulation, while master weights, optimizer
// state, the loss, softmax and batch-norm statistics stay fp32 (and so do checkpoints and
// exports). Only a backend that runs bf16 natively accepts it (Backend::precisionRefusal).

#include <string>
#include <vector>

namespace strata {

enum class Precision { Fp32, Bf16 };

// "fp32", "bf16"; parsePrecision throws Error quoting (a bounded prefix of) the text and
// listing the choices.
std::string toString(Precision precision);
Precision parsePrecision(const std::string &text);
// The choices, in the order a user is offered them.
std::vector<std::string> precisionNames();

} // namespace strata
