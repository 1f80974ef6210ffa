#pragma once
// A ModelService on HTTP (cpp-httplib, Debian's libcpp-httplib-dev): TensorFlow Serving's REST
// endpoints, a bounded request size, timeouts for slow clients, and a thread that watches the
// weights file and swaps in a new version when it changes.
//
//   POST /v1/models/NAME:predict   {"instances": [...]}  ->  {"predictions": [...]}
//   POST /v1/models/NAME:reload    the weights file read again (hot swap)
//   GET  /v1/models/NAME           version status, input shape, classes
//   GET  /metrics                  Prometheus text

#include "strata/model_service.h"

#include <functional>
#include <memory>
#include <string>

namespace strata {

struct HttpOptions
{
    std::string host = "127.0.0.1"; // this machine only unless told otherwise
    int port = 8501;                // 0: any free port (bind() says which)
    int ioThreads = 0;              // connections handled at once; 0: 4 a context, at least 16
    int64_t maxBodyBytes = int64_t(64) << 20;
    int readTimeoutSeconds = 5; // a client that sends nothing this long is dropped
    double watchSeconds = 1.0;  // how often the weights file is looked at; 0: never
};

class ModelServer
{
public:
    ModelServer(ModelService &service, HttpOptions options);
    ~ModelServer(); // stops
    ModelServer(const ModelServer &) = delete;
    ModelServer &operator=(const ModelServer &) = delete;

    // Binds the address; returns the port. Throws Error saying why it cannot (in use, no such
    // address).
    int bind();
    // Serves until stop(), on this thread (after bind()).
    void run();
    // Serves on a thread of its own (after bind()).
    void start();
    // Stops listening, lets running requests finish, stops the watcher. Any thread; idempotent.
    void stop();

    // Lines for the operator: versions swapped in, files refused. Set before run/start.
    std::function<void(const std::string &)> onLog;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace strata
