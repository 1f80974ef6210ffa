#include "ui/boundary/boundary_panel.h"

#include "strata/shape_inference.h"
#include "ui/boundary/boundary_evaluator.h"
#include "ui/boundary/neuron_maps.h"
#include "ui/session/snapshots_while_shown.h"
#include "ui/session/training_session.h"

#include "strata/backend.h"
#include "strata/boundary_picture.h"
#include "strata/probe.h"
#include "widgets/scatter_plot.h"

#include <qcustomplot.h>

#include <QBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <exception>

namespace strata::ui {

namespace {

// The model and data a picture is of: a run's weights fit the project while these match.
std::string modelKey(const strata::Project &p)
{
    return p.graph.toJson().dump() + '\n' + strata::toJson(p.dataset).dump() + '\n' +
           strata::toJson(p.training).value("loss", nlohmann::json()).dump();
}

QColor toQColor(const strata::Rgb &c)
{
    return QColor(c.r, c.g, c.b);
}

// Cells hold predicted class + a margin + confidence (see kShadeMargin); each class's stretch
// of the gradient runs from its palest shade (a tie) to its surest, as strata-cli boundary
// draws. The margin keeps a cell off the jump between two classes' stretches, where the
// gradient's discrete levels would give it its neighbour's surest colour.
constexpr double kShadeMargin = 0.02;
constexpr int kGradientLevels = 2000;

double cellValue(const strata::Verdict &v)
{
    return v.predicted + kShadeMargin + (1 - 2 * kShadeMargin) * std::clamp(v.confidence, 0.0, 1.0);
}

QCPColorGradient classGradient(int classes)
{
    QCPColorGradient gradient;
    gradient.clearColorStops();
    for (int k = 0; k < classes; ++k) {
        const double from = (k + kShadeMargin) / classes;
        const double to = (k + 1 - kShadeMargin) / classes;
        gradient.setColorStopAt(from, toQColor(strata::shadeColor(k, 0)));
        gradient.setColorStopAt(to, toQColor(strata::shadeColor(k, 1)));
    }
    gradient.setLevelCount(kGradientLevels);
    return gradient;
}

QCPColorGradient valueGradient()
{
    QCPColorGradient gradient;
    gradient.clearColorStops();
    for (double t : {0.0, 0.25, 0.5, 0.75, 1.0})
        gradient.setColorStopAt(t, toQColor(strata::valueColor(t)));
    gradient.setLevelCount(256);
    return gradient;
}

QCPGraph *pointGraph(QCustomPlot *plot, QCPScatterStyle::ScatterShape shape, const QColor &fill,
                     const QPen &edge, double size)
{
    QCPGraph *graph = plot->addGraph();
    graph->setLineStyle(QCPGraph::lsNone);
    graph->setScatterStyle(QCPScatterStyle(shape, edge, QBrush(fill), size));
    graph->setAdaptiveSampling(false);
    return graph;
}

} // namespace

BoundaryPanel::BoundaryPanel(TrainingSession *session, QWidget *parent)
    : QWidget(parent), session_(session), evaluator_(new BoundaryEvaluator(this)),
      pacer_(new QTimer(this))
{
    setObjectName(QStringLiteral("boundaryPanel"));
    pacer_->setSingleShot(true);
    connect(pacer_, &QTimer::timeout, this, &BoundaryPanel::scheduleEvaluation);
    connect(evaluator_, &BoundaryEvaluator::evaluated, this,
            [this](std::shared_ptr<const BoundaryResult> result) {
                showResult(std::move(result));
                if (pending_)
                    scheduleEvaluation();
            });

    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("boundaryStatus"));
    // No word wrap in the panel's own lines: a wrapping label makes the panel's height depend
    // on its width, which a dock's scroll area does not give it.
    pages_ = new QStackedWidget(this);

    messageLabel_ = new QLabel(pages_);
    messageLabel_->setObjectName(QStringLiteral("boundaryMessage"));
    messageLabel_->setWordWrap(true);
    messageLabel_->setAlignment(Qt::AlignCenter);
    messageLabel_->setMargin(12);
    pages_->addWidget(messageLabel_);

