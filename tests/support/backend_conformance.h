#pragma once
// The backend conformance checks: every op forward and backward, the losses, the optimizer
// updates, the tensor operations and a whole training step, each compared with the reference
// backend. Qt-free, so that the GPU machine (which has no Qt) runs them through
// strata-conformance; the Qt Test suite test_backend_conformance runs the same list.
//
// Tolerances (largest |a − b| / max(1, |a|, |b|) over every element):
//   layers and a training step: 1e-4 (float kernels against double-precision references);
//   losses and optimizer updates (3 steps): 1e-5.

#include "strata/backend.h"

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace strata::testing {

struct ConformanceCheck
{
    std::string name; // "layer Conv2D k3 valid", "loss mse", "update adam 1000", ...
    // Runs the check on a backend; returns "" when it conforms, else what differed.
    std::function<std::string(Backend &)> run;
};

std::vector<ConformanceCheck> conformanceChecks();

// The layer types the checks cover: every type with an op case, and Input, which computes
// nothing (the network writes the batch into its buffer) and runs in every network check.
// A test compares it with the registry, so no registered type can go without a case.
std::set<std::string> conformanceLayerTypes();

// The backend of that kind, or null with the reason (e.g. no GPU) in *why.
std::unique_ptr<Backend> tryCreateBackend(const std::string &kind, std::string *why);

} // namespace strata::testing
