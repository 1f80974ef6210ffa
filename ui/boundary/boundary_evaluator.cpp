#include "ui/boundary/boundary_evaluator.h"

#include "strata/backend.h"
#include "strata/boundary_picture.h"
#include "strata/dataset.h"
#include "strata/errors.h"
#include "strata/misclassified.h"
#include "strata/probe.h"

#include <QThread>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <exception>
#include <optional>

namespace strata::ui {

namespace {

std::vector<QImage> unitPictures(const strata::Tensor &units, const strata::GridSpec &grid)
{
    // The value scale as a table: a picture is 10,000 cells, and a model may have hundreds of
    // units.
    static const std::vector<QRgb> palette = [] {
        std::vector<QRgb> table(256);
        for (int i = 0; i < 256; ++i) {
            const strata::Rgb c = strata::valueColor(i / 255.0);
            table[size_t(i)] = qRgb(c.r, c.g, c.b);
        }
        return table;
    }();
    const int64_t cells = grid.cells();
    const int64_t count = units.numel() / std::max<int64_t>(cells, 1);
    const float *v = units.data();
    // Each unit's largest magnitude, the cells read in their order in memory.
    std::vector<float> largest(size_t(count), 0.f);
    for (int64_t c = 0; c < cells; ++c)
        for (int64_t u = 0; u < count; ++u)
            if (const float a = std::fabs(v[c * count + u]); std::isfinite(a))
                largest[size_t(u)] = std::max(largest[size_t(u)], a);
    std::vector<float> factor(static_cast<size_t>(count));
    std::vector<QImage> pictures;
    std::vector<QRgb *> pixels;
    for (int64_t u = 0; u < count; ++u) {
        factor[size_t(u)] = largest[size_t(u)] > 0 ? 127.5f / largest[size_t(u)] : 0.f;
        pictures.emplace_back(grid.columns, grid.rows, QImage::Format_RGB32);
        pixels.push_back(reinterpret_cast<QRgb *>(pictures.back().bits()));
    }
    for (int row = 0; row < grid.rows; ++row) {
        // y is up: row 0 of the grid is the picture's bottom line.
        const int64_t line = int64_t(grid.rows - 1 - row) * grid.columns;
        for (int column = 0; column < grid.columns; ++column) {
            const float *cell = v + (int64_t(row) * grid.columns + column) * count;
            for (int64_t u = 0; u < count; ++u) {
                const float t = 127.5f + cell[u] * factor[size_t(u)];
                const int index = std::isfinite(t) ? std::clamp(int(t + 0.5f), 0, 255) : 128;
                pixels[size_t(u)][line + column] = palette[size_t(index)];
            }
        }
    }
    return pictures;
}

} // namespace

// Lives on the evaluator's thread; everything it caches is touched there only.
class BoundaryEvaluator::Worker : public QObject
{
    Q_OBJECT

public:
    std::shared_ptr<const BoundaryResult> evaluate(const BoundaryRequest &request);

signals:
    void done(std::shared_ptr<const strata::ui::BoundaryResult> result);

private:
    strata::Probe &probeFor(const BoundaryRequest &request);
    const strata::DatasetBundle &dataFor(const BoundaryRequest &request);