    auto *content = new QWidget(pages_);
    auto *row = contentLayout_ = new QBoxLayout(QBoxLayout::LeftToRight, content);
    row->setContentsMargins(0, 0, 0, 0);
    auto *mapColumn = new QVBoxLayout;
    plot_ = new QCustomPlot(content);
    plot_->setObjectName(QStringLiteral("boundaryPlot"));
    plot_->setMinimumSize(180, 180);
    plot_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    plot_->setNoAntialiasingOnDrag(true);
    map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
    map_->setInterpolate(false);
    map_->setTightBoundary(false);
    // No axis titles: the plane is always the model's two input features (after the
    // dataset's normalisation), and a narrow dock needs the room for the map.
    connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent *event) {
        clicked(plot_->xAxis->pixelToCoord(event->position().x()),
                plot_->yAxis->pixelToCoord(event->position().y()));
    });
    clickLabel_ = new QLabel(tr("Click the map: the network's output there."), this);
    clickLabel_->setObjectName(QStringLiteral("boundaryClickOutput"));
    clickLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    mapColumn->addWidget(plot_, 1);
    row->addLayout(mapColumn, 3);

    auto *neuronColumn = new QVBoxLayout;
    auto *neuronTitle = new QLabel(tr("<b>Neuron maps</b> (hover to enlarge)"), content);
    neuronTitle->setToolTip(tr("Each hidden unit's output over the same plane: blue below 0, "
                               "white at 0, orange above"));
    neurons_ = new NeuronMaps;
    auto *scroll = new QScrollArea(content);
    scroll->setObjectName(QStringLiteral("neuronMapsScroll"));
    scroll->setWidget(neurons_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumHeight(NeuronMaps::kThumbnailSide + 14);
    neuronScroll_ = scroll;
    neuronColumn->addWidget(neuronTitle);
    neuronColumn->addWidget(scroll, 1);
    row->addLayout(neuronColumn, 2);
    pages_->addWidget(content);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(status_);
    layout->addWidget(clickLabel_);
    layout->addWidget(pages_, 1);

    connect(session_, &TrainingSession::snapshotAvailable, this,
            &BoundaryPanel::scheduleEvaluation);
    connect(session_, &TrainingSession::trainingStarted, this, [this] {
        // A model that cannot be drawn keeps its message; any other waits for the weights.
        if (shown_ && !shown_->problem.isEmpty())
            return;
        if (!isVisible())
            showMessage(tr("This run started while the panel was hidden, so it takes no weight "
                           "snapshots: the boundary of its final weights appears when it ends."));
        else
            showMessage(tr("Training: the boundary appears after the first batch."));
    });
    connect(session_, &TrainingSession::cleared, this, &BoundaryPanel::refresh);
    // Only a panel that can be seen makes runs take snapshots (from the next run on).
    new SnapshotsWhileShown(this, session_);
    showMessage(tr("Open a project whose model takes 2 input features to see its decision "
                   "boundary."));
}

BoundaryPanel::~BoundaryPanel() = default;

void BoundaryPanel::setProjectSource(ProjectSource source)
{
    source_ = std::move(source);
    refresh();
}

void BoundaryPanel::refresh()
{
    pending_ = true;
    scheduleEvaluation();
}

void BoundaryPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (pending_ || !shown_)
        refresh();
}

void BoundaryPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    const bool wide = width() >= 620;
    const auto direction = wide ? QBoxLayout::LeftToRight : QBoxLayout::TopToBottom;
    if (contentLayout_->direction() == direction)
        return;
    contentLayout_->setDirection(direction);
    contentLayout_->setStretch(0, wide ? 3 : 5);
    contentLayout_->setStretch(1, 2);
    // The panel's height for its width (its labels wrap) changes with the direction.
    contentLayout_->invalidate();
    updateGeometry();
}

void BoundaryPanel::scheduleEvaluation()
{
    pending_ = true;
    if (!isVisible() || evaluator_->isBusy() || !session_)
        return; // when shown, or when the evaluation in flight is done
    const int interval = session_->isTraining() ? redrawIntervalMs() : kMinRedrawMs;
    const qint64 since = sinceRequest_.isValid() ? sinceRequest_.elapsed() : interval;
    if (since < interval) {
        if (!pacer_->isActive())
            pacer_->start(int(interval - since));
        return;
    }
    pending_ = false;
    evaluateNow();
}

int BoundaryPanel::redrawIntervalMs() const
{
    return std::clamp(int(std::ceil(lastCostMs_ / kMaxShare)), kMinRedrawMs, kMaxRedrawMs);
}

void BoundaryPanel::evaluateNow()
{
    if (!session_)
        return; // the studio is closing
    BoundaryRequest request;
    request.cells = kCells;
    const strata::SnapshotPtr snapshot = session_->latestSnapshot();
    std::optional<std::pair<strata::Project, QString>> open;
    if (source_)
        open = source_();
    if (snapshot && (session_->isTraining() || !open ||
                     modelKey(open->first) == modelKey(session_->runProject()))) {
        request.project = session_->runProject();
        request.baseDir = session_->runBaseDir();
        request.snapshot = snapshot;
    } else if (session_->isTraining()) {
        return; // the first snapshot will come
    } else if (open) {
        request.project = std::move(open->first);
        request.baseDir = open->second;
    } else {
        return;
    }
    sinceRequest_.restart();
    requestedProject_ = request.project;
    evaluator_->request(std::move(request));
}

