#include "ui/insight/weights_panel.h"

#include "ui/session/snapshots_while_shown.h"
#include "ui/session/training_session.h"
#include "widgets/image_grid.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace strata::ui {

namespace {

QString shapeText(const strata::Shape &shape)
{
    QStringList dims;
    for (int64_t d : shape)
        dims << QString::number(d);
    return dims.join(QStringLiteral("×"));
}

const strata::ParameterStats *findTensor(const std::vector<strata::ParameterStats> &all,
                                         const std::string &name)
{
    for (const auto &p : all)
        if (p.name == name)
            return &p;
    return nullptr;
}

void styleAxes(QCustomPlot *plot)
{
    plot->setNoAntialiasingOnDrag(true);
    plot->setMinimumHeight(150);
    for (QCPAxis *axis : {plot->xAxis, plot->yAxis, plot->yAxis2})
        axis->setLabelFont(plot->font());
}

} // namespace

WeightsPanel::WeightsPanel(TrainingSession *session, QWidget *parent)
    : QWidget(parent), session_(session)
{
    setObjectName(QStringLiteral("weightsPanel"));
    auto *layout = new QVBoxLayout(this);
    auto *controls = new QHBoxLayout;
    tensor_ = new QComboBox;
    tensor_->setObjectName(QStringLiteral("weightsTensor"));
    tensor_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    tensor_->setToolTip(tr("The layer's tensor to draw: its kernel (weight) or its bias"));
    valuesBox_ = new QComboBox;
    valuesBox_->setObjectName(QStringLiteral("weightsValues"));
    valuesBox_->addItems({tr("Weights"), tr("Gradients")});
    valuesBox_->setToolTip(tr("Weights after each epoch, or the gradients of its last batch"));
    viewBox_ = new QComboBox;
    viewBox_->setObjectName(QStringLiteral("weightsView"));
    viewBox_->addItems({tr("Histograms by epoch"), tr("Distribution over epochs")});
    viewBox_->setToolTip(tr("One histogram per epoch (newest in front), or bands between "
                            "percentiles (min, ±1σ, ±1.5σ, ±2σ of a normal, median)"));
    controls->addWidget(new QLabel(tr("Tensor")));
    controls->addWidget(tensor_);
    controls->addWidget(valuesBox_);
    controls->addWidget(viewBox_);
    controls->addStretch(1);
    layout->addLayout(controls);
    message_ = new QLabel;
    message_->setObjectName(QStringLiteral("weightsMessage"));
    message_->setWordWrap(true);
    layout->addWidget(message_);

    auto *body = new QHBoxLayout;
    auto *plots = new QVBoxLayout;
    distribution_ = new QCustomPlot;
    distribution_->setObjectName(QStringLiteral("weightsDistribution"));
    styleAxes(distribution_);
    norms_ = new QCustomPlot;
    norms_->setObjectName(QStringLiteral("weightsNorms"));
    styleAxes(norms_);
    norms_->setMinimumHeight(120);
    plots->addWidget(distribution_, 3);
    plots->addWidget(norms_, 2);
    body->addLayout(plots, 3);
    auto *filterColumn = new QVBoxLayout;
    filterCaption_ = new QLabel;
    filterCaption_->setWordWrap(true);
    filterCaption_->setObjectName(QStringLiteral("filterCaption"));
    filters_ = new widgets::ImageGrid;
    filters_->setObjectName(QStringLiteral("firstConvFilters"));
    filters_->setCellSize(40);
    filterColumn->addWidget(filterCaption_);
    filterColumn->addWidget(filters_, 1);
    body->addLayout(filterColumn, 1);
    layout->addLayout(body, 1);

    filterTimer_ = new QTimer(this);
    filterTimer_->setSingleShot(true);
    filterTimer_->setInterval(500); // filters at most twice a second while training
    connect(filterTimer_, &QTimer::timeout, this, &WeightsPanel::refreshFilters);
    redrawTimer_ = new QTimer(this);
    redrawTimer_->setSingleShot(true);
    redrawTimer_->setInterval(kRedrawMs);
    connect(redrawTimer_, &QTimer::timeout, this, &WeightsPanel::redraw);

    connect(tensor_, &QComboBox::currentIndexChanged, this, &WeightsPanel::redraw);
    connect(valuesBox_, &QComboBox::currentIndexChanged, this,
            [this](int i) { setValues(i == 1 ? Values::Gradients : Values::Weights); });
    connect(viewBox_, &QComboBox::currentIndexChanged, this,
            [this](int i) { setView(i == 1 ? View::Distributions : View::Histograms); });
    if (session_) {
        connect(session_, &TrainingSession::started, this, &WeightsPanel::reset);
        connect(session_, &TrainingSession::cleared, this, &WeightsPanel::reset);
        connect(session_, &TrainingSession::epochFinished, this, &WeightsPanel::addEpoch);
        const auto later = [this] {
            if (!filterTimer_->isActive())
                filterTimer_->start();
        };
        connect(session_, &TrainingSession::snapshotAvailable, this, later);
        connect(session_, &TrainingSession::finished, this, later);
        for (const strata::EpochMetrics &m : session_->epochs())
            addEpoch(m);
    }
    // Live filters only while someone can see them (from the next run on).
    new SnapshotsWhileShown(this, session_);
    redraw();
    refreshFilters();
}

