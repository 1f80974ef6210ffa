#include "data/synthetic_data.h"

#include <random>

namespace strata::internal {

Dataset syntheticData(const Network &net, int64_t samples, uint64_t seed)
{
    Dataset d;
    d.name = "synthetic";
    d.sampleShape = net.inputShape();
    int classes = static_cast<int>(numel(net.outputShape()));
    if (net.loss() == LossKind::BinaryCrossEntropy && classes == 1)
        classes = 2;
    for (int c = 0; c < classes; ++c)
        d.classNames.push_back("class " + std::to_string(c));
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    std::uniform_int_distribution<int32_t> label(0, classes - 1);
    d.features.resize(static_cast<size_t>(samples * d.sampleSize()));
    for (float &v : d.features)
        v = uniform(rng);
    d.labels.resize(static_cast<size_t>(samples));
    for (int32_t &l : d.labels)
        l = label(rng);
    return d;
}

} // namespace strata::internal
