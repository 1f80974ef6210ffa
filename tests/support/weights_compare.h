#pragma once
// Comparing two sets of named weights bit for bit (exact resume, prefetching).

#include "strata/tensor.h"

#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace strata::test {

// Whether a and b hold the same names and the same bits; *why says where they first differ.
inline bool bitwiseEqual(const std::vector<std::pair<std::string, Tensor>> &a,
                         const std::vector<std::pair<std::string, Tensor>> &b, std::string *why)
{
    if (a.size() != b.size()) {
        *why = "different weight counts";
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].first != b[i].first || a[i].second.numel() != b[i].second.numel()) {
            *why = "different weight " + a[i].first;
            return false;
        }
        if (std::memcmp(a[i].second.data(), b[i].second.data(),
                        sizeof(float) * static_cast<size_t>(a[i].second.numel())) != 0) {
            *why = a[i].first + " differs";
            return false;
        }
    }
    return true;
}

} // namespace strata::test
