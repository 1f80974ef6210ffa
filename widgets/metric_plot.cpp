#include "widgets/metric_plot.h"

#include "widgets/throttle.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace strata::widgets {

namespace {

constexpr double kMaxSmoothing = 0.999;
constexpr double kReadoutReachPx = 24;

QString number(double v)
{
    return QString::number(v, 'g', 5);
}

// TensorBoard's update for one value; returns the debiased smoothed value.
double emaStep(double value, double weight, double &last, int &count)
{
    last = last * weight + (1 - weight) * value;
    ++count;
    const double debias = 1 - std::pow(weight, count);
    return debias > 0 ? last / debias : value;
}

} // namespace

std::vector<double> smoothSeries(const std::vector<double> &values, double weight)
{
    std::vector<double> out;
    out.reserve(values.size());
    double last = 0;
    int count = 0;
    for (double v : values)
        out.push_back(std::isfinite(v) ? emaStep(v, weight, last, count) : v);
    return out;
}

QColor trainColor()
{
    return QColor(31, 119, 180); // matplotlib's tab:blue, what users know from Keras plots
}

QColor validationColor()
{
    return QColor(230, 110, 20); // tab:orange, darkened a little for contrast on white
}

MetricPlot::MetricPlot(const QString &metricName, QWidget *parent)
    : QWidget(parent), metricName_(metricName), plot_(new QCustomPlot(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
    setMinimumSize(280, 200);
    // The GUI thread must keep up with training: thousands of batch segments are drawn as one
    // polyline without antialiasing (they are thin and faint), only epoch curves are smoothed.
    plot_->setPlottingHints(QCP::phFastPolylines | QCP::phCacheLabels);
    // A new batch point redraws the plot at most every kBatchReplotIntervalMs after the last
    // drawing: the per-batch curve moves a pixel at a time, and at 30 drawings a second the
    // studio trained at 0.77 of strata-cli's speed on 2 cores (bench/studio_vs_cli.sh).
    batchReplot_ = new Throttle(
        kBatchReplotIntervalMs, [this] { scheduleReplot(); }, this);
    connect(plot_, &QCustomPlot::afterReplot, this, [this] {
        batchReplot_->ran();
        ++replots_;
    });

    batchRaw_ = plot_->addGraph();
    batchRaw_->removeFromLegend();
    batchRaw_->setAntialiased(false);

    batchSmooth_ = plot_->addGraph();
    batchSmooth_->setName(tr("train (batches, smoothed)"));
    batchSmooth_->setAntialiased(false);

    epochTrain_ = plot_->addGraph();
    epochTrain_->setName(tr("train (epoch)"));

    epochVal_ = plot_->addGraph();
    epochVal_->setName(tr("validation (epoch)"));
    applyPens();

    tracer_ = new QCPItemTracer(plot_);
    tracer_->setStyle(QCPItemTracer::tsCircle);
    tracer_->setSize(9);
    tracer_->setPen(QPen(QColor(40, 40, 40), 1.5));
    tracer_->setVisible(false);

    readoutLabel_ = new QCPItemText(plot_);
    readoutLabel_->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    readoutLabel_->setTextAlignment(Qt::AlignLeft);
    readoutLabel_->setPadding(QMargins(5, 3, 5, 3));
    readoutLabel_->setBrush(QColor(255, 255, 255, 235));
    readoutLabel_->setPen(QPen(QColor(150, 150, 150)));
    readoutLabel_->setClipToAxisRect(false);
    readoutLabel_->setVisible(false);

    setupAxes();
    updateRanges();

    // Ranges follow the data once per repaint, not once per point (O(n) each time).
    connect(plot_, &QCustomPlot::beforeReplot, this, &MetricPlot::updateRanges);
    plot_->setMouseTracking(true); // hover read-out without a pressed button
    connect(plot_, &QCustomPlot::mouseMove, this,
            [this](QMouseEvent *event) { showReadoutNear(event->position()); });
    plot_->installEventFilter(this);
}

void MetricPlot::applyPens()
{
    const double s = lineScale_;
    // Points grow less than lines: many epochs of big markers would hide the curve.
    const double point = 1 + (s - 1) * 0.3;
    const QColor train = trainColor();
    QColor faint = train;
    faint.setAlpha(60);
    batchRaw_->setPen(QPen(faint, 1 * s));
    // Lighter and thinner than the epoch curve, which is what the eye should follow.
    batchSmooth_->setPen(QPen(train.lighter(150), 1.2 * s));
    epochTrain_->setPen(QPen(train.darker(115), 2 * s));
    epochTrain_->setScatterStyle(QCPScatterStyle(
        QCPScatterStyle::ssCircle, QPen(train.darker(115), 1.5 * point), Qt::white, 6 * point));
    epochVal_->setPen(QPen(validationColor(), 2 * s));
    epochVal_->setScatterStyle(QCPScatterStyle(
        QCPScatterStyle::ssDiamond, QPen(validationColor(), 1.5 * point), Qt::white, 7 * point));
}

void MetricPlot::setLineWidthScale(double scale)
{
    scale = std::clamp(scale, 0.5, 5.0);
    if (scale == lineScale_)
        return;
    lineScale_ = scale;
    applyPens();
    if (!comparedRuns_.empty())
        setComparedRuns(std::vector<RunCurve>(comparedRuns_)); // their pens scale too
    scheduleReplot();
}

void MetricPlot::applyFonts()
{
    const QFont base = font();
    QFont tickFont = base;
    tickFont.setPointSizeF(std::max(8.0, base.pointSizeF() - 1));
    QFont titleFont = base;
    titleFont.setPointSizeF(base.pointSizeF() + 1);
    titleFont.setBold(true);
    if (title_)
        title_->setFont(titleFont);
    plot_->legend->setFont(tickFont);
    for (QCPAxis *axis : {plot_->xAxis, plot_->yAxis}) {
        axis->setLabelFont(base);
        axis->setTickLabelFont(tickFont);
    }
}

void MetricPlot::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange && title_) {
        applyFonts();
        fitLegend();
        scheduleReplot();
    }
}

