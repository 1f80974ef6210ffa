#pragma once
// Serving a trained model (strata-cli serve): its versions, predictions in TensorFlow
// Serving's REST shape, hot swap of its weights, and its metrics. This half takes request
// bodies and gives replies; it knows nothing of sockets (model_server.h puts it on HTTP), so
// it is tested without a network.
//
// A version is the project's network with one weights file, held as a pool of inference
// contexts (a network each) so that requests run side by side without sharing one; each
// context runs threads/contexts OpenMP threads, so the pool uses the cores it was given and no
// more. A reload reads the weights file beside the serving version, checks it (the format, the
// project's names and shapes, finite values, a forward pass with finite probabilities), and only
// then swaps it in; requests already running finish on the version they started with.

#include <cstdint>
#include <memory>
#include <string>

namespace strata {

struct ServeOptions
{
    std::string name;            // the model's name in URLs; empty: the project file's stem
    std::string device = "cpu";  // "cpu" or "cuda:N"
    int threads = 0;             // cores for inference; 0: all of them
    int contexts = 0;            // requests computed at once; 0: one a core (1 on a GPU)
    int64_t maxInstances = 4096; // instances in one request
};

struct ServeReply
{
    int status = 200;
    std::string body; // JSON; errors as {"error": "..."}
    std::string contentType = "application/json";
};

class ModelService
{
public:
    // Loads version 1. Throws Error saying why the project or the weights cannot be served.
    ModelService(const std::string &projectPath, const std::string &weightsPath,
                 ServeOptions options = {});
    ~ModelService();
    ModelService(const ModelService &) = delete;
    ModelService &operator=(const ModelService &) = delete;

    const std::string &name() const;
    const std::string &weightsPath() const;
    int64_t version() const; // 1, then one more for each weights file swapped in
    int threadsPerContext() const;
    int contexts() const;

    // POST /v1/models/NAME:predict: {"instances": [...]} (or "inputs") where an instance is
    // the model's input as numbers (flat or nested, in the training data's units: 0-255 for
    // pictures) or a picture file as {"b64": "<base64>"}; the reply has one prediction an
    // instance: every class's probability and the top class with its name.
    ServeReply predict(const std::string &body);
    // GET /v1/models/NAME: the version's state, input shape and classes.
    ServeReply status() const;
    // POST /v1/models/NAME:reload, and the file watcher: the weights file read again, checked
    // and swapped in (200), or refused with the reason while the serving version stays (422).
    ServeReply reload();
    // Whether the weights file on disk is not the one the last load read (its size,
    // modification time or inode differ): a new file to try. A file that failed to load
    // counts as read until it changes again.
    bool weightsFileChanged() const;

    // GET /metrics: requests by endpoint and status, latency percentiles, the version, in
    // Prometheus's text format.
    std::string metrics() const;
    // Counts a request answered (by this service or by the HTTP layer, such as a 404 or 413).
    void countRequest(const std::string &endpoint, int status, double seconds);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace strata
