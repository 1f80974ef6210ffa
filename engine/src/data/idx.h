#pragma once
// Names for IDX sets, used by loadDataset. Internal.

#include "strata/tensor.h"

#include <string>
#include <vector>

namespace strata::internal {

// T-shirt/top, Trouser, ..., Ankle boot: Fashion-MNIST's classes in label order.
std::vector<std::string> fashionMnistClassNames();
// Whether a path looks like Fashion-MNIST ("fashion" anywhere in it, any case).
bool looksLikeFashionMnist(const std::string &path);
// The sample shape {1, height, width} of an IDX image file, from its header alone. Throws
// DatasetError as loadIdx does.
Shape idxImageShape(const std::string &imagesPath);

} // namespace strata::internal
