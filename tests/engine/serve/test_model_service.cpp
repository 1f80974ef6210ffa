// The served model without a network: predictions equal the engine's (numbers and pictures),
// a table of malformed requests each answered with its status and a message, hot swap (a good
// file swapped in, bad files refused while the old version keeps answering), requests running
// through swaps from several threads, the status and the metrics.

#include "serve_fixture.h"

#include "strata/errors.h"
#include "strata/image_input.h"
#include "strata/model_service.h"

#include <stb_image_write.h>

#include <QtTest>

#include <atomic>
#include <cmath>
#include <fstream>
#include <thread>

using namespace strata;
using namespace strata::test;

namespace {

std::string base64(const std::vector<uint8_t> &bytes)
{
    static const char *abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (size_t i = 0; i < bytes.size(); i += 3) {
        const uint32_t n = uint32_t(bytes[i]) << 16 |
                           (i + 1 < bytes.size() ? uint32_t(bytes[i + 1]) << 8 : 0) |
                           (i + 2 < bytes.size() ? uint32_t(bytes[i + 2]) : 0);
        out += abc[n >> 18 & 63];
        out += abc[n >> 12 & 63];
        out += i + 1 < bytes.size() ? abc[n >> 6 & 63] : '=';
        out += i + 2 < bytes.size() ? abc[n & 63] : '=';
    }
    return out;
}

std::vector<uint8_t> pngOf(const Picture8 &p)
{
    std::vector<uint8_t> out;
    stbi_write_png_to_func(
        [](void *context, void *data, int size) {
            auto *bytes = static_cast<std::vector<uint8_t> *>(context);
            bytes->insert(bytes->end(), static_cast<uint8_t *>(data),
                          static_cast<uint8_t *>(data) + size);
        },
        &out, p.width, p.height, p.channels, p.pixels.data(), p.width * p.channels);
    return out;
}

std::string rowsRequest(const std::vector<float> &rows, int64_t width)
{
    nlohmann::json list = nlohmann::json::array();
    for (size_t i = 0; i < rows.size(); i += size_t(width))
        list.push_back(std::vector<float>(rows.begin() + i, rows.begin() + i + width));
    return nlohmann::json{{"instances", list}}.dump();
}

} // namespace

class TestModelService : public QObject
{
    Q_OBJECT

    QTemporaryDir dir_;
    std::string path(const std::string &name) { return dir_.path().toStdString() + "/" + name; }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void predictionsEqualTheEngines()
    {
        const ServedFiles f = writeSpirals(dir_.path().toStdString(), 3);
        ModelService service(f.project, f.weights, ServeOptions{});
        QCOMPARE(service.name(), std::string("spirals"));
        QCOMPARE(service.version(), int64_t(1));
        // 70 rows: batches of 64, 4 and 2 inside the service.
        std::vector<float> rows;
        for (int i = 0; i < 140; ++i)
            rows.push_back(float(std::sin(i * 0.7) * 3));
        const ServeReply r = service.predict(rowsRequest(rows, 2));
        QVERIFY2(r.status == 200, r.body.c_str());
        const std::vector<float> got = replyProbabilities(r.body);
        const std::vector<float> want = enginePredict(f.project, f.weights, rows, 70);
        QCOMPARE(got.size(), want.size());
        for (size_t i = 0; i < got.size(); ++i)
            QVERIFY2(std::abs(got[i] - want[i]) < 1e-6f, qPrintable(QString::number(i)));
        const auto j = nlohmann::json::parse(r.body);
        QCOMPARE(j["model_version"].get<int>(), 1);
        const auto &first = j["predictions"][0];
        const int top = first["index"].get<int>();
        QCOMPARE(first["class"].get<std::string>(), "class " + std::to_string(top));
        QCOMPARE(first["probability"].get<float>(), want[size_t(top)]);
        // Nested by the input node's name, and "inputs" for "instances".
        const ServeReply named = service.predict(R"({"inputs": [{"x": [0.5, -1]}, [0.5, -1]]})");
        QCOMPARE(named.status, 200);
        const std::vector<float> p = replyProbabilities(named.body);
        QCOMPARE(p[0], p[2]);
    }

