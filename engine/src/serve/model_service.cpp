#include "strata/model_service.h"

#include "serve/serve_metrics.h"
#include "serve/serve_request.h"
#include "serve/served_version.h"

#include "strata/backend.h"
#include "strata/errors.h"
#include "strata/image_input.h"
#include "strata/project.h"

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <new>
#include <thread>

namespace strata {

namespace {

// What identifies one weights file on disk: a replaced file (written beside and renamed, as
// Strata saves) has a new inode; one written in place a new size or time.
struct FileSignature
{
    bool exists = false;
    int64_t size = 0, mtimeNs = 0;
    uint64_t inode = 0;
    bool operator==(const FileSignature &) const = default;
};

FileSignature signatureOf(const std::string &path)
{
    struct stat st
    {
    };
    if (::stat(path.c_str(), &st) != 0)
        return {};
    return {true, int64_t(st.st_size),
            int64_t(st.st_mtim.tv_sec) * 1000000000 + int64_t(st.st_mtim.tv_nsec),
            uint64_t(st.st_ino)};
}

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

ServeReply jsonReply(int status, const nlohmann::json &j)
{
    return {status, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
            "application/json"};
}

} // namespace

struct ModelService::Impl
{
    Project project;
    std::string projectPath, weightsPath, name, inputName;
    ServeOptions options;
    int contexts = 1, threadsPerContext = 1;

    mutable std::mutex versionMutex;
    std::shared_ptr<serve::ServedVersion> current;

    std::mutex reloadMutex;
    mutable std::mutex fileMutex;
    FileSignature lastRead;
    std::string lastRefusal, lastRefusalAt;

    serve::ServeMetrics metrics;