void MetricPlot::setupAxes()
{
    // Title above, legend below the axes, so neither ever covers a curve.
    plot_->plotLayout()->insertRow(0);
    QString title = metricName_;
    if (!title.isEmpty())
        title[0] = title[0].toUpper();
    title_ = new QCPTextElement(plot_, title);
    plot_->plotLayout()->addElement(0, 0, title_);
    auto *legendRow = new QCPLayoutGrid;
    plot_->plotLayout()->addElement(2, 0, legendRow);
    legendRow->setMargins(QMargins(5, 0, 5, 4));
    legendRow->addElement(0, 0, plot_->legend);
    plot_->plotLayout()->setRowStretchFactor(2, 0.001);
    plot_->legend->setVisible(true);
    plot_->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot_->legend->setBorderPen(Qt::NoPen);
    plot_->legend->setIconSize(22, 10);

    auto fixed = QSharedPointer<QCPAxisTickerFixed>::create();
    fixed->setTickStep(1);
    fixed->setScaleStrategy(QCPAxisTickerFixed::ssMultiples); // whole epochs: 1, 2, 5, 10...
    plot_->xAxis->setTicker(fixed);
    plot_->xAxis->setLabel(tr("epoch"));
    plot_->yAxis->setLabel(metricName_);
    for (QCPAxis *axis : {plot_->xAxis, plot_->yAxis}) {
        axis->grid()->setPen(QPen(QColor(225, 225, 225), 1));
        axis->setBasePen(QPen(QColor(120, 120, 120)));
        axis->setTickPen(QPen(QColor(120, 120, 120)));
        axis->setSubTickPen(QPen(QColor(160, 160, 160)));
    }
    applyFonts();
}

void MetricPlot::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    fitLegend();
}

void MetricPlot::fitLegend()
{
    // One row when every entry fits beside the others, else two per row when the two widest
    // fit side by side, else one per row: a narrow plot never clips its legend.
    QCPLegend *legend = plot_->legend;
    const QFontMetrics metrics(legend->font());
    int needed = 20, widest = 0;
    for (int i = 0; i < legend->itemCount(); ++i)
        if (auto *item = qobject_cast<QCPPlottableLegendItem *>(legend->item(i))) {
            const int w = metrics.horizontalAdvance(item->plottable()->name()) +
                          legend->iconSize().width() + legend->iconTextPadding() + 16;
            needed += w;
            widest = std::max(widest, w);
        }
    const int columns = width() >= needed ? 0 : width() >= 20 + 2 * widest ? 2 : 1;
    if (columns == legendColumns_)
        return;
    legendColumns_ = columns;
    legend->setWrap(columns);
    legend->setFillOrder(QCPLegend::foColumnsFirst, true);
    scheduleReplot();
}

