// MetricPlot's exports: the series as CSV, the plot as PNG or PDF.

#include "widgets/metric_plot.h"

#include <qcustomplot.h>

#include <QFile>
#include <QTextStream>

namespace strata::widgets {

namespace {

QString number(double v)
{
    return QString::number(v, 'g', 5);
}

} // namespace

QString MetricPlot::toCsv() const
{
    QString out;
    QTextStream s(&out);
    s << "series,epoch," << metricName_ << ",smoothed\n";
    for (size_t i = 0; i < batchX_.size(); ++i)
        s << "batch_train," << number(batchX_[i]) << ',' << number(batchY_[i]) << ','
          << number(batchSmoothed_[i]) << '\n';
    for (size_t i = 0; i < epochX_.size(); ++i)
        s << "epoch_train," << number(epochX_[i]) << ',' << number(epochTrainY_[i]) << ",\n";
    for (size_t i = 0; i < valX_.size(); ++i)
        s << "epoch_validation," << number(valX_[i]) << ',' << number(valY_[i]) << ",\n";
    return out;
}

bool MetricPlot::saveCsv(const QString &path) const
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
        return false;
    const QByteArray bytes = toCsv().toUtf8();
    return file.write(bytes) == bytes.size();
}

bool MetricPlot::savePng(const QString &path, int width, int height)
{
    hideReadout();
    updateRanges();
    // Twice the pixel density so the image stays sharp in documents and on HiDPI screens.
    return plot_->savePng(path, width, height, 2.0);
}

bool MetricPlot::savePdf(const QString &path, int width, int height)
{
    hideReadout();
    updateRanges();
    return plot_->savePdf(path, width, height);
}

} // namespace strata::widgets