    void picturesAsBase64()
    {
        const std::string project = examplePath("keras_mnist_cnn.strata").toStdString();
        const std::string weights = path("cnn.safetensors");
        saveWeights(weights, freshWeights(loadProject(project), 5));
        ServeOptions o;
        o.contexts = 1;
        ModelService service(project, weights, o);
        Picture8 picture{40, 30, 3, {}}; // colour and another size: converted and resized
        for (int i = 0; i < 40 * 30 * 3; ++i)
            picture.pixels.push_back(uint8_t(i * 7 % 251));
        const ServeReply r =
            service.predict("{\"instances\": [{\"b64\": \"" + base64(pngOf(picture)) + "\"}]}");
        QVERIFY2(r.status == 200, r.body.c_str());
        const std::vector<float> x = pictureAsInput(picture, pictureShapeFor(Shape{1, 28, 28}));
        const std::vector<float> want = enginePredict(project, weights, x, 1);
        const std::vector<float> got = replyProbabilities(r.body);
        QCOMPARE(got.size(), size_t(10));
        for (size_t i = 0; i < got.size(); ++i)
            QVERIFY(std::abs(got[i] - want[i]) < 1e-6f);
        const auto status = nlohmann::json::parse(service.status().body);
        QCOMPARE(status["takes_pictures"].get<bool>(), true);
        QCOMPARE(status["input_shape"], nlohmann::json({1, 28, 28}));
    }

    void malformedRequests_data()
    {
        QTest::addColumn<QString>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("says");
        QTest::newRow("empty body") << "" << 400 << "not valid JSON";
        QTest::newRow("not json") << "instances=1,2" << 400 << "not valid JSON";
        QTest::newRow("truncated") << R"({"instances": [[1, 2])" << 400 << "not valid JSON";
        QTest::newRow("a list") << "[[1, 2]]" << 400 << "send an object";
        QTest::newRow("no instances") << R"({"rows": [[1, 2]]})" << 400 << "no \"instances\"";
        QTest::newRow("instances not a list")
            << R"({"instances": {"x": [1, 2]}})" << 400 << "must be a list";
        QTest::newRow("no instance") << R"({"instances": []})" << 400 << "nothing to predict";
        QTest::newRow("too few values")
            << R"({"instances": [[1, 2], [1]]})" << 400 << "instance 1 has 1 values";
        QTest::newRow("too many values") << R"({"instances": [[1, 2, 3, 4, 5]]})" << 400
                                         << "has 5 values but the model's input takes 2";
        QTest::newRow("a string") << R"({"instances": [["1", 2]]})" << 400 << "a string";
        QTest::newRow("null") << R"({"instances": [[null, 2]]})" << 400 << "holds null";
        QTest::newRow("true") << R"({"instances": [[true, 2]]})" << 400 << "true/false";
        QTest::newRow("overflowing float")
            << R"({"instances": [[1e39, 2]]})" << 400 << "not a finite 32-bit number";
        QTest::newRow("nested too deep")
            << R"({"instances": [[[[1]], 2]]})" << 400 << "nested deeper";
        QTest::newRow("object in list")
            << R"({"instances": [[{"b64": "AA=="}, 2]]})" << 400 << "an object inside a list";
        QTest::newRow("two keys") << R"({"instances": [{"x": [1, 2], "y": 1}]})" << 400
                                  << "holds one key";
        QTest::newRow("unknown key")
            << R"({"instances": [{"z": [1, 2]}]})" << 400 << "unknown key \"z\"";
        QTest::newRow("object in object")
            << R"({"instances": [{"x": {"x": [1, 2]}}]})" << 400 << "an object inside an object";
        QTest::newRow("picture to a table model")
            << R"({"instances": [{"b64": "iVBORw0KGgo="}]})" << 400 << "a picture was sent";
        QTest::newRow("b64 not text")
            << R"({"instances": [{"b64": 12}]})" << 400 << "not a base64 string";
        QTest::newRow("too many instances")
            << R"({"instances": [[1, 2], [1, 2], [1, 2], [1, 2], [1, 2]]})" << 413 << "at most 4";
    }