WeightsPanel::~WeightsPanel() = default;

void WeightsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (stale_)
        redraw();
    refreshFilters();
}

void WeightsPanel::reset()
{
    epochs_.clear();
    fillTensors();
    redraw();
    refreshFilters();
}

void WeightsPanel::addEpoch(const strata::EpochMetrics &metrics)
{
    if (metrics.parameters.empty())
        return;
    // A replayed or repeated epoch replaces what was there from it on.
    while (!epochs_.empty() && epochs_.back().epoch >= metrics.epoch)
        epochs_.pop_back();
    epochs_.push_back({metrics.epoch, metrics.parameters});
    if (tensor_->count() != int(metrics.parameters.size()))
        fillTensors();
    redrawLater();
}

void WeightsPanel::redrawLater()
{
    // A small model ends many epochs per second: draw at most every kRedrawMs, and only what
    // can be seen (a hidden panel draws when it is shown).
    stale_ = true;
    if (isVisible() && !redrawTimer_->isActive())
        redrawTimer_->start();
}

void WeightsPanel::fillTensors()
{
    const QString current = tensor_->currentData().toString();
    QSignalBlocker block(tensor_);
    tensor_->clear();
    if (!epochs_.empty())
        for (const strata::ParameterStats &p : epochs_.back().parameters)
            tensor_->addItem(
                QStringLiteral("%1 (%2)").arg(QString::fromStdString(p.name), shapeText(p.shape)),
                QString::fromStdString(p.name));
    const int keep = tensor_->findData(current);
    tensor_->setCurrentIndex(keep >= 0 ? keep : 0);
}

bool WeightsPanel::selectTensor(const QString &name)
{
    const int i = tensor_->findData(name);
    if (i < 0)
        return false;
    tensor_->setCurrentIndex(i);
    redraw();
    return true;
}

void WeightsPanel::setValues(Values values)
{
    values_ = values;
    QSignalBlocker block(valuesBox_);
    valuesBox_->setCurrentIndex(values == Values::Gradients ? 1 : 0);
    redraw();
}

void WeightsPanel::setView(View view)
{
    view_ = view;
    QSignalBlocker block(viewBox_);
    viewBox_->setCurrentIndex(view == View::Distributions ? 1 : 0);
    redraw();
}

QString WeightsPanel::tensorName() const
{
    return tensor_->currentData().toString();
}

QStringList WeightsPanel::tensorNames() const
{
    QStringList names;
    for (int i = 0; i < tensor_->count(); ++i)
        names << tensor_->itemData(i).toString();
    return names;
}

QString WeightsPanel::message() const
{
    return message_->text();
}

