#include "strata/misclassified.h"

#include "strata/errors.h"
#include "strata/probe.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace strata {

namespace {

std::string fixed2(double v)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", v);
    return text;
}

} // namespace

DataSplit splitForTraining(const DatasetBundle &data, const TrainingSpec &spec)
{
    DataSplit split;
    split.train = data.train;
    split.source = "none";
    if (spec.validationSplit > 0) {
        const int64_t n = data.train.size();
        const auto held = static_cast<int64_t>(std::floor(double(n) * spec.validationSplit));
        if (held < 1 || held >= n)
            throw Error("A validation split of " + fixed2(spec.validationSplit) + " leaves " +
                        std::to_string(n - held) + " training and " + std::to_string(held) +
                        " validation samples: change the split or use more data");
        split.validation = data.train.slice(n - held, n);
        split.train = data.train.slice(0, n - held);
        split.source = "validation split " + fixed2(spec.validationSplit);
    } else if (data.test) {
        split.validation = *data.test;
        split.source = "test set";
    }
    return split;
}

std::vector<Mistake> findMistakes(Probe &probe, const Dataset &data, int perPair, int batchSize)
{
    if (data.sampleShape != probe.inputShape())
        throw Error("the data's samples do not fit this model's input");
    const int64_t n = data.size();
    const int64_t per = numel(data.sampleShape);
    batchSize = std::max(1, batchSize);
    std::map<std::pair<int, int>, std::vector<Mistake>> pairs;
    for (int64_t start = 0; start < n; start += batchSize) {
        const int64_t count = std::min<int64_t>(batchSize, n - start);
        Shape shape{count};
        shape.insert(shape.end(), data.sampleShape.begin(), data.sampleShape.end());
        const auto first = data.features.begin() + ptrdiff_t(start * per);
        const Tensor p = probe.probabilities(
            Tensor::fromVector(shape, std::vector<float>(first, first + ptrdiff_t(count * per))));
        const int64_t k = p.numel() / count;
        for (int64_t i = 0; i < count; ++i) {
            const float *row = p.data() + i * k;
            int chosen = 0;
            float probability = 0;
            if (k == 1) {
                chosen = row[0] > 0.5f ? 1 : 0;
                probability = chosen ? row[0] : 1 - row[0];
            } else {
                chosen = int(std::max_element(row, row + k) - row);
                probability = row[chosen];
            }
            const int truth = static_cast<int>(data.labels[size_t(start + i)]);
            if (chosen != truth)
                pairs[{truth, chosen}].push_back({start + i, truth, chosen, probability});
        }
    }
    std::vector<Mistake> mistakes;
    for (auto &[pair, list] : pairs) {
        std::stable_sort(list.begin(), list.end(), [](const Mistake &a, const Mistake &b) {
            return a.probability > b.probability;
        });
        if (perPair >= 0 && list.size() > size_t(perPair))
            list.resize(size_t(perPair));
        mistakes.insert(mistakes.end(), list.begin(), list.end());
    }
    return mistakes;
}

} // namespace strata
