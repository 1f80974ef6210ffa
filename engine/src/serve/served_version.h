#pragma once
// One version of a served model: the project's network with one weights file, as a pool of
// inference contexts. A request checks a context out, runs its instances, and gives it back;
// the version stays alive while any request holds it (a shared_ptr), so a swap never pulls
// weights from under a running request.

#include "strata/backend.h"
#include "strata/network.h"
#include "strata/project.h"
#include "strata/weights_file.h"

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace strata::serve {

// The time now in UTC, ISO 8601 (2026-12-07T12:00:00Z).
std::string utcNow();

class ServedVersion
{
public:
    // Builds `contexts` networks with the weights and checks them: the project's names and
    // shapes, finite values, and one forward pass of a zero sample giving finite
    // probabilities. Throws Error naming the file and what is wrong.
    ServedVersion(const Project &project, const std::string &weightsPath, int64_t number,
                  const std::string &device, int contexts, int threadsPerContext);

    int64_t number() const { return number_; }
    const Shape &inputShape() const { return inputShape_; }
    int64_t outputs() const { return outputs_; }
    const WeightsFile &weights() const { return weights_; }   // names, normalisation; no tensors
    const std::string &loadedAt() const { return loadedAt_; } // UTC, ISO 8601

    // Class probabilities {count, outputs} for `count` samples already normalised. Waits for
    // a free context; runs in batches of powers of two (at most 64), so a context keeps a
    // bounded set of plans however requests are sized.
    std::vector<float> probabilities(const std::vector<float> &samples, int64_t count);

private:
    struct Context
    {
        std::unique_ptr<Backend> backend;
        std::unique_ptr<Network> network;
    };
    std::vector<float> run(Context &c, const std::vector<float> &samples, int64_t count) const;

    int64_t number_;
    int threadsPerContext_;
    Shape inputShape_;
    int64_t outputs_ = 0;
    WeightsFile weights_;
    std::string loadedAt_;
    std::vector<std::unique_ptr<Context>> contexts_;
    std::vector<Context *> free_;
    std::mutex mutex_;
    std::condition_variable freed_;
};

} // namespace strata::serve