void MetricPlot::addBatchPoint(double x, double value)
{
    batchX_.push_back(x);
    batchY_.push_back(value);
    const double s = std::isfinite(value) ? emaStep(value, smoothing_, emaLast_, emaCount_) : value;
    batchSmoothed_.push_back(s);
    batchRaw_->addData(x, value);
    batchSmooth_->addData(x, s);
    batchReplot_->request();
}

void MetricPlot::addEpochPoint(int epoch, double train, std::optional<double> val)
{
    epochX_.push_back(epoch);
    epochTrainY_.push_back(train);
    epochTrain_->addData(epoch, train);
    if (val) {
        valX_.push_back(epoch);
        valY_.push_back(*val);
        epochVal_->addData(epoch, *val);
    }
    scheduleReplot();
}

void MetricPlot::addMarker(double x, const QString &label)
{
    markers_.push_back({x, label});
    auto *line = new QCPItemStraightLine(plot_);
    line->setPen(QPen(QColor(110, 110, 110), 1, Qt::DashLine));
    for (QCPItemPosition *p : {line->point1, line->point2}) {
        p->setTypeX(QCPItemPosition::ptPlotCoords);
        p->setTypeY(QCPItemPosition::ptAxisRectRatio);
        p->setAxisRect(plot_->axisRect());
    }
    line->point1->setCoords(x, 0);
    line->point2->setCoords(x, 1);

    auto *text = new QCPItemText(plot_);
    text->position->setTypeX(QCPItemPosition::ptPlotCoords);
    text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    text->position->setAxisRect(plot_->axisRect());
    // Successive labels step down so markers close together do not print over each other.
    const double row = static_cast<double>((markers_.size() - 1) % 3);
    text->position->setCoords(x, 0.02 + 0.08 * row);
    text->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    text->setPadding(QMargins(3, 1, 3, 1));
    text->setText(label);
    QFont small = font();
    small.setPointSizeF(std::max(7.5, font().pointSizeF() - 1.5));
    text->setFont(small);
    text->setColor(QColor(70, 70, 70));
    text->setBrush(QColor(255, 255, 255, 200));
    markerItems_.push_back(line);
    markerItems_.push_back(text);
    scheduleReplot();
}

void MetricPlot::clear()
{
    batchX_.clear();
    batchY_.clear();
    batchSmoothed_.clear();
    epochX_.clear();
    epochTrainY_.clear();
    valX_.clear();
    valY_.clear();
    markers_.clear();
    emaLast_ = 0;
    emaCount_ = 0;
    for (QCPGraph *g : {batchRaw_, batchSmooth_, epochTrain_, epochVal_})
        g->data()->clear();
    for (QCPAbstractItem *item : markerItems_)
        plot_->removeItem(item);
    markerItems_.clear();
    hideReadout();
    scheduleReplot();
}

void MetricPlot::setSmoothing(double weight)
{
    weight = std::clamp(weight, 0.0, kMaxSmoothing);
    if (weight == smoothing_)
        return;
    smoothing_ = weight;
    rebuildSmoothed();
    scheduleReplot();
}

void MetricPlot::rebuildSmoothed()
{
    emaLast_ = 0;
    emaCount_ = 0;
    batchSmoothed_.clear();
    batchSmoothed_.reserve(batchY_.size());
    for (double v : batchY_)
        batchSmoothed_.push_back(std::isfinite(v) ? emaStep(v, smoothing_, emaLast_, emaCount_)
                                                  : v);
    QVector<double> xs(batchX_.begin(), batchX_.end());
    QVector<double> ys(batchSmoothed_.begin(), batchSmoothed_.end());
    batchSmooth_->setData(xs, ys, true);
}

void MetricPlot::setLogScale(bool on)
{
    if (on == logScale_)
        return;
    logScale_ = on;
    if (on) {
        plot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
        plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    } else {
        plot_->yAxis->setScaleType(QCPAxis::stLinear);
        plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    }
    updateRanges(); // a linear range may start below zero, which a log axis cannot show
    hideReadout();
    scheduleReplot();
}

void MetricPlot::setValueBounds(double low, double high)
{
    bounds_ = std::make_pair(low, high);
    scheduleReplot();
}