bool BoundaryPanel::projectFits() const
{
    if (!source_)
        return false;
    const strata::Graph graph = source_().first.graph;
    const strata::GraphAnalysis analysis = strata::analyze(graph);
    const strata::NodeAnalysis *input = analysis.find(analysis.inputNode);
    return input && input->output.size() == 1 && input->output[0] == 2;
}

void BoundaryPanel::showMessage(const QString &text)
{
    emit unitMapsChanged({}, {});
    messageLabel_->setText(text);
    pages_->setCurrentWidget(messageLabel_);
    status_->clear();
    status_->hide();
}

void BoundaryPanel::showResult(std::shared_ptr<const BoundaryResult> result)
{
    const double uploadStarted = threadCpuSeconds();
    shown_ = std::move(result);
    shownProject_ = requestedProject_;
    if (!shown_->problem.isEmpty()) {
        showMessage(tr("No decision boundary for this model.\n\n%1").arg(shown_->problem));
    } else if (shown_->untrained) {
        showMessage(tr("Train to see the boundary: press Train, and this panel shows which "
                       "class the network predicts at each point of the plane, with each hidden "
                       "unit's output, redrawn as it learns."));
    } else {
        drawMap(*shown_);
        drawPoints(*shown_);
        neurons_->setMaps(shown_->unitNames, shown_->unitImages);
        QStringList ids;
        for (const std::string &id : shown_->unitNodes)
            ids << QString::fromStdString(id);
        emit unitMapsChanged(ids, shown_->unitImages);
        const strata::WeightsSnapshot &s = *shown_->snapshot;
        int wrong = 0;
        for (const strata::BoundaryPoint &p : shown_->points)
            wrong += p.misclassified;
        // A picture of the run's last weights says so; one taken during the run says when.
        const bool final =
            session_ && !session_->isTraining() && session_->latestSnapshot() == shown_->snapshot;
        const QString when = !final
                                 ? tr("Training, epoch %1, batch %2").arg(s.epoch + 1).arg(s.batch)
                                 : tr("After the run (epoch %1)").arg(s.epoch + 1);
        status_->setText(
            tr("%1\n%2 of %n point(s) misclassified (ringed)", nullptr, int(shown_->points.size()))
                .arg(when)
                .arg(wrong));
        status_->setToolTip(tr("Circles: training samples; squares: samples held back for "
                               "validation; a black ring: the network gets it wrong"));
        status_->show();
        pages_->setCurrentIndex(1);
        // Drawn now, not queued, so that its cost counts in the pace of the next redraw.
        plot_->replot();
        ++redraws_;
    }
    lastCostMs_ = (shown_->seconds + threadCpuSeconds() - uploadStarted) * 1e3;
    emit updated();
}

void BoundaryPanel::drawMap(const BoundaryResult &result)
{
    const strata::BoundaryGrid &g = result.grid;
    const strata::GridSpec &spec = g.grid;
    QCPColorMapData *data = map_->data();
    data->setSize(spec.columns, spec.rows);
    data->setRange(QCPRange(spec.x(0), spec.x(spec.columns - 1)),
                   QCPRange(spec.y(0), spec.y(spec.rows - 1)));
    const int64_t k = g.outputs;
    if (g.kind == strata::BoundaryKind::Regression) {
        double lo = INFINITY, hi = -INFINITY;
        for (int r = 0; r < spec.rows; ++r)
            for (int c = 0; c < spec.columns; ++c) {
                const double v = g.cell(c, r)[0];
                data->setCell(c, r, v);
                if (std::isfinite(v)) {
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                }
            }
        if (!(hi > lo)) {
            lo = std::isfinite(lo) ? lo - 0.5 : 0;
            hi = lo + 1;
        }
        map_->setGradient(valueGradient());
        map_->setDataRange(QCPRange(lo, hi));
    } else {
        const int classes = g.kind == strata::BoundaryKind::Binary ? 2 : int(k);
        for (int r = 0; r < spec.rows; ++r)
            for (int c = 0; c < spec.columns; ++c) {
                const strata::Verdict v = strata::verdict(g.kind, g.cell(c, r), k);
                data->setCell(c, r, cellValue(v));
            }
        map_->setGradient(classGradient(classes));
        map_->setDataRange(QCPRange(0, classes));
    }
    plot_->xAxis->setRange(spec.xMin, spec.xMax);
    plot_->yAxis->setRange(spec.yMin, spec.yMax);
}

