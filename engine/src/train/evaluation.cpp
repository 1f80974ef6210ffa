#include "strata/evaluation.h"

#include <algorithm>
#include <numeric>

namespace strata {

int predictedClass(const float *p, int64_t k)
{
    if (k == 1)
        return p[0] > 0.5f ? 1 : 0;
    return static_cast<int>(std::max_element(p, p + k) - p);
}

Evaluation evaluateDataset(Network &network, const Dataset &data, int batchSize)
{
    Evaluation e;
    const int64_t n = data.size();
    const int classes = std::max(data.classCount(), 2);
    e.confusion.assign(static_cast<size_t>(classes),
                       std::vector<int64_t>(static_cast<size_t>(classes), 0));
    network.takeTotals(); // start from zero whatever ran before
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    Tensor x, y;
    for (int64_t first = 0; first < n; first += batchSize) {
        const int64_t count = std::min<int64_t>(batchSize, n - first);
        data.gather(order, first, count, x, y);
        network.evaluate(x, &y);
        Tensor p = network.probabilities();
        const int64_t k = p.numel() / count;
        for (int64_t i = 0; i < count; ++i) {
            const int truth = static_cast<int>(y.data()[i]);
            const int guess = predictedClass(p.data() + i * k, k);
            if (truth < classes && guess < classes)
                e.confusion[static_cast<size_t>(truth)][static_cast<size_t>(guess)]++;
        }
    }
    LossTotals t = network.takeTotals();
    e.samples = t.count;
    if (t.count > 0) {
        e.loss = t.lossSum / static_cast<double>(t.count);
        e.accuracy = static_cast<double>(t.correct) / static_cast<double>(t.count);
    }
    return e;
}

Tensor predict(Network &network, const std::vector<float> &features, int64_t count, int batchSize)
{
    const Shape in = network.inputShape();
    const int64_t size = numel(in);
    if (static_cast<int64_t>(features.size()) != count * size)
        throw Error("Expected " + std::to_string(count) + " samples of " + std::to_string(size) +
                    " values each, but got " + std::to_string(features.size()) + " values");
    const int64_t k = numel(network.outputShape());
    Tensor out({count, k});
    for (int64_t first = 0; first < count; first += batchSize) {
        const int64_t m = std::min<int64_t>(batchSize, count - first);
        Tensor x(withBatch(m, in));
        std::copy(features.begin() + first * size, features.begin() + (first + m) * size, x.data());
        network.evaluate(x);
        Tensor p = network.probabilities();
        std::copy(p.data(), p.data() + m * k, out.data() + first * k);
    }
    network.takeTotals();
    return out;
}

} // namespace strata
