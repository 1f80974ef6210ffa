// MetricPlot's compared runs: kept runs' epoch curves beside the live run's.

#include "widgets/metric_plot.h"

#include <qcustomplot.h>

#include <cmath>

namespace strata::widgets {

void MetricPlot::setComparedRuns(const std::vector<RunCurve> &runs)
{
    for (const auto &graphs : comparedGraphs_)
        for (QCPGraph *g : graphs)
            plot_->removeGraph(g);
    comparedGraphs_.clear();
    comparedRuns_ = runs;
    comparedX_.clear();
    comparedY_.clear();
    const double s = lineScale_;
    for (const RunCurve &run : runs) {
        std::vector<QCPGraph *> graphs;
        const auto add = [&](const std::vector<double> &ys, const QString &name, Qt::PenStyle style,
                             QCPScatterStyle::ScatterShape shape) {
            QCPGraph *g = plot_->addGraph();
            g->setName(name);
            g->setPen(QPen(run.color, 1.6 * s, style));
            g->setScatterStyle(QCPScatterStyle(shape, QPen(run.color, 1.2), Qt::white, 5));
            for (size_t i = 0; i < ys.size() && i < run.epochs.size(); ++i) {
                if (!std::isfinite(ys[i]))
                    continue;
                g->addData(run.epochs[i], ys[i]);
                comparedX_.push_back(run.epochs[i]);
                comparedY_.push_back(ys[i]);
            }
            graphs.push_back(g);
        };
        // One legend entry per run, its training line; its validation line is the dashed one
        // in the same colour (as the live run's are circles and diamonds).
        add(run.train, run.name, Qt::SolidLine, QCPScatterStyle::ssCircle);
        if (!run.validation.empty()) {
            add(run.validation, tr("%1 (validation)").arg(run.name), Qt::DashLine,
                QCPScatterStyle::ssDiamond);
            graphs.back()->removeFromLegend();
        }
        comparedGraphs_.push_back(std::move(graphs));
    }
    legendColumns_ = -1; // refit: entries came and went
    fitLegend();
    scheduleReplot();
}

QStringList MetricPlot::legendNames() const
{
    QStringList names;
    for (int i = 0; i < plot_->legend->itemCount(); ++i)
        if (auto *item = qobject_cast<QCPPlottableLegendItem *>(plot_->legend->item(i)))
            names << item->plottable()->name();
    return names;
}

} // namespace strata::widgets
