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

namespace strata {

namespace {

// The distinct inputs of sets with their first label, in order of appearance; empty once
// there are more than kTruthTableRows of them or a set is not a short feature vector.
std::vector<TruthTableRow> distinctInputs(const std::vector<const Dataset *> &sets, bool &binary)
{
    std::vector<TruthTableRow> rows;
    binary = true;
    for (const Dataset *data : sets) {
        if (!data)
            continue;
        const int64_t f = data->sampleSize();
        if (data->sampleShape.size() != 1 || f < 1 || f > kTruthTableFeatures)
            return {};
        for (int64_t i = 0, n = data->size(); i < n; ++i) {
            const float *x = data->sample(i);
            const auto same = [&](const TruthTableRow &r) {
                return std::equal(r.inputs.begin(), r.inputs.end(), x);
            };
            if (std::find_if(rows.begin(), rows.end(), same) != rows.end())
                continue;
            if (static_cast<int64_t>(rows.size()) == kTruthTableRows)
                return {};
            TruthTableRow row;
            row.inputs.assign(x, x + f);
            row.target = data->labels[static_cast<size_t>(i)];
            for (float v : row.inputs)
                binary = binary && (v == 0.0f || v == 1.0f);
            rows.push_back(std::move(row));
        }
    }
    return rows;
}

} // namespace

std::vector<TruthTableRow> truthTableRows(const std::vector<const Dataset *> &sets)
{
    bool binary = false;
    std::vector<TruthTableRow> seen = distinctInputs(sets, binary);
    if (seen.empty() || !binary)
        return seen;
    // 0/1 inputs: the whole table, so a gate trained on three rows is asked the fourth.
    const size_t features = seen.front().inputs.size();
    std::vector<TruthTableRow> rows(size_t(1) << features);
    for (size_t combination = 0; combination < rows.size(); ++combination) {
        TruthTableRow &row = rows[combination];
        for (size_t bit = 0; bit < features;
             ++bit) // the first input is the highest bit: 00, 01, 10, 11
            row.inputs.push_back(static_cast<float>((combination >> (features - 1 - bit)) & 1));
        for (const TruthTableRow &s : seen)
            if (s.inputs == row.inputs)
                row.target = s.target;
    }
    return rows;
}

void fillTruthTable(Network &network, std::vector<TruthTableRow> &rows)
{
    if (rows.empty())
        return;
    std::vector<float> features;
    for (const TruthTableRow &row : rows)
        features.insert(features.end(), row.inputs.begin(), row.inputs.end());
    const auto count = static_cast<int64_t>(rows.size());
    const Tensor p = predict(network, features, count, static_cast<int>(count));
    const int64_t k = p.numel() / count;
    for (int64_t i = 0; i < count; ++i) {
        TruthTableRow &row = rows[static_cast<size_t>(i)];
        row.outputs.assign(p.data() + i * k, p.data() + (i + 1) * k);
        row.predicted = predictedClass(row.outputs.data(), k);
    }
}

} // namespace strata
