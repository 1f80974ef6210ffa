#include "strata/model_server.h"

#include "serve/serve_request.h"

#include "strata/errors.h"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace strata {

namespace {

// Set by a handler that counted its own request (predict and reload time themselves), so that
// the logger, which sees every response, does not count it again.
thread_local bool t_counted = false;

std::string endpointOf(const std::string &path)
{
    if (path == "/metrics")
        return "metrics";
    if (path.rfind("/v1/models", 0) == 0) {
        const size_t colon = path.rfind(':');
        return colon == std::string::npos ? "status" : path.substr(colon + 1);
    }
    return "other";
}

} // namespace

struct ModelServer::Impl
{
    ModelService &service;
    HttpOptions options;
    httplib::Server http;
    std::thread serving, watcher;
    std::mutex stopMutex;
    std::condition_variable stopped;
    bool stopping = false;
    bool bound = false;
    std::atomic<bool> listening{false}; // between listen_after_bind's start and its return
    std::function<void(const std::string &)> log;

    Impl(ModelService &s, HttpOptions o) : service(s), options(std::move(o)) {}

    void say(const std::string &line) const
    {
        if (log)
            log(line);
    }

    // The model this server serves, or a 404 that names it.
    bool known(const httplib::Request &req, httplib::Response &res) const
    {
        const std::string name = req.matches[1];
        if (name == service.name())
            return true;
        res.status = 404;
        res.set_content(serve::errorJson("no model named '" + name +
                                         "' here; this server serves '" + service.name() + "'"),
                        "application/json");
        return false;
    }

    static void send(httplib::Response &res, const ServeReply &reply)
    {
        res.status = reply.status;
        res.set_content(reply.body, reply.contentType.c_str());
    }

    void routes()
    {
        http.Post(R"(/v1/models/([^/:]+):predict)",
                  [this](const httplib::Request &req, httplib::Response &res) {
                      if (!known(req, res))
                          return;
                      t_counted = true;
                      send(res, service.predict(req.body));
                  });
        http.Post(R"(/v1/models/([^/:]+):reload)",
                  [this](const httplib::Request &req, httplib::Response &res) {
                      if (!known(req, res))
                          return;
                      t_counted = true;
                      const ServeReply reply = service.reload();
                      sayReload(reply);
                      send(res, reply);
                  });
        http.Get(R"(/v1/models/([^/:]+))",
                 [this](const httplib::Request &req, httplib::Response &res) {
                     if (known(req, res))
                         send(res, service.status());
                 });
        http.Get("/metrics", [this](const httplib::Request &, httplib::Response &res) {
            res.set_content(service.metrics(), "text/plain; version=0.0.4");
        });
        // Any 4xx/5xx without a body (an unknown path, a wrong method, a body over the limit)
        // gets one that says what to do.
        http.set_error_handler([this](const httplib::Request &req, httplib::Response &res) {
            if (!res.body.empty())
                return;
            std::string message;
            if (res.status == 413)
                message = "the request body is larger than the server takes (" +
                          std::to_string(options.maxBodyBytes >> 20) +
                          " MiB); send fewer instances at a time";
            else if (res.status == 404 || res.status == 405)
                message = "nothing at " + req.method + " " + req.path +
                          "; the endpoints are POST /v1/models/" + service.name() +
                          ":predict, POST /v1/models/" + service.name() +
                          ":reload, GET /v1/models/" + service.name() + " and GET /metrics";
            else if (res.status == 400 && req.method == "POST" &&
                     !req.has_header("Content-Length") &&
                     req.get_header_value("Transfer-Encoding") != "chunked")
                message = "a POST needs a Content-Length header, even for an empty body (with "
                          "curl: -d '' or -d @request.json)";
            else
                message = "the request could not be read (HTTP " + std::to_string(res.status) + ")";
            res.set_content(serve::errorJson(message), "application/json");
        });
        http.set_exception_handler(
            [](const httplib::Request &, httplib::Response &res, std::exception_ptr ep) {
                std::string what = "unknown error";
                try {
                    std::rethrow_exception(ep);
                } catch (const std::exception &e) {
                    what = e.what();
                } catch (...) {
                }
                res.status = 500;
                res.set_content(serve::errorJson("the server failed on this request: " + what),
                                "application/json");
            });
        http.set_logger([this](const httplib::Request &req, const httplib::Response &res) {
            if (!t_counted)
                service.countRequest(endpointOf(req.path), res.status, 0);
            t_counted = false;
        });
    }

