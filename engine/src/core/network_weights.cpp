// The network's weights as a whole: a device copy for the NaN/Inf guard to go back to, and
// host copies for files and back.

#include "strata/network.h"

#include <algorithm>

namespace strata {

void Network::keepWeights()
{
    if (kept_.empty())
        for (const Parameter &p : params_)
            kept_.push_back(backend_.allocate(p.value.shape()));
    for (size_t i = 0; i < params_.size(); ++i)
        backend_.copy(params_[i].value, kept_[i]);
}

void Network::restoreKeptWeights()
{
    if (kept_.empty())
        throw std::logic_error("Network::restoreKeptWeights before keepWeights");
    for (size_t i = 0; i < params_.size(); ++i)
        backend_.copy(kept_[i], params_[i].value);
    weightsChanged_ = true;
}

std::vector<std::pair<std::string, Tensor>> Network::weightsToHost() const
{
    std::vector<std::pair<std::string, Tensor>> out;
    for (const Parameter &p : params_) {
        Tensor host;
        backend_.copyToHost(p.value, host);
        out.emplace_back(p.name, host.reshaped(p.value.shape()));
    }
    return out;
}

void Network::loadWeights(const std::vector<std::pair<std::string, Tensor>> &weights)
{
    // Every weight is checked before any is copied: a mismatch leaves the weights as they were.
    std::vector<const Tensor *> found;
    for (const Parameter &p : params_) {
        auto it = std::find_if(weights.begin(), weights.end(),
                               [&](const auto &w) { return w.first == p.name; });
        if (it == weights.end())
            throw Error("The weights file has no '" + p.name +
                        "': it was saved from another model");
        if (it->second.shape() != p.value.shape())
            throw Error("Weight '" + p.name + "' is " + toString(it->second.shape()) +
                        " in the file but " + toString(p.value.shape()) +
                        " in the model: it was saved from another version of the model");
        found.push_back(&it->second);
    }
    for (size_t i = 0; i < params_.size(); ++i)
        backend_.copyFromHost(*found[i], params_[i].value);
    weightsChanged_ = true;
}

} // namespace strata
