#include "ui/inference/activation_view.h"

#include "widgets/image_grid.h"

#include <qcustomplot.h>

#include <QLabel>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace strata::ui {

namespace {

// Channels shown at most (a layer of 512 filters would be a wall of pictures).
constexpr int kMaxChannels = 64;

} // namespace

ActivationView::ActivationView(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("activationView"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    caption_ = new QLabel;
    caption_->setObjectName(QStringLiteral("activationCaption"));
    caption_->setWordWrap(true);
    layout->addWidget(caption_);
    pages_ = new QStackedWidget;
    grid_ = new widgets::ImageGrid;
    grid_->setCellSize(40);
    bars_ = new QCustomPlot;
    bars_->setMinimumHeight(140);
    bars_->xAxis->setLabel(tr("unit"));
    bars_->yAxis->setLabel(tr("output"));
    pages_->addWidget(grid_);
    pages_->addWidget(bars_);
    layout->addWidget(pages_, 1);
}

void ActivationView::clear(const QString &why)
{
    caption_->setText(why);
    grid_->clear();
    bars_->clearPlottables();
    bars_->replot();
    barCount_ = 0;
}

void ActivationView::show(const strata::Tensor &output, const QString &name)
{
    strata::Shape shape = output.shape();
    if (!shape.empty() && shape[0] == 1 && shape.size() > 1)
        shape.erase(shape.begin());
    const float *data = output.data();
    if (shape.size() == 3) {
        const int channels = static_cast<int>(shape[0]);
        const int height = static_cast<int>(shape[1]), width = static_cast<int>(shape[2]);
        std::vector<QImage> images;
        QStringList captions;
        const int shown = std::min(channels, kMaxChannels);
        for (int c = 0; c < shown; ++c) {
            // One channel at a time: each stretched to its own range.
            images.push_back(widgets::ImageGrid::imageFromChw(
                data + size_t(c) * size_t(height) * size_t(width), 1, height, width));
            captions << QString::number(c);
        }
        grid_->setImages(std::move(images), captions);
        pages_->setCurrentWidget(grid_);
        barCount_ = 0;
        caption_->setText(tr("%1: %2 channel(s) of %3×%4%5")
                              .arg(name)
                              .arg(channels)
                              .arg(height)
                              .arg(width)
                              .arg(channels > shown ? tr(" (the first %1)").arg(shown) : QString()));
        return;
    }
    // Anything else as one bar per value.
    const int n = static_cast<int>(strata::numel(shape));
    QVector<double> keys(n), values(n);
    double lo = 0, hi = 0;
    for (int i = 0; i < n; ++i) {
        keys[i] = i;
        values[i] = data[i];
        lo = std::min(lo, values[i]);
        hi = std::max(hi, values[i]);
    }
    bars_->clearPlottables();
    auto *bars = new QCPBars(bars_->xAxis, bars_->yAxis);
    bars->setData(keys, values, true);
    bars->setWidth(0.8);
    bars->setPen(Qt::NoPen);
    bars->setBrush(QColor(31, 119, 180));
    bars_->xAxis->setRange(-1, n);
    bars_->yAxis->setRange(lo - 0.05 * (hi - lo + 1e-9), hi + 0.05 * (hi - lo + 1e-9));
    bars_->replot();
    pages_->setCurrentWidget(bars_);
    barCount_ = n;
    grid_->clear();
    caption_->setText(tr("%1: %n unit(s)", nullptr, n).arg(name));
}

int ActivationView::channelCount() const
{
    return pages_->currentWidget() == grid_ ? grid_->count() : 0;
}

int ActivationView::barCount() const
{
    return barCount_;
}

QString ActivationView::caption() const
{
    return caption_->text();
}

} // namespace strata::ui