void BoundaryPanel::drawPoints(const BoundaryResult &result)
{
    plot_->clearGraphs();
    const bool regression = result.grid.kind == strata::BoundaryKind::Regression;
    const double crowd =
        std::min(1.0, std::sqrt(400.0 / std::max<size_t>(result.points.size(), 1)));
    const double size = std::max(5.0, 9.0 * crowd);
    // Rings first, under the points: a black ring marks a wrong answer.
    QCPGraph *rings =
        pointGraph(plot_, QCPScatterStyle::ssCircle, Qt::transparent, QPen(Qt::black, 2), size + 5);
    rings->setName(QStringLiteral("misclassified"));
    std::map<std::pair<int, bool>, QCPGraph *> series;
    for (const strata::BoundaryPoint &p : result.points) {
        if (p.misclassified)
            rings->addData(p.x, p.y);
        const int cls = p.label;
        QCPGraph *&graph = series[{cls, p.validation}];
        if (!graph) {
            // Under mse the point has its target's colour on the map's own scale.
            const QColor fill = regression ? map_->gradient().color(double(cls), map_->dataRange())
                                           : widgets::classColor(cls);
            graph = pointGraph(plot_,
                               p.validation ? QCPScatterStyle::ssSquare : QCPScatterStyle::ssCircle,
                               fill, QPen(Qt::white, 1), size);
        }
        graph->addData(p.x, p.y);
    }
}

const strata::GridSpec &BoundaryPanel::grid() const
{
    static const strata::GridSpec none;
    return shown_ && shown_->snapshot && shown_->problem.isEmpty() ? shown_->grid.grid : none;
}

QString BoundaryPanel::message() const
{
    return pages_->currentWidget() == messageLabel_ ? messageLabel_->text() : QString();
}

bool BoundaryPanel::hasBoundary() const
{
    return pages_->currentWidget() != messageLabel_ && shown_ && !shown_->grid.values.empty();
}

int BoundaryPanel::predictedClassAt(double x, double y) const
{
    if (!hasBoundary())
        return -1;
    const strata::BoundaryGrid &g = shown_->grid;
    const strata::GridSpec &s = g.grid;
    const int c = std::clamp(int((x - s.xMin) / (s.xMax - s.xMin) * s.columns), 0, s.columns - 1);
    const int r = std::clamp(int((y - s.yMin) / (s.yMax - s.yMin) * s.rows), 0, s.rows - 1);
    if (g.kind == strata::BoundaryKind::Regression)
        return int(std::lround(g.cell(c, r)[0]));
    return strata::verdict(g.kind, g.cell(c, r), g.outputs).predicted;
}

QString BoundaryPanel::outputTextAt(double x, double y)
{
    if (!hasBoundary())
        return tr("No boundary is shown: train a model on 2 input features first.");
    const strata::ThreadTeamRelease release; // on the GUI thread: see strata::releaseThreadTeam
    try {
        if (!clickProbe_ || clickProbeKey_ != modelKey(shownProject_)) {
            clickProbe_ = std::make_unique<strata::Probe>(shownProject_);
            clickProbeKey_ = modelKey(shownProject_);
            clickWeights_.reset();
        }
        if (clickWeights_ != shown_->snapshot) {
            clickProbe_->load(shown_->snapshot);
            clickWeights_ = shown_->snapshot;
        }
        const strata::Tensor p =
            clickProbe_->probabilities(strata::Tensor::fromVector({1, 2}, {float(x), float(y)}));
        const float *out = p.data();
        const int64_t k = p.numel();
        const QString where = tr("at (%1, %2)").arg(x, 0, 'f', 2).arg(y, 0, 'f', 2);
        const strata::BoundaryKind kind = shown_->grid.kind;
        if (kind == strata::BoundaryKind::Regression)
            return tr("%1: output %2").arg(where).arg(double(out[0]), 0, 'g', 4);
        const strata::Verdict v = strata::verdict(kind, out, k);
        const double chosen = kind == strata::BoundaryKind::Binary
                                  ? (v.predicted == 1 ? out[0] : 1.0 - out[0])
                                  : double(out[v.predicted]);
        return tr("%1: class %2, p = %3").arg(where).arg(v.predicted).arg(chosen, 0, 'f', 2);
    } catch (const std::exception &e) {
        return tr("The output at (%1, %2) cannot be computed: %3")
            .arg(x, 0, 'f', 2)
            .arg(y, 0, 'f', 2)
            .arg(QString::fromStdString(e.what()));
    }
}

void BoundaryPanel::clicked(double x, double y)
{
    clickLabel_->setText(outputTextAt(x, y));
}

strata::SnapshotPtr BoundaryPanel::shownSnapshot() const
{
    return hasBoundary() ? shown_->snapshot : nullptr;
}

QString BoundaryPanel::clickText() const
{
    return clickLabel_->text();
}

} // namespace strata::ui
