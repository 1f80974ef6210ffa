// The served model over HTTP on the loopback interface (cpp-httplib's client): answers equal
// the service's, the endpoints' errors (unknown model, path, method, a body over the limit, a
// POST without its length), hot swap by the file watcher under load from four clients with no
// failed request, a slow client that does not hold up the others and is dropped, a port in use,
// and stopping at once.

#include "raw_http.h"
#include "serve_fixture.h"

#include "strata/errors.h"
#include "strata/model_server.h"

#include <httplib.h>

#include <QtTest>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

using namespace strata;
using namespace strata::test;

namespace {

const char *kRequest = R"({"instances": [[0.3, -0.8], [1, 1]]})";

// Any free port, no file watcher.
HttpOptions onAnyPort()
{
    HttpOptions o;
    o.port = 0;
    o.watchSeconds = 0;
    return o;
}

// Binds and serves on a thread of its own; the port.
int serve(ModelServer &server)
{
    const int port = server.bind();
    server.start();
    return port;
}

} // namespace

class TestModelServer : public QObject
{
    Q_OBJECT

    QTemporaryDir dir_;
    std::string path(const std::string &name) { return dir_.path().toStdString() + "/" + name; }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void answersAsTheServiceDoes()
    {
        const ServedFiles f = writeSpirals(path("http"), 3);
        ModelService service(f.project, f.weights);
        ModelServer server(service, onAnyPort());
        const int port = serve(server);
        httplib::Client client("127.0.0.1", port);
        auto r = client.Post("/v1/models/spirals:predict", kRequest, "application/json");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->body, service.predict(kRequest).body);
        QCOMPARE(r->get_header_value("Content-Type"), std::string("application/json"));

        r = client.Get("/v1/models/spirals");
        QVERIFY(r && r->status == 200);
        QCOMPARE(nlohmann::json::parse(r->body)["model_version_status"][0]["state"],
                 nlohmann::json("AVAILABLE"));

        auto fails = [&](httplib::Result res, int status, const QString &says) {
            QVERIFY(res);
            QCOMPARE(res->status, status);
            const QString message = QString::fromStdString(
                nlohmann::json::parse(res->body).value("error", std::string()));
            QVERIFY2(message.contains(says), qPrintable(message));
        };
        fails(client.Post("/v1/models/other:predict", kRequest, "application/json"), 404,
              "this server serves 'spirals'");
        fails(client.Get("/v1/models/other"), 404, "no model named 'other'");
        fails(client.Get("/predict"), 404, "POST /v1/models/spirals:predict");
        fails(client.Get("/v1/models/spirals:predict"), 404, "the endpoints are");
        fails(client.Post("/v1/models/spirals:predict", "{", "application/json"), 400,
              "not valid JSON");
        RawSocket noLength(port);
        QVERIFY(noLength.connected());
        noLength.send("POST /v1/models/spirals:reload HTTP/1.1\r\nHost: x\r\n"
                      "Connection: close\r\n\r\n");
        const std::string answer = noLength.readAll();
        QVERIFY2(QString::fromStdString(answer).contains("needs a Content-Length"), answer.c_str());

