// strata-cli serve: a trained model behind TensorFlow Serving's REST endpoints, with hot swap
// of its weights file, until SIGINT or SIGTERM.

#include "cli.h"

#include "strata/errors.h"
#include "strata/model_server.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <pthread.h>
#include <string>
#include <thread>

namespace strata::cli {

namespace {

double getSeconds(const Args &args, const std::string &name, double fallback)
{
    if (!args.has(name))
        return fallback;
    const std::string text = args.get(name);
    char *end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end || !(v >= 0) || v > 3600)
        throw UsageError{"--" + name + " takes seconds from 0 to 3600, not '" + text + "'"};
    return v;
}

bool loopback(const std::string &host)
{
    return host == "127.0.0.1" || host == "localhost" || host == "::1" ||
           host.rfind("127.", 0) == 0;
}

} // namespace

int runServe(const Args &args)
{
    args.allowOnly({"weights", "port", "host", "name", "threads", "contexts", "device", "watch",
                    "max-body-mb", "max-instances"});
    if (args.positional.size() != 1)
        throw UsageError{"serve takes one project: strata-cli serve PROJECT --weights FILE"};
    if (!args.has("weights"))
        throw UsageError{"needs --weights FILE (final.safetensors or best.safetensors from "
                         "strata-cli train --out DIR)"};
    ServeOptions serve;
    serve.name = args.get("name");
    serve.device = args.get("device", "cpu");
    serve.threads = args.getInt("threads", 0);
    serve.contexts = args.getInt("contexts", 0);
    serve.maxInstances = args.getInt("max-instances", 4096);
    if (serve.threads < 0 || serve.contexts < 0 || serve.maxInstances < 1)
        throw UsageError{"--threads and --contexts take 0 (automatic) or more, --max-instances "
                         "1 or more"};
    HttpOptions http;
    http.host = args.get("host", "127.0.0.1");
    http.port = args.getInt("port", 8501);
    if (http.port < 0 || http.port > 65535)
        throw UsageError{"--port takes 1 to 65535 (0: any free port)"};
    const int maxBodyMb = args.getInt("max-body-mb", 64);
    if (maxBodyMb < 1 || maxBodyMb > 4096)
        throw UsageError{"--max-body-mb takes 1 to 4096"};
    http.maxBodyBytes = int64_t(maxBodyMb) << 20;
    http.watchSeconds = getSeconds(args, "watch", 1.0);

    // SIGINT and SIGTERM are taken by a thread of their own (blocked here, before any thread
    // starts, so every thread inherits the mask), which stops the server cleanly.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN); // a client that hangs up is not the server's end

    ModelService service(args.positional[0], args.get("weights"), serve);
    ModelServer server(service, http);
    const int port = server.bind();
    server.onLog = [](const std::string &line) {
        std::fprintf(stderr, "strata-cli serve: %s\n", line.c_str());
    };
    std::printf("Serving '%s' version %lld (%s) on http://%s:%d/v1/models/%s\n",
                service.name().c_str(), static_cast<long long>(service.version()),
                service.weightsPath().c_str(), http.host.c_str(), port, service.name().c_str());
    std::printf("%d inference context%s of %d thread%s; %s\n", service.contexts(),
                service.contexts() == 1 ? "" : "s", service.threadsPerContext(),
                service.threadsPerContext() == 1 ? "" : "s",
                http.watchSeconds > 0 ? "a new weights file is swapped in when it appears"
                                      : "POST /v1/models/NAME:reload swaps in a new weights file");
    std::printf(loopback(http.host) ? "Only this machine can connect (--host 0.0.0.0 to listen "
                                      "on every interface). Ctrl+C stops.\n"
                                    : "Listening on %s: other machines can connect. Ctrl+C "
                                      "stops.\n",
                http.host.c_str());
    std::fflush(stdout);

    std::thread stopper([&server, signals] {
        int which = 0;
        sigwait(&signals, &which);
        server.stop();
    });
    server.run();
    // run() returned: a signal arrived (or listening failed); make sure the stopper ends.
    pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
    std::printf("Stopped.\n");
    return 0;
}

} // namespace strata::cli
