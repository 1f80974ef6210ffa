#pragma once
// CIFAR-10 class names, shared by the loader and loadDataset. Internal.

#include <string>
#include <vector>

namespace strata::internal {

// airplane, automobile, ..., truck: the names in the order of the labels.
std::vector<std::string> cifar10ClassNames();
// The non-empty lines of batches.meta.txt; throws DatasetError unless there are exactly 10.
std::vector<std::string> readCifar10ClassNames(const std::string &path);

} // namespace strata::internal
