// Generated teaching sets. Every draw comes from one strata::Rng seeded with spec.seed, in a
// fixed order, so a seed always gives the same set on every machine.
//
// - or, and, xor: the truth table of two inputs, 4 rows in the order 00, 01, 10, 11. More
//   samples repeat the rows in that order; noise > 0 adds Gaussian noise of that standard
//   deviation to the inputs (of every row, the first four included).
// - spirals: `classes` (default 2) interleaved spiral arms of 1.5 turns around the origin,
//   radius growing from 0 to 1. circles: an outer ring of radius 1 (class 0) around an inner
//   ring of radius 0.5 (class 1). moons: scikit-learn's two interleaving half circles. For
//   these, noise is the standard deviation of Gaussian noise added to each coordinate.
// - blobs: `classes` (default 3) Gaussian clusters in `features` (default 2) dimensions with
//   centres drawn uniformly in [-10, 10) and standard deviation `noise` (default 1).
// - dummy: the Keras tutorial's random data: `features` (default 32) uniform values in [0, 1)
//   and a uniformly random label among `classes` (default 10).
// spirals, circles, moons and blobs are shuffled, so that the first N samples (a limit) hold
// every class; the default size is 400 samples (1000 for dummy, 4 for the truth tables).

#include "data/data_file.h"

#include "strata/dataset.h"
#include "strata/errors.h"
#include "strata/rng.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace strata {

namespace {

constexpr double kPi = 3.14159265358979323846;
// More than a teaching set needs and less than what would exhaust memory by a typo.
constexpr int64_t kMaxValues = int64_t(1) << 28;

[[noreturn]] void fail(const DatasetSpec &spec, const std::string &what)
{
    throw DatasetError("Generated set '" + spec.name + "': " + what);
}

// The sets whose feature or class count is fixed refuse another one rather than ignore it.
void requireCount(const DatasetSpec &spec, const char *field, int value, int fixed)
{
    if (value != 0 && value != fixed)
        fail(spec, "has " + std::to_string(fixed) + " " + field + "; leave " + field +
                       " at 0 (it is " + std::to_string(value) + ")");
}

int countOr(const DatasetSpec &spec, const char *field, int value, int fallback, int min)
{
    if (value == 0)
        return fallback;
    if (value < min)
        fail(spec, std::string(field) + " must be at least " + std::to_string(min) + " (it is " +
                       std::to_string(value) + ")");
    return value;
}

Dataset start(const DatasetSpec &spec, int64_t samples, int features, int classes)
{
    if (samples <= 0)
        fail(spec, "samples must be positive (it is " + std::to_string(samples) + ")");
    if (samples > kMaxValues / features)
        fail(spec, std::to_string(samples) + " samples of " + std::to_string(features) +
                       " features is more than a generated set may hold");
    Dataset data;
    data.name = spec.name;
    data.sampleShape = {features};
    data.features.reserve(size_t(samples) * size_t(features));
    data.labels.reserve(size_t(samples));
    data.classNames = internal::genericClassNames(classes);
    return data;
}

void add(Dataset &data, std::initializer_list<double> x, int label)
{
    for (double v : x)
        data.features.push_back(static_cast<float>(v));
    data.labels.push_back(label);
}

// Fisher-Yates over whole samples.
void shuffle(Dataset &data, Rng &rng)
{
    const int64_t f = data.sampleSize();
    for (int64_t i = data.size() - 1; i > 0; --i) {
        const int64_t j = static_cast<int64_t>(rng.below(uint64_t(i) + 1));
        std::swap(data.labels[size_t(i)], data.labels[size_t(j)]);
        std::swap_ranges(data.features.begin() + i * f, data.features.begin() + (i + 1) * f,
                         data.features.begin() + j * f);
    }
}

Dataset truthTable(const DatasetSpec &spec, Rng &rng, const std::function<int(int, int)> &op)
{
    requireCount(spec, "features", spec.features, 2);
    requireCount(spec, "classes", spec.classes, 2);
    const int64_t n = spec.samples ? spec.samples : 4;
    Dataset data = start(spec, n, 2, 2);
    for (int64_t i = 0; i < n; ++i) {
        const int a = int(i % 4) / 2;
        const int b = int(i % 4) % 2;
        double x0 = a;
        double x1 = b;
        if (spec.noise > 0) {
            x0 += spec.noise * rng.normal();
            x1 += spec.noise * rng.normal();
        }
        add(data, {x0, x1}, op(a, b));
    }
    return data;
}

Dataset spirals(const DatasetSpec &spec, Rng &rng)
{
    requireCount(spec, "features", spec.features, 2);
    const int classes = countOr(spec, "classes", spec.classes, 2, 2);
    const int64_t n = spec.samples ? spec.samples : 400;
    Dataset data = start(spec, n, 2, classes);
    const int64_t perClass = (n + classes - 1) / classes;
    for (int64_t i = 0; i < n; ++i) {
        const int k = int(i % classes);
        const double t = double(i / classes) / double(std::max<int64_t>(perClass - 1, 1));
        const double angle = t * 1.5 * 2 * kPi + 2 * kPi * k / classes;
        double x = t * std::cos(angle);
        double y = t * std::sin(angle);
        if (spec.noise > 0) {
            x += spec.noise * rng.normal();
            y += spec.noise * rng.normal();
        }
        add(data, {x, y}, k);
    }
    shuffle(data, rng);
    return data;
}

Dataset circles(const DatasetSpec &spec, Rng &rng)
{
    requireCount(spec, "features", spec.features, 2);
    requireCount(spec, "classes", spec.classes, 2);
    const int64_t n = spec.samples ? spec.samples : 400;
    Dataset data = start(spec, n, 2, 2);
    const int64_t outer = (n + 1) / 2;
    for (int64_t i = 0; i < n; ++i) {
        const bool inner = i >= outer;
        const int64_t j = inner ? i - outer : i;
        const int64_t m = inner ? n - outer : outer;
        const double angle = 2 * kPi * double(j) / double(m);
        const double r = inner ? 0.5 : 1.0;
        double x = r * std::cos(angle);
        double y = r * std::sin(angle);
        if (spec.noise > 0) {
            x += spec.noise * rng.normal();
            y += spec.noise * rng.normal();
        }
        add(data, {x, y}, inner ? 1 : 0);
    }
    shuffle(data, rng);
    return data;
}

Dataset moons(const DatasetSpec &spec, Rng &rng)
{
    requireCount(spec, "features", spec.features, 2);
    requireCount(spec, "classes", spec.classes, 2);
    const int64_t n = spec.samples ? spec.samples : 400;
    Dataset data = start(spec, n, 2, 2);
    const int64_t outer = (n + 1) / 2;
    for (int64_t i = 0; i < n; ++i) {
        const bool inner = i >= outer;
        const int64_t j = inner ? i - outer : i;
        const int64_t m = inner ? n - outer : outer;
        const double t = kPi * double(j) / double(std::max<int64_t>(m - 1, 1));
        double x = inner ? 1 - std::cos(t) : std::cos(t);
        double y = inner ? 0.5 - std::sin(t) : std::sin(t);
        if (spec.noise > 0) {
            x += spec.noise * rng.normal();
            y += spec.noise * rng.normal();
        }
        add(data, {x, y}, inner ? 1 : 0);
    }
    shuffle(data, rng);
    return data;
}

Dataset blobs(const DatasetSpec &spec, Rng &rng)
{
    const int classes = countOr(spec, "classes", spec.classes, 3, 1);
    const int features = countOr(spec, "features", spec.features, 2, 1);
    const int64_t n = spec.samples ? spec.samples : 400;
    Dataset data = start(spec, n, features, classes);
    const double sd = spec.noise > 0 ? spec.noise : 1.0;
    std::vector<double> centres(size_t(classes) * size_t(features));
    for (double &c : centres)
        c = -10.0 + 20.0 * rng.uniform();
    for (int64_t i = 0; i < n; ++i) {
        const int k = int(i % classes);
        for (int f = 0; f < features; ++f)
            data.features.push_back(
                static_cast<float>(centres[size_t(k * features + f)] + sd * rng.normal()));
        data.labels.push_back(k);
    }
    shuffle(data, rng);
    return data;
}

Dataset dummy(const DatasetSpec &spec, Rng &rng)
{
    const int classes = countOr(spec, "classes", spec.classes, 10, 1);
    const int features = countOr(spec, "features", spec.features, 32, 1);
    const int64_t n = spec.samples ? spec.samples : 1000;
    Dataset data = start(spec, n, features, classes);
    for (int64_t i = 0; i < n; ++i) {
        for (int f = 0; f < features; ++f)
            data.features.push_back(static_cast<float>(rng.uniform()));
        data.labels.push_back(static_cast<int32_t>(rng.below(uint64_t(classes))));
    }
    return data;
}

} // namespace