void WeightsPanel::redraw()
{
    stale_ = false;
    redrawTimer_->stop();
    distribution_->clearPlottables();
    distribution_->clearItems();
    histograms_ = bands_ = 0;
    const std::string name = tensorName().toStdString();
    std::vector<const strata::ValueStats *> stats;
    std::vector<int> epochs;
    for (const Epoch &e : epochs_) {
        const strata::ParameterStats *p = findTensor(e.parameters, name);
        if (!p || (values_ == Values::Gradients && !p->hasGradients))
            continue;
        stats.push_back(values_ == Values::Gradients ? &p->gradients : &p->weights);
        epochs.push_back(e.epoch);
    }
    if (epochs_.empty())
        message_->setText(tr("Train the model: after each epoch this shows how every layer's "
                             "weights and gradients are distributed."));
    else if (stats.empty())
        message_->setText(tr("No gradients were taken for %1.").arg(tensorName()));
    else
        message_->clear();
    message_->setHidden(message_->text().isEmpty());
    if (!stats.empty()) {
        if (view_ == View::Histograms)
            drawHistograms(stats, epochs);
        else
            drawBands(stats, epochs);
    }
    distribution_->replot();
    drawNorms();
}

int WeightsPanel::weightNormPoints() const
{
    return norms_->graphCount() > 0 ? norms_->graph(0)->dataCount() : 0;
}

int WeightsPanel::gradientNormPoints() const
{
    return norms_->graphCount() > 1 ? norms_->graph(1)->dataCount() : 0;
}

int WeightsPanel::filterCount() const
{
    return filters_->count();
}

void WeightsPanel::refreshFilters()
{
    filters_->clear();
    filterLayer_.clear();
    strata::SnapshotPtr snapshot = session_ ? session_->latestSnapshot() : nullptr;
    const strata::Graph *graph = session_ ? &session_->runProject().graph : nullptr;
    std::string conv;
    if (graph)
        for (const strata::Node &n : graph->nodes())
            if (n.type == "Conv2D") {
                conv = n.id;
                break;
            }
    if (conv.empty() || !snapshot) {
        filterCaption_->setText(conv.empty() && snapshot
                                    ? tr("The model has no convolution: no filters to show.")
                                    : tr("The first convolution's filters appear here once the "
                                         "model has weights."));
        return;
    }
    const strata::Tensor *kernel = nullptr;
    for (const auto &[name, t] : snapshot->weights)
        if (name == conv + ".weight" && t.shape().size() == 4)
            kernel = &t;
    if (!kernel)
        return;
    const int out = int(kernel->shape()[0]), in = int(kernel->shape()[1]);
    const int kh = int(kernel->shape()[2]), kw = int(kernel->shape()[3]);
    const int channels = in == 3 ? 3 : 1; // RGB filters in colour, others by their first input
    const size_t plane = size_t(kh) * size_t(kw);
    std::vector<QImage> images;
    for (int o = 0; o < std::min(out, kMaxFilters); ++o) {
        const float *f = kernel->data() + size_t(o) * size_t(in) * plane;
        // Each filter stretched to 0-255 over its own range (bright: large weights).
        std::vector<float> v(f, f + size_t(channels) * plane);
        const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
        const float lo = *mn, span = std::max(*mx - *mn, 1e-12f);
        for (float &x : v)
            x = 255.f * (x - lo) / span;
        images.push_back(widgets::ImageGrid::imageFromChw(v.data(), channels, kh, kw));
    }
    filters_->setImages(std::move(images), {});
    const auto node = std::find_if(graph->nodes().begin(), graph->nodes().end(),
                                   [&](const strata::Node &n) { return n.id == conv; });
    filterLayer_ = QString::fromStdString(node->name.empty() ? node->id : node->name);
    filterCaption_->setText(tr("Filters of %1 (%2 of %3×%4%5), epoch %6")
                                .arg(filterLayer_)
                                .arg(std::min(out, kMaxFilters))
                                .arg(kh)
                                .arg(kw)
                                .arg(in == 3  ? tr(", RGB")
                                     : in > 1 ? tr(", input channel 0")
                                              : QString())
                                .arg(snapshot->epoch + 1));
}

} // namespace strata::ui
