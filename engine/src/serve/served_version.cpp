#include "serve/served_version.h"

#include "strata/errors.h"
#include "strata/training_spec.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

namespace strata::serve {

std::string utcNow()
{
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

namespace {

constexpr int64_t kLargestBatch = 64;

} // namespace

ServedVersion::ServedVersion(const Project &project, const std::string &weightsPath, int64_t number,
                             const std::string &device, int contexts, int threadsPerContext)
    : number_(number), threadsPerContext_(std::max(1, threadsPerContext))
{
    weights_ = loadWeights(weightsPath); // names the file and the fault, NaN included
    const LossKind loss = parseLossKind(project.training.loss);
    const InitConvention init = parseInitConvention(project.training.init);
    for (int i = 0; i < std::max(1, contexts); ++i) {
        auto c = std::make_unique<Context>();
        c->backend = createBackend(device);
        c->network = std::make_unique<Network>(project.graph, *c->backend, loss, init, 0);
        try {
            c->network->loadWeights(weights_.weights);
        } catch (const Error &e) {
            throw Error(weightsPath + ": " + e.what());
        }
        contexts_.push_back(std::move(c));
    }
    weights_.weights.clear(); // the networks hold them now
    inputShape_ = contexts_.front()->network->inputShape();
    outputs_ = numel(contexts_.front()->network->outputShape());
    // The forward pass a request would make, on a zero sample.
    const std::vector<float> p =
        run(*contexts_.front(), std::vector<float>(size_t(numel(inputShape_)), 0.0f), 1);
    if (!std::all_of(p.begin(), p.end(), [](float v) { return std::isfinite(v); }))
        throw Error(weightsPath + ": the model gives probabilities that are not finite numbers "
                                  "for a zero input; these weights cannot be served");
    for (auto &c : contexts_)
        free_.push_back(c.get());
    loadedAt_ = utcNow();
}

std::vector<float> ServedVersion::probabilities(const std::vector<float> &samples, int64_t count)
{
    Context *c = nullptr;
    {
        std::unique_lock lock(mutex_);
        freed_.wait(lock, [this] { return !free_.empty(); });
        c = free_.back();
        free_.pop_back();
    }
    struct GiveBack
    {
        ServedVersion *v;
        Context *c;
        ~GiveBack()
        {
            {
                std::lock_guard lock(v->mutex_);
                v->free_.push_back(c);
            }
            v->freed_.notify_one();
        }
    } giveBack{this, c};
    return run(*c, samples, count);
}

std::vector<float> ServedVersion::run(Context &c, const std::vector<float> &samples,
                                      int64_t count) const
{
    // This thread's OpenMP team, which the context's kernels use: its share of the cores.
    omp_set_num_threads(threadsPerContext_);
    const int64_t size = numel(inputShape_);
    std::vector<float> out(size_t(count * outputs_));
    int64_t first = 0;
    while (first < count) {
        int64_t m = kLargestBatch;
        while (m > count - first)
            m /= 2;
        Tensor x(withBatch(m, inputShape_));
        std::copy(samples.begin() + first * size, samples.begin() + (first + m) * size, x.data());
        c.network->evaluate(x);
        const Tensor p = c.network->probabilities();
        std::copy(p.data(), p.data() + m * outputs_, out.begin() + first * outputs_);
        first += m;
    }
    c.network->takeTotals();
    return out;
}

} // namespace strata::serve