    void listen()
    {
        {
            std::lock_guard lock(stopMutex);
            if (stopping)
                return;
            listening = true;
        }
        http.listen_after_bind();
        listening = false;
    }

    void sayReload(const ServeReply &reply) const
    {
        if (reply.status == 200)
            say("serving version " + std::to_string(service.version()) + " of '" + service.name() +
                "' (" + service.weightsPath() + ")");
        else
            say(nlohmann::json::parse(reply.body, nullptr, false).value("error", reply.body));
    }

    // Looks at the weights file every watchSeconds; a changed file is reloaded once it has
    // stayed the same for a moment (a copy in progress is not read half-written, and one that
    // fails is refused and not tried again until it changes).
    void watch()
    {
        const auto period = std::chrono::duration<double>(options.watchSeconds);
        std::unique_lock lock(stopMutex);
        while (!stopped.wait_for(lock, period, [this] { return stopping; })) {
            lock.unlock();
            if (service.weightsFileChanged()) {
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
                sayReload(service.reload());
            }
            lock.lock();
        }
    }
};

ModelServer::ModelServer(ModelService &service, HttpOptions options)
    : impl_(std::make_unique<Impl>(service, std::move(options)))
{
    Impl &m = *impl_;
    const int io =
        m.options.ioThreads > 0 ? m.options.ioThreads : std::max(16, 4 * service.contexts());
    m.http.new_task_queue = [io] { return new httplib::ThreadPool(size_t(io)); };
    m.http.set_payload_max_length(size_t(std::max<int64_t>(1, m.options.maxBodyBytes)));
    m.http.set_read_timeout(std::max(1, m.options.readTimeoutSeconds), 0);
    m.http.set_write_timeout(std::max(1, m.options.readTimeoutSeconds), 0);
    // A kept-alive connection holds a thread while it idles: let it idle briefly.
    m.http.set_keep_alive_timeout(2);
    m.http.set_keep_alive_max_count(1000);
    // A reply goes out as two writes (headers, body): with Nagle's algorithm the second waits
    // for the client's delayed acknowledgement, 40 ms a request on Linux.
    m.http.set_tcp_nodelay(true);
    // httplib's default sets SO_REUSEPORT, which lets a second server bind a port in use and
    // share its requests: only SO_REUSEADDR here (a restart may reuse a port in TIME_WAIT).
    m.http.set_socket_options([](int sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    m.routes();
}

ModelServer::~ModelServer()
{
    stop();
}

int ModelServer::bind()
{
    Impl &m = *impl_;
    int port = m.options.port;
    if (port == 0)
        port = m.http.bind_to_any_port(m.options.host);
    else if (!m.http.bind_to_port(m.options.host, port))
        port = -1;
    if (port < 0)
        throw Error("cannot listen on " + m.options.host + ":" + std::to_string(m.options.port) +
                    " (the port is in use, or the address is not one of this machine's); "
                    "choose another with --port or --host");
    m.bound = true;
    return port;
}

void ModelServer::run()
{
    Impl &m = *impl_;
    if (!m.bound)
        throw Error("the server must bind() before it runs");
    m.log = onLog;
    if (m.options.watchSeconds > 0 && !m.watcher.joinable())
        m.watcher = std::thread([&m] { m.watch(); });
    m.listen();
}

void ModelServer::start()
{
    Impl &m = *impl_;
    if (!m.bound)
        throw Error("the server must bind() before it starts");
    m.log = onLog;
    if (m.options.watchSeconds > 0 && !m.watcher.joinable())
        m.watcher = std::thread([&m] { m.watch(); });
    m.serving = std::thread([&m] { m.listen(); });
}

void ModelServer::stop()
{
    Impl &m = *impl_;
    {
        std::lock_guard lock(m.stopMutex);
        m.stopping = true;
    }
    m.stopped.notify_all();
    // httplib's stop() does nothing before its accept loop has begun: ask until it has ended.
    m.http.stop();
    while (m.listening) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        m.http.stop();
    }
    if (m.serving.joinable())
        m.serving.join();
    if (m.watcher.joinable() && m.watcher.get_id() != std::this_thread::get_id())
        m.watcher.join();
}

} // namespace strata