    void malformedRequests()
    {
        QFETCH(QString, body);
        QFETCH(int, status);
        QFETCH(QString, says);
        const ServedFiles f = writeSpirals(dir_.path().toStdString(), 3);
        ServeOptions o;
        o.maxInstances = 4;
        ModelService service(f.project, f.weights, o);
        const ServeReply r = service.predict(body.toStdString());
        QCOMPARE(r.status, status);
        const auto j = nlohmann::json::parse(r.body);
        const QString message = QString::fromStdString(j["error"].get<std::string>());
        QVERIFY2(message.contains(says), qPrintable(message));
        // The service goes on answering.
        QCOMPARE(service.predict(R"({"instances": [[1, 2]]})").status, 200);
    }

    void badPicturesAreTold_data()
    {
        QTest::addColumn<QString>("b64");
        QTest::addColumn<QString>("says");
        QTest::newRow("not base64") << "iVBO*w0K"
                                    << "character 4 is not base64";
        QTest::newRow("text after padding") << "AA==AA"
                                            << "after the '=' padding";
        QTest::newRow("cut in a byte") << "AAAAA"
                                       << "middle of a byte";
        QTest::newRow("not a picture") << "aGVsbG8gd29ybGQ="
                                       << "instance 0";
        QTest::newRow("a damaged PNG") << "iVBORw0KGgoAAAANSUhEUgAA"
                                       << "instance 0";
    }

    void badPicturesAreTold()
    {
        QFETCH(QString, b64);
        QFETCH(QString, says);
        const std::string project = examplePath("keras_mnist_cnn.strata").toStdString();
        const std::string weights = path("cnn-bad.safetensors");
        saveWeights(weights, freshWeights(loadProject(project), 5));
        ServeOptions o;
        o.contexts = 1;
        ModelService service(project, weights, o);
        const ServeReply r =
            service.predict("{\"instances\": [{\"b64\": \"" + b64.toStdString() + "\"}]}");
        QCOMPARE(r.status, 400);
        QVERIFY2(QString::fromStdString(r.body).contains(says), r.body.c_str());
    }

    void hotSwapChecksBeforeSwapping()
    {
        const ServedFiles f = writeSpirals(path("swap"), 3);
        const Project p = loadProject(f.project);
        ModelService service(f.project, f.weights, ServeOptions{});
        const std::string request = R"({"instances": [[0.3, -0.8]]})";
        const std::vector<float> v1 = replyProbabilities(service.predict(request).body);
        QVERIFY(!service.weightsFileChanged());

        auto refused = [&](const std::string &why) {
            QVERIFY(service.weightsFileChanged());
            const ServeReply r = service.reload();
            QCOMPARE(r.status, 422);
            QVERIFY2(QString::fromStdString(r.body).contains(QString::fromStdString(why)),
                     r.body.c_str());
            QVERIFY(QString::fromStdString(r.body).contains("version 1 keeps serving"));
            QVERIFY(!service.weightsFileChanged()); // not tried again until it changes
            QCOMPARE(service.version(), int64_t(1));
            QCOMPARE(replyProbabilities(service.predict(request).body), v1);
        };
        std::ofstream(f.weights, std::ios::binary | std::ios::trunc) << "not safetensors";
        refused("safetensors");
        WeightsFile nan = freshWeights(p, 4);
        nan.weights[0].second.data()[0] = std::nanf("");
        saveWeights(f.weights, nan);
        refused("holds NaN");
        Project other = p;
        other.graph.find("h1")->params["units"] = 16;
        saveWeights(f.weights, freshWeights(other, 4));
        refused("h1");
        std::filesystem::remove(f.weights);
        QVERIFY(!service.weightsFileChanged()); // a missing file is no new file
        QCOMPARE(service.reload().status, 422);
        const auto status = nlohmann::json::parse(service.status().body);
        QVERIFY(status.contains("last_refused"));

        saveWeights(f.weights, freshWeights(p, 9));
        QVERIFY(service.weightsFileChanged());
        const ServeReply ok = service.reload();
        QCOMPARE(ok.status, 200);
        QCOMPARE(nlohmann::json::parse(ok.body)["version"].get<int>(), 2);
        QCOMPARE(service.version(), int64_t(2));
        const std::vector<float> v2 = replyProbabilities(service.predict(request).body);
        QCOMPARE(v2, enginePredict(f.project, f.weights, {0.3f, -0.8f}, 1));
        QVERIFY(v2 != v1);

        const std::string metrics = service.metrics();
        QVERIFY(QString::fromStdString(metrics).contains(
            "strata_reloads_total{model=\"spirals\",result=\"refused\"} 4"));
        QVERIFY(QString::fromStdString(metrics).contains(
            "strata_reloads_total{model=\"spirals\",result=\"swapped\"} 1"));
        QVERIFY(
            QString::fromStdString(metrics).contains("strata_model_version{model=\"spirals\"} 2"));
        QVERIFY(QString::fromStdString(metrics).contains(
            "strata_requests_total{model=\"spirals\",endpoint=\"predict\",code=\"200\"} 5"));
    }

