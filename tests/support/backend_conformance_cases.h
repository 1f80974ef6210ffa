#pragma once
// The op cases of the backend conformance checks (backend_conformance_cases.cpp): each
// layer setting every backend runs forward and backward against the reference. Every
// registered layer type needs one (test_backend_conformance's everyLayerTypeHasACase).

#include "layer_harness.h"

#include <string>
#include <vector>

namespace strata::testing {

struct OpCase
{
    std::string name;
    LayerCase layer;
    bool wantInputGrad = true; // false: as for a layer right after the Input
};

std::vector<OpCase> opCases();

} // namespace strata::testing