    std::shared_ptr<serve::ServedVersion> serving() const
    {
        std::lock_guard lock(versionMutex);
        return current;
    }
};

ModelService::ModelService(const std::string &projectPath, const std::string &weightsPath,
                           ServeOptions options)
    : impl_(std::make_unique<Impl>())
{
    Impl &m = *impl_;
    m.project = loadProject(projectPath);
    m.projectPath = projectPath;
    m.weightsPath = weightsPath;
    m.options = options;
    m.name =
        options.name.empty() ? std::filesystem::path(projectPath).stem().string() : options.name;
    if (m.name.empty() || m.name.find_first_of("/:?# \t\r\n") != std::string::npos)
        throw Error("'" + m.name +
                    "' cannot be a model's name in a URL: use letters, digits, '-', '_' or '.' "
                    "(--name NAME)");
    for (const Node &n : m.project.graph.nodes())
        if (n.type == "Input")
            m.inputName = n.name.empty() ? n.id : n.name;
    const bool cpu = options.device.empty() || options.device == "cpu";
    unsigned hw = std::thread::hardware_concurrency();
    const int threads = options.threads > 0 ? options.threads : int(hw ? hw : 1);
    m.contexts = options.contexts > 0 ? options.contexts : (cpu ? threads : 1);
    m.threadsPerContext = std::max(1, threads / m.contexts);
    if (options.maxInstances < 1)
        throw Error("the largest request must take at least one instance");
    m.lastRead = signatureOf(weightsPath);
    m.current = std::make_shared<serve::ServedVersion>(m.project, weightsPath, 1, options.device,
                                                       m.contexts, m.threadsPerContext);
}

ModelService::~ModelService() = default;

const std::string &ModelService::name() const
{
    return impl_->name;
}
const std::string &ModelService::weightsPath() const
{
    return impl_->weightsPath;
}
int64_t ModelService::version() const
{
    return impl_->serving()->number();
}
int ModelService::threadsPerContext() const
{
    return impl_->threadsPerContext;
}
int ModelService::contexts() const
{
    return impl_->contexts;
}

ServeReply ModelService::predict(const std::string &body)
{
    const auto start = std::chrono::steady_clock::now();
    const std::shared_ptr<serve::ServedVersion> v = impl_->serving(); // kept to the end
    ServeReply reply;
    try {
        serve::Instances in = serve::parseInstances(body, v->inputShape(), impl_->inputName,
                                                    impl_->options.maxInstances);
        Dataset d;
        d.sampleShape = v->inputShape();
        d.features = std::move(in.values);
        d.labels.assign(size_t(in.count), 0);
        v->weights().normalization.apply(d); // as the training data was
        const std::vector<float> p = v->probabilities(d.features, in.count);
        reply.body =
            serve::predictionsJson(p, in.count, v->outputs(), v->weights().classNames, v->number());
        impl_->metrics.countInstances(in.count);
    } catch (const serve::RequestError &e) {
        reply = {e.status(), serve::errorJson(e.what())};
    } catch (const std::bad_alloc &) {
        reply = {503, serve::errorJson("the server ran out of memory for this request; send "
                                       "fewer instances at a time")};
    } catch (const std::exception &e) {
        reply = {500, serve::errorJson(std::string("the model could not answer: ") + e.what())};
    }
    countRequest("predict", reply.status, secondsSince(start));
    return reply;
}

ServeReply ModelService::status() const
{
    const Impl &m = *impl_;
    const std::shared_ptr<serve::ServedVersion> v = m.serving();
    nlohmann::json j;
    j["model_version_status"] =
        nlohmann::json::array({{{"version", std::to_string(v->number())},
                                {"state", "AVAILABLE"},
                                {"status", {{"error_code", "OK"}, {"error_message", ""}}}}});
    j["name"] = m.name;
    j["project"] = m.project.name;
    j["weights"] = m.weightsPath;
    j["loaded_at"] = v->loadedAt();
    j["input_name"] = m.inputName;
    j["input_shape"] = v->inputShape();
    bool pictures = true;
    try {
        pictureShapeFor(v->inputShape());
    } catch (const Error &) {
        pictures = false;
    }
    j["takes_pictures"] = pictures;
    j["outputs"] = v->outputs();
    j["classes"] = v->weights().classNames;
    j["contexts"] = m.contexts;
    j["threads_per_context"] = m.threadsPerContext;
    {
        std::lock_guard lock(m.fileMutex);
        if (!m.lastRefusal.empty())
            j["last_refused"] = {{"at", m.lastRefusalAt}, {"reason", m.lastRefusal}};
    }
    return jsonReply(200, j);
}

ServeReply ModelService::reload()
{
    const auto start = std::chrono::steady_clock::now();
    Impl &m = *impl_;
    std::lock_guard reloading(m.reloadMutex); // one at a time
    const std::shared_ptr<serve::ServedVersion> old = m.serving();
    const FileSignature signature = signatureOf(m.weightsPath);
    ServeReply reply;
    try {
        auto fresh = std::make_shared<serve::ServedVersion>(m.project, m.weightsPath,
                                                            old->number() + 1, m.options.device,
                                                            m.contexts, m.threadsPerContext);
        {
            std::lock_guard lock(m.versionMutex);
            m.current = fresh;
        }
        reply = jsonReply(200, {{"version", fresh->number()},
                                {"previous_version", old->number()},
                                {"loaded_at", fresh->loadedAt()},
                                {"weights", m.weightsPath}});
        m.metrics.countReload(true);
    } catch (const std::exception &e) {
        const std::string reason = dynamic_cast<const std::bad_alloc *>(&e)
                                       ? "out of memory while loading it"
                                       : std::string(e.what());
        {
            std::lock_guard lock(m.fileMutex);
            m.lastRefusal = reason;
            m.lastRefusalAt = serve::utcNow();
        }
        reply = jsonReply(422, {{"error", "the new weights were refused: " + reason + "; version " +
                                              std::to_string(old->number()) + " keeps serving"},
                                {"version", old->number()}});
        m.metrics.countReload(false);
    }
    {
        std::lock_guard lock(m.fileMutex);
        m.lastRead = signature;
    }
    countRequest("reload", reply.status, secondsSince(start));
    return reply;
}

bool ModelService::weightsFileChanged() const
{
    const FileSignature now = signatureOf(impl_->weightsPath);
    std::lock_guard lock(impl_->fileMutex);
    return now.exists && !(now == impl_->lastRead);
}

std::string ModelService::metrics() const
{
    return impl_->metrics.prometheus(impl_->name, version());
}

void ModelService::countRequest(const std::string &endpoint, int status, double seconds)
{
    impl_->metrics.countRequest(endpoint, status, seconds);
}

} // namespace strata