std::vector<std::pair<std::string, std::string>> builtinDatasets()
{
    return {
        {"or", "Logical OR of two inputs: the 4-row truth table, 2 classes"},
        {"and", "Logical AND of two inputs: the 4-row truth table, 2 classes"},
        {"xor", "Logical XOR of two inputs: not linearly separable, needs a hidden layer"},
        {"spirals", "Two interleaved spirals in the plane (400 points by default)"},
        {"circles", "A ring of one class around a smaller ring of the other"},
        {"moons", "Two interleaving half circles"},
        {"blobs", "Gaussian clusters, 3 classes by default"},
        {"dummy", "Random features in [0,1) with random labels (Keras tutorial)"},
    };
}

Dataset generateBuiltin(const DatasetSpec &spec)
{
    if (spec.noise < 0 || !std::isfinite(spec.noise))
        fail(spec, "noise must be a finite value ≥ 0");
    Rng rng(spec.seed);
    const std::string &name = spec.name;
    if (name == "or")
        return truthTable(spec, rng, [](int a, int b) { return a | b; });
    if (name == "and")
        return truthTable(spec, rng, [](int a, int b) { return a & b; });
    if (name == "xor")
        return truthTable(spec, rng, [](int a, int b) { return a ^ b; });
    if (name == "spirals")
        return spirals(spec, rng);
    if (name == "circles")
        return circles(spec, rng);
    if (name == "moons")
        return moons(spec, rng);
    if (name == "blobs")
        return blobs(spec, rng);
    if (name == "dummy")
        return dummy(spec, rng);
    std::string known;
    for (const auto &[n, description] : builtinDatasets())
        known += (known.empty() ? "" : ", ") + n;
    throw DatasetError("Unknown generated set '" + name + "': choose one of " + known);
}

} // namespace strata