    std::unique_ptr<strata::Probe> probe_;
    std::string probeKey_;
    std::optional<strata::DatasetBundle> data_;
    std::string dataKey_;
};

strata::Probe &BoundaryEvaluator::Worker::probeFor(const BoundaryRequest &r)
{
    const std::string key =
        r.project.graph.toJson().dump() + '\n' + strata::toJson(r.project.training).dump();
    if (!probe_ || key != probeKey_) {
        probe_.reset();
        probe_ = std::make_unique<strata::Probe>(r.project);
        probeKey_ = key;
    }
    return *probe_;
}

const strata::DatasetBundle &BoundaryEvaluator::Worker::dataFor(const BoundaryRequest &r)
{
    const std::string key =
        strata::toJson(r.project.dataset).dump() + '\n' + r.baseDir.toStdString();
    if (!data_ || key != dataKey_) {
        data_.reset();
        data_ = strata::loadDataset(r.project.dataset, r.baseDir.toStdString());
        dataKey_ = key;
    }
    return *data_;
}

std::shared_ptr<const BoundaryResult>
BoundaryEvaluator::Worker::evaluate(const BoundaryRequest &request)
{
    // This thread lives as long as the panel: its OpenMP workers go with each evaluation.
    const strata::ThreadTeamRelease release;
    auto result = std::make_shared<BoundaryResult>();
    result->snapshot = request.snapshot;
    double started = threadCpuSeconds();
    try {
        strata::Probe &probe = probeFor(request);
        // Before the data is read: a model on images never loads them here.
        strata::requireTwoFeatures(probe.inputShape());
        // Read before training starts, so that the first live picture does not wait for it.
        const strata::DatasetBundle &data = dataFor(request);
        if (!request.snapshot) {
            // A first evaluation sets up the probe's primitives before training starts, so
            // that the first live picture costs what every later one does.
            strata::evaluateGrid(probe,
                                 strata::gridAround({&data.train}, request.cells, request.cells),
                                 probe.hiddenUnitNodes());
            result->untrained = true;
            return result;
        }
        probe.load(request.snapshot);
        const strata::Dataset *test = data.test ? &*data.test : nullptr;
        const strata::GridSpec spec =
            strata::gridAround({&data.train, test}, request.cells, request.cells);
        result->unitNodes = probe.hiddenUnitNodes();
        for (const std::string &id : result->unitNodes) {
            QString name = QString::fromStdString(id);
            for (const strata::Node &node : probe.graph().nodes())
                if (node.id == id && !node.name.empty())
                    name = QString::fromStdString(node.name);
            result->unitNames.push_back(name);
        }
        started = threadCpuSeconds(); // what a redraw costs, without the set-up above
        result->grid = strata::evaluateGrid(probe, spec, result->unitNodes);
        for (const std::string &id : result->unitNodes)
            result->unitImages.push_back(unitPictures(result->grid.units.at(id), spec));
        // The samples training holds back (validation, and a test set) are the squares:
        // split as the trainer splits them.
        const strata::DataSplit split = strata::splitForTraining(data, request.project.training);
        result->points = strata::boundaryPoints(probe, split.train, false);
        if (split.validation && split.source != "test set") {
            const auto validation = strata::boundaryPoints(probe, *split.validation, true);
            result->points.insert(result->points.end(), validation.begin(), validation.end());
        }
        if (test) {
            const auto tested = strata::boundaryPoints(probe, *test, true);
            result->points.insert(result->points.end(), tested.begin(), tested.end());
        }
    } catch (const std::exception &e) {
        result->problem = QString::fromStdString(e.what());
        result->grid = {};
        result->points.clear();
        result->unitImages.clear();
    }
    result->seconds = threadCpuSeconds() - started;
    return result;
}

double threadCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

BoundaryEvaluator::BoundaryEvaluator(QObject *parent)
    : QObject(parent), thread_(new QThread(this)), worker_(new Worker)
{
    qRegisterMetaType<std::shared_ptr<const strata::ui::BoundaryResult>>();
    thread_->setObjectName(QStringLiteral("strata-boundary"));
    worker_->moveToThread(thread_);
    connect(worker_, &Worker::done, this, [this](std::shared_ptr<const BoundaryResult> result) {
        busy_ = false;
        emit evaluated(std::move(result));
    });
    thread_->start(QThread::LowPriority);
}

BoundaryEvaluator::~BoundaryEvaluator()
{
    disconnect(worker_, nullptr, this, nullptr);
    thread_->quit(); // after the evaluation in flight
    thread_->wait();
    delete worker_;
}

bool BoundaryEvaluator::request(BoundaryRequest request)
{
    if (busy_)
        return false;
    busy_ = true;
    Worker *worker = worker_;
    QMetaObject::invokeMethod(
        worker,
        [worker, request = std::move(request)] { emit worker->done(worker->evaluate(request)); },
        Qt::QueuedConnection);
    return true;
}

} // namespace strata::ui

#include "boundary_evaluator.moc"
