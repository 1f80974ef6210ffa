#include "widgets/scatter_plot.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace strata::widgets {

QColor classColor(int index)
{
    static const QColor palette[] = {
        {31, 119, 180}, {255, 127, 14},  {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
        {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207},
    };
    return palette[static_cast<size_t>(std::max(index, 0)) % std::size(palette)];
}

ScatterPlot::ScatterPlot(QWidget *parent) : QWidget(parent), plot_(new QCustomPlot(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
    setMinimumSize(220, 200);
    plot_->setAntialiasedElements(QCP::aePlottables);
    plot_->legend->setVisible(true);
    plot_->legend->setBrush(QColor(255, 255, 255, 220));
    plot_->legend->setBorderPen(QPen(QColor(200, 200, 200)));
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    setAxisLabels(QStringLiteral("x₀"), QStringLiteral("x₁"));
    for (QCPAxis *axis : {plot_->xAxis, plot_->yAxis})
        axis->grid()->setPen(QPen(QColor(225, 225, 225), 1));
}

void ScatterPlot::setAxisLabels(const QString &x, const QString &y)
{
    plot_->xAxis->setLabel(x);
    plot_->yAxis->setLabel(y);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void ScatterPlot::clear()
{
    plot_->clearGraphs();
    pointCount_ = 0;
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

int ScatterPlot::seriesCount() const
{
    return plot_->graphCount();
}

void ScatterPlot::setPoints(const std::vector<QPointF> &points, const std::vector<int> &classes,
                            const QStringList &names)
{
    plot_->clearGraphs();
    std::map<int, std::pair<QVector<double>, QVector<double>>> byClass;
    const size_t n = std::min(points.size(), classes.size());
    for (size_t i = 0; i < n; ++i) {
        auto &[xs, ys] = byClass[classes[i]];
        xs.push_back(points[i].x());
        ys.push_back(points[i].y());
    }
    pointCount_ = static_cast<int>(n);
    for (auto &[cls, xy] : byClass) {
        QCPGraph *g = plot_->addGraph();
        g->setLineStyle(QCPGraph::lsNone);
        QColor fill = classColor(cls);
        fill.setAlpha(170);
        g->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssDisc, classColor(cls).darker(120), fill, 6));
        g->setName(cls >= 0 && cls < names.size() ? names[cls] : QString::number(cls));
        g->setData(xy.first, xy.second); // sorted by x; order does not matter with no line
    }
    plot_->rescaleAxes();
    for (QCPAxis *axis : {plot_->xAxis, plot_->yAxis})
        axis->scaleRange(1.1, axis->range().center());
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace strata::widgets