    // Four threads predict while versions are swapped in and bad files refused: every request
    // answered, each from a whole version (never a mix), versions only going up.
    void requestsRunThroughSwaps()
    {
        const ServedFiles f = writeSpirals(path("load"), 3);
        const Project p = loadProject(f.project);
        ServeOptions o;
        o.threads = 2;
        o.contexts = 2;
        ModelService service(f.project, f.weights, o);
        const std::string request = R"({"instances": [[0.3, -0.8], [1, 1]]})";
        std::map<int64_t, std::vector<float>> expected;
        expected[1] = enginePredict(f.project, f.weights, {0.3f, -0.8f, 1, 1}, 2);
        std::atomic<bool> done{false};
        std::atomic<int> failures{0}, answered{0}, backwards{0};
        std::mutex seenMutex;
        std::vector<std::pair<int64_t, std::vector<float>>> seen;
        std::vector<std::thread> clients;
        for (int t = 0; t < 4; ++t)
            clients.emplace_back([&] {
                int64_t last = 0;
                while (!done) {
                    const ServeReply r = service.predict(request);
                    if (r.status != 200) {
                        ++failures;
                        continue;
                    }
                    const auto j = nlohmann::json::parse(r.body);
                    const int64_t v = j["model_version"].get<int64_t>();
                    backwards += v < last;
                    last = v;
                    ++answered;
                    std::lock_guard lock(seenMutex);
                    seen.emplace_back(v, replyProbabilities(r.body));
                }
            });
        for (int round = 2; round <= 4; ++round) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            std::ofstream(f.weights, std::ios::trunc) << "{half a file";
            QCOMPARE(service.reload().status, 422);
            saveWeights(f.weights, freshWeights(p, uint64_t(round) * 11));
            expected[round] = enginePredict(f.project, f.weights, {0.3f, -0.8f, 1, 1}, 2);
            QCOMPARE(service.reload().status, 200);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        done = true;
        for (auto &c : clients)
            c.join();
        QCOMPARE(failures.load(), 0);
        QCOMPARE(backwards.load(), 0);
        QVERIFY(answered > 8);
        for (const auto &[v, probabilities] : seen) {
            QVERIFY(expected.count(v));
            for (size_t i = 0; i < probabilities.size(); ++i)
                QVERIFY(std::abs(probabilities[i] - expected[v][i]) < 1e-6f);
        }
        QCOMPARE(service.version(), int64_t(4));
    }

    void refusesWhatCannotBeServed()
    {
        const ServedFiles f = writeSpirals(path("refuse"), 3);
        QVERIFY_THROWS_EXCEPTION(Error, ModelService(f.project, path("missing.safetensors")));
        ServeOptions badName;
        badName.name = "a/b";
        QVERIFY_THROWS_EXCEPTION(Error, ModelService(f.project, f.weights, badName));
        QVERIFY_THROWS_EXCEPTION(Error, ModelService(path("nothing.strata"), f.weights));
    }
};

QTEST_GUILESS_MAIN(TestModelService)
#include "test_model_service.moc"
