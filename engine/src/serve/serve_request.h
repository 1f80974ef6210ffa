#pragma once
// What a predict request's body says, and the reply's JSON: TensorFlow Serving's REST shape.

#include "strata/errors.h"
#include "strata/tensor.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace strata::serve {

// A request that cannot be answered: the HTTP status (4xx) and a message for the client.
class RequestError : public Error
{
public:
    RequestError(int status, const std::string &what) : Error(what), status_(status) {}
    int status() const { return status_; }

private:
    int status_;
};

// The instances of {"instances": [...]} (or {"inputs": [...]}) as samples for an input of
// `inputShape`, in the training data's units (not yet normalised). An instance is numbers,
// flat or nested (its count must be the input's size), a picture as {"b64": "..."} (converted
// and resized as strata-cli predict does), or an object with one key, the input node's name,
// holding either. Throws RequestError (400) naming the instance and what is wrong; 413 for more
// than maxInstances.
struct Instances
{
    std::vector<float> values;
    int64_t count = 0;
};
Instances parseInstances(std::string_view body, const Shape &inputShape,
                         const std::string &inputName, int64_t maxInstances);

// Standard base64 (RFC 4648, with or without padding; also the URL-safe alphabet). Throws
// RequestError naming the first character that does not belong.
std::vector<uint8_t> decodeBase64(std::string_view text);

// {"model_version": N, "predictions": [{"probabilities": [...], "class": "...", "index": i,
// "probability": p}, ...]} for `count` rows of `k` probabilities (one sigmoid output counts as
// two classes, as strata-cli predict counts it).
std::string predictionsJson(const std::vector<float> &p, int64_t count, int64_t k,
                            const std::vector<std::string> &classNames, int64_t version);

// {"error": "..."}
std::string errorJson(const std::string &message);

// A float with the digits needed to read it back exactly; null when not finite.
std::string jsonNumber(float v);

} // namespace strata::serve
