// The Weights dock's plots: the histograms by epoch, the distribution bands, the norms.

#include "ui/insight/weights_panel.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace strata::ui {

namespace {

// TensorBoard's histogram colours: older epochs pale, the newest strong.
QColor epochColor(double age) // 0: newest, 1: oldest
{
    const QColor newest(230, 110, 20), oldest(250, 215, 180);
    const auto mix = [&](int a, int b) { return int(a + (b - a) * age); };
    return QColor(mix(newest.red(), oldest.red()), mix(newest.green(), oldest.green()),
                  mix(newest.blue(), oldest.blue()));
}

// The indices of at most `most` of n items, spread evenly, the last always included.
std::vector<int> spread(int n, int most)
{
    std::vector<int> out;
    if (n <= most) {
        for (int i = 0; i < n; ++i)
            out.push_back(i);
        return out;
    }
    for (int k = 0; k < most; ++k)
        out.push_back(int(std::lround(double(k) * (n - 1) / (most - 1))));
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

} // namespace

void WeightsPanel::drawHistograms(const std::vector<const strata::ValueStats *> &stats,
                                  const std::vector<int> &epochs)
{
    // One filled outline per epoch, its baseline at the epoch's row: the y axis counts epochs
    // down the plot, the newest (drawn last) in front.
    const std::vector<int> shown = spread(int(stats.size()), kMaxHistograms);
    const double rowHeight =
        shown.size() > 1 ? double(epochs[size_t(shown.back())] - epochs[size_t(shown.front())]) /
                               double(shown.size() - 1)
                         : 1.0;
    double lo = INFINITY, hi = -INFINITY;
    for (int i : shown) {
        lo = std::min(lo, stats[size_t(i)]->histogram.lo);
        hi = std::max(hi, stats[size_t(i)]->histogram.hi);
    }
    for (size_t k = 0; k < shown.size(); ++k) {
        const strata::ValueStats &s = *stats[size_t(shown[k])];
        const double base = epochs[size_t(shown[k])] + 1;
        const int64_t top = std::max<int64_t>(
            1, *std::max_element(s.histogram.counts.begin(), s.histogram.counts.end()));
        const double width = s.histogram.binWidth();
        auto *curve = new QCPCurve(distribution_->xAxis, distribution_->yAxis);
        QVector<double> t, x, y;
        const auto add = [&](double px, double py) {
            t << double(t.size());
            x << px;
            y << py;
        };
        add(s.histogram.lo, base);
        for (size_t b = 0; b < s.histogram.counts.size(); ++b) {
            const double h = base - 1.6 * rowHeight * double(s.histogram.counts[b]) / double(top);
            add(s.histogram.lo + width * (double(b) + 0.5), h);
        }
        add(s.histogram.hi, base);
        curve->setData(t, x, y, true);
        const double age = shown.size() > 1 ? 1.0 - double(k) / double(shown.size() - 1) : 0.0;
        const QColor colour = epochColor(age);
        curve->setPen(QPen(colour.darker(130), 1));
        curve->setBrush(colour);
        ++histograms_;
    }
    // Ticks at the epochs drawn (at most about ten labelled).
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    const size_t every = std::max<size_t>(1, (shown.size() + 9) / 10);
    for (size_t k = 0; k < shown.size(); ++k)
        if (k % every == 0 || k + 1 == shown.size())
            ticker->addTick(epochs[size_t(shown[k])] + 1,
                            QString::number(epochs[size_t(shown[k])] + 1));
    distribution_->yAxis->setTicker(ticker);
    distribution_->xAxis->setLabel(values_ == Values::Gradients ? tr("gradient") : tr("weight"));
    distribution_->yAxis->setLabel(tr("epoch"));
    distribution_->yAxis->setRangeReversed(true);
    const double first = epochs[size_t(shown.front())] + 1;
    const double last = epochs[size_t(shown.back())] + 1;
    distribution_->yAxis->setRange(first - 1.8 * rowHeight, last + 0.3 * rowHeight);
    const double pad = 0.03 * (hi - lo);
    distribution_->xAxis->setRange(lo - pad, hi + pad);
}

void WeightsPanel::drawBands(const std::vector<const strata::ValueStats *> &stats,
                             const std::vector<int> &epochs)
{
    // TensorBoard's distributions: for each percentile pair from the outside in, a band,
    // darker towards the median; the median as a line.
    constexpr size_t kCount = strata::kStatsPercentiles.size();
    std::vector<QCPGraph *> lines(kCount, nullptr);
    QVector<double> x;
    for (int e : epochs)
        x << double(e + 1);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t p = 0; p < kCount; ++p) {
        QVector<double> y;
        for (const strata::ValueStats *s : stats) {
            y << s->percentiles[p];
            lo = std::min(lo, s->percentiles[p]);
            hi = std::max(hi, s->percentiles[p]);
        }
        lines[p] = distribution_->addGraph();
        lines[p]->setData(x, y, true);
        lines[p]->setPen(p == kCount / 2 ? QPen(QColor(180, 80, 10), 2) : QPen(Qt::NoPen));
        if (stats.size() == 1)
            lines[p]->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
    }
    for (size_t p = 0; p < kCount / 2; ++p) {
        QColor band = QColor(230, 110, 20);
        band.setAlpha(45 + int(p) * 35);
        lines[p]->setBrush(band);
        lines[p]->setChannelFillGraph(lines[kCount - 1 - p]);
        ++bands_;
    }
    distribution_->xAxis->setLabel(tr("epoch"));
    distribution_->yAxis->setLabel(values_ == Values::Gradients ? tr("gradient") : tr("weight"));
    distribution_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    distribution_->yAxis->setRangeReversed(false);
    distribution_->xAxis->setRange(x.front() - 0.5, x.back() + 0.5);
    const double pad = hi > lo ? 0.05 * (hi - lo) : 0.5;
    distribution_->yAxis->setRange(lo - pad, hi + pad);
}

