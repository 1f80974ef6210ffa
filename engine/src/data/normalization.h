#pragma once
// Fitting a Normalization to a training set. Internal: loadDataset is the public way in.

#include "strata/dataset.h"

#include <string>

namespace strata::internal {

// Fits `mode` ("none", "scale", "standardize") on train; throws DatasetError for another mode.
// imageScale: the samples are 8-bit pixels (IDX, CIFAR-10), so "scale" is 1/255 and
// "standardize" fits mean/std on pixels scaled to [0,1] (the constants people know, such as
// MNIST's 0.1307/0.3081). Otherwise "scale" is 1 for data already within [0,1] and
// 1/max|x| for the rest (per-feature min-max is deliberately not done), and "standardize"
// fits mean/std on the raw values. Standardisation has one mean and std per channel: the
// first axis of the sample shape, which for feature vectors {F} is each feature. A channel
// whose std is 0 gets std 1, so constant inputs stay finite.
Normalization fitNormalization(const std::string &mode, const Dataset &train, bool imageScale);

} // namespace strata::internal