        r = client.Get("/metrics");
        QVERIFY(r && r->status == 200);
        QVERIFY(r->get_header_value("Content-Type").rfind("text/plain", 0) == 0);
        const QString metrics = QString::fromStdString(r->body);
        QVERIFY(metrics.contains(
            R"(strata_requests_total{model="spirals",endpoint="predict",code="404"} 2)"));
        QVERIFY(metrics.contains(
            R"(strata_requests_total{model="spirals",endpoint="predict",code="400"} 1)"));
        QVERIFY(
            metrics.contains(R"(strata_predict_latency_seconds{model="spirals",quantile="0.99"})"));
        QVERIFY(metrics.contains(R"(strata_instances_total{model="spirals"} 4)"));
        server.stop();
        server.stop(); // idempotent
    }

    void refusesABodyOverTheLimit()
    {
        const ServedFiles f = writeSpirals(path("limit"), 3);
        ModelService service(f.project, f.weights);
        HttpOptions o = onAnyPort();
        o.maxBodyBytes = 4096;
        ModelServer server(service, o);
        const int port = serve(server);
        httplib::Client client("127.0.0.1", port);
        std::string big = "{\"instances\": [";
        for (int i = 0; i < 1000; ++i)
            big += std::string(i ? "," : "") + "[0.25, 0.5]";
        big += "]}";
        auto r = client.Post("/v1/models/spirals:predict", big, "application/json");
        QVERIFY(r);
        QCOMPARE(r->status, 413);
        QVERIFY(QString::fromStdString(r->body).contains("send fewer instances"));
        r = client.Post("/v1/models/spirals:predict", kRequest, "application/json");
        QVERIFY(r && r->status == 200);
    }

    // Four clients keep predicting while the weights file is damaged in place (refused) and
    // replaced twice (swapped in by the watcher) and once reloaded by request: no request
    // fails, and each client sees versions only going up.
    void hotSwapUnderLoad()
    {
        const ServedFiles f = writeSpirals(path("load"), 3);
        const Project p = loadProject(f.project);
        ServeOptions so;
        so.threads = 2;
        so.contexts = 2;
        ModelService service(f.project, f.weights, so);
        HttpOptions o = onAnyPort();
        o.watchSeconds = 0.05;
        ModelServer server(service, o);
        std::vector<std::string> log;
        std::mutex logMutex;
        server.onLog = [&](const std::string &line) {
            std::lock_guard lock(logMutex);
            log.push_back(line);
        };
        const int port = serve(server);
        std::atomic<bool> done{false};
        std::atomic<int> failures{0}, answered{0}, backwards{0};
        std::vector<std::thread> clients;
        for (int t = 0; t < 4; ++t)
            clients.emplace_back([&] {
                httplib::Client client("127.0.0.1", port);
                int64_t last = 0;
                while (!done) {
                    auto r =
                        client.Post("/v1/models/spirals:predict", kRequest, "application/json");
                    if (!r || r->status != 200) {
                        ++failures;
                        continue;
                    }
                    const int64_t v =
                        nlohmann::json::parse(r->body)["model_version"].get<int64_t>();
                    backwards += v < last;
                    last = v;
                    ++answered;
                }
            });
        auto waitForVersion = [&](int64_t v) {
            for (int i = 0; i < 200 && service.version() < v; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(25));
            return service.version();
        };
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        std::ofstream(f.weights, std::ios::binary | std::ios::trunc) << "damaged";
        for (int i = 0; i < 200 && service.weightsFileChanged(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        QCOMPARE(service.version(), int64_t(1));
        saveWeights(f.weights, freshWeights(p, 21));
        QCOMPARE(waitForVersion(2), int64_t(2));
        saveWeights(f.weights, freshWeights(p, 22));
        QCOMPARE(waitForVersion(3), int64_t(3));
        httplib::Client admin("127.0.0.1", port);
        auto r = admin.Post("/v1/models/spirals:reload", "", "application/json");
        QVERIFY(r && r->status == 200);
        QCOMPARE(nlohmann::json::parse(r->body)["version"].get<int>(), 4);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        done = true;
        for (auto &c : clients)
            c.join();
        server.stop();
        QCOMPARE(failures.load(), 0);
        QCOMPARE(backwards.load(), 0);
        QVERIFY(answered > 20);
        std::lock_guard lock(logMutex);
        QVERIFY(log.size() >= 3);
        QVERIFY2(QString::fromStdString(log[0]).contains("refused"), log[0].c_str());
        QVERIFY(QString::fromStdString(log[1]).contains("serving version 2"));
    }

    // A client that sends half a request and waits holds one connection, not the server; it
    // is dropped after the read timeout.
    void slowClientsDoNotBlockOthers()
    {
        const ServedFiles f = writeSpirals(path("slow"), 3);
        ModelService service(f.project, f.weights);
        HttpOptions o = onAnyPort();
        o.readTimeoutSeconds = 1;
        ModelServer server(service, o);
        const int port = serve(server);
        RawSocket slow(port);
        QVERIFY(slow.connected());
        slow.send("POST /v1/models/spirals:predict HTTP/1.1\r\nHost: x\r\nContent-Length: "
                  "1000\r\n\r\n{\"instances\": [");
        std::vector<std::unique_ptr<RawSocket>> idle;
        for (int i = 0; i < 8; ++i)
            idle.push_back(std::make_unique<RawSocket>(port)); // connected, saying nothing
        httplib::Client client("127.0.0.1", port);
        for (int i = 0; i < 5; ++i) {
            auto r = client.Post("/v1/models/spirals:predict", kRequest, "application/json");
            QVERIFY(r && r->status == 200);
        }
        // The slow one is dropped by the server: its read ends (with a 400 or nothing).
        const auto start = std::chrono::steady_clock::now();
        slow.readAll();
        QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));
    }

    void saysWhyItCannotListen()
    {
        const ServedFiles f = writeSpirals(path("port"), 3);
        ModelService service(f.project, f.weights);
        HttpOptions o;
        o.port = 0;
        ModelServer first(service, o);
        o.port = first.bind();
        ModelServer second(service, o);
        try {
            second.bind();
            QFAIL("bound a port in use");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("in use"), e.what());
        }
        o.host = "203.0.113.7"; // not this machine's
        ModelServer third(service, o);
        QVERIFY_THROWS_EXCEPTION(Error, third.bind());
        // Started and stopped at once: stop() does not wait for a loop that never began.
        first.start();
        first.stop();
    }
};

QTEST_GUILESS_MAIN(TestModelServer)
#include "test_model_server.moc"