void MetricPlot::updateRanges()
{
    double xMax = 1;
    for (const auto *xs : {&batchX_, &epochX_, &comparedX_})
        if (!xs->empty())
            xMax = std::max(xMax, *std::max_element(xs->begin(), xs->end()));
    plot_->xAxis->setRange(0, xMax + 0.02 * xMax);
    // Marker labels sit right of their line, or left of it near the right edge so they are
    // never cut off.
    for (QCPAbstractItem *item : markerItems_)
        if (auto *text = qobject_cast<QCPItemText *>(item))
            text->setPositionAlignment(
                (text->position->coords().x() > 0.75 * xMax ? Qt::AlignRight : Qt::AlignLeft) |
                Qt::AlignTop);

    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (const auto *ys : {&batchY_, &batchSmoothed_, &epochTrainY_, &valY_, &comparedY_})
        for (double v : *ys)
            if (std::isfinite(v) && (!logScale_ || v > 0)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
    if (!std::isfinite(lo)) {
        lo = logScale_ ? 0.01 : 0;
        hi = 1;
    }
    if (logScale_) {
        // A decade's tenth of head room on each side keeps end points off the frame.
        plot_->yAxis->setRange(lo / 1.25, hi * 1.25);
        return;
    }
    const double span = hi - lo > 1e-12 ? hi - lo : std::max(std::fabs(hi), 1.0) * 0.1;
    lo -= 0.06 * span;
    hi += 0.06 * span;
    if (bounds_) {
        const double pad = 0.02 * (bounds_->second - bounds_->first);
        lo = std::max(lo, bounds_->first - pad);
        hi = std::min(hi, bounds_->second + pad);
    }
    plot_->yAxis->setRange(lo, hi);
}

// The dashboard drains events at up to 10 Hz; a queued replot coalesces everything added in
// one drain into a single repaint.
void MetricPlot::scheduleReplot()
{
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QString MetricPlot::showReadoutNear(const QPointF &pos)
{
    struct Series
    {
        const std::vector<double> *xs;
        const std::vector<double> *ys;
        QString name;
    };
    const Series series[] = {
        {&batchX_, &batchSmoothed_, tr("train, batch (smoothed)")},
        {&epochX_, &epochTrainY_, tr("train, epoch")},
        {&valX_, &valY_, tr("validation, epoch")},
    };
    const Series *best = nullptr;
    size_t bestIndex = 0;
    double bestDistance = kReadoutReachPx;
    for (const Series &s : series) {
        for (size_t i = 0; i < s.xs->size(); ++i) {
            const double y = (*s.ys)[i];
            if (!std::isfinite(y) || (logScale_ && y <= 0))
                continue;
            const double dx = plot_->xAxis->coordToPixel((*s.xs)[i]) - pos.x();
            const double dy = plot_->yAxis->coordToPixel(y) - pos.y();
            // Epoch points win ties with the dense batch curve: they are what users aim at.
            const double d = std::hypot(dx, dy) - (s.xs == &batchX_ ? 0 : 4);
            if (d < bestDistance) {
                bestDistance = d;
                best = &s;
                bestIndex = i;
            }
        }
    }
    if (!best) {
        hideReadout();
        return {};
    }
    const double x = (*best->xs)[bestIndex];
    const double y = (*best->ys)[bestIndex];
    QString text = tr("%1\nepoch %2\n%3 %4").arg(best->name, number(x), metricName_, number(y));
    if (best->xs == &batchX_ && smoothing_ > 0)
        text += tr("  (raw %1)").arg(number(batchY_[bestIndex]));
    tracer_->position->setCoords(x, y);
    tracer_->setVisible(true);
    // Keep the label inside the widget: flip it to the left/below near the right/top edge.
    const QPointF anchor(plot_->xAxis->coordToPixel(x), plot_->yAxis->coordToPixel(y));
    const bool flipX = anchor.x() > plot_->width() * 0.6;
    const bool flipY = anchor.y() < plot_->height() * 0.3;
    readoutLabel_->setPositionAlignment((flipX ? Qt::AlignRight : Qt::AlignLeft) |
                                        (flipY ? Qt::AlignTop : Qt::AlignBottom));
    readoutLabel_->position->setType(QCPItemPosition::ptAbsolute);
    readoutLabel_->position->setCoords(anchor.x() + (flipX ? -10 : 10),
                                       anchor.y() + (flipY ? 10 : -10));
    readoutLabel_->setText(text);
    readoutLabel_->setVisible(true);
    readout_ = text;
    plot_->replot(QCustomPlot::rpQueuedReplot);
    return text;
}

void MetricPlot::hideReadout()
{
    if (!tracer_->visible() && !readoutLabel_->visible())
        return;
    tracer_->setVisible(false);
    readoutLabel_->setVisible(false);
    readout_.clear();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

bool MetricPlot::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == plot_ && event->type() == QEvent::Leave)
        hideReadout();
    return QWidget::eventFilter(watched, event);
}

} // namespace strata::widgets