void WeightsPanel::drawNorms()
{
    norms_->clearGraphs();
    const std::string node = strata::parameterNode(tensorName().toStdString());
    QVector<double> x, weights, xg, gradients;
    for (const Epoch &e : epochs_)
        for (const strata::LayerNorm &l : strata::layerNorms(e.parameters))
            if (l.node == node) {
                x << e.epoch + 1;
                weights << l.weights;
                if (l.hasGradients) {
                    xg << e.epoch + 1;
                    gradients << l.gradients;
                }
            }
    auto *w = norms_->addGraph(norms_->xAxis, norms_->yAxis);
    const QString layer = QString::fromStdString(node);
    w->setName(tr("weight norm of %1").arg(layer));
    w->setData(x, weights, true);
    w->setPen(QPen(QColor(31, 119, 180), 2));
    w->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    auto *g = norms_->addGraph(norms_->xAxis, norms_->yAxis2);
    g->setName(tr("gradient norm of %1").arg(layer));
    g->setData(xg, gradients, true);
    g->setPen(QPen(QColor(214, 39, 40), 2, Qt::DashLine));
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, 6));
    norms_->yAxis2->setVisible(true);
    norms_->xAxis->setLabel(tr("epoch"));
    norms_->yAxis->setLabel(tr("weights (L2)"));
    norms_->yAxis2->setLabel(tr("gradients (L2)"));
    norms_->yAxis->setLabelColor(QColor(31, 119, 180));
    norms_->yAxis2->setLabelColor(QColor(214, 39, 40));
    norms_->legend->setVisible(true);
    norms_->legend->setBrush(QColor(255, 255, 255, 200));
    norms_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignHCenter);
    if (!x.isEmpty()) {
        norms_->xAxis->setRange(x.front() - 0.5, x.back() + 0.5);
        w->rescaleValueAxis(false, true);
        g->rescaleValueAxis(false, true);
        for (QCPAxis *axis : {norms_->yAxis, norms_->yAxis2}) {
            QCPRange r = axis->range();
            const double pad = std::max(1e-12, 0.1 * r.size());
            axis->setRange(std::max(0.0, r.lower - pad), r.upper + pad);
        }
    }
    norms_->replot();
}

} // namespace strata::ui
