#include "widgets/image_grid.h"

#include <QFontMetrics>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace strata::widgets {

namespace {

constexpr int kSpacing = 6;

} // namespace

ImageGrid::ImageGrid(QWidget *parent) : QWidget(parent)
{
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

QImage ImageGrid::imageFromChw(const float *data, int channels, int height, int width)
{
    if (!data || channels < 1 || height < 1 || width < 1)
        return {};
    const int plane = height * width;
    const bool rgb = channels == 3;
    const int used = rgb ? 3 : 1;
    float lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < used * plane; ++i)
        if (std::isfinite(data[i])) {
            lo = std::min(lo, data[i]);
            hi = std::max(hi, data[i]);
        }
    // The scale that maps the stored range to 0..255.
    float offset = 0, scale = 255;
    if (!std::isfinite(lo)) {
        scale = 0;
    } else if (lo >= 0 && hi <= 1) {
        scale = 255;
    } else if (lo >= 0 && hi <= 255) {
        scale = 1;
    } else {
        offset = lo;
        scale = hi > lo ? 255 / (hi - lo) : 0;
    }
    auto byte = [&](float v) {
        if (!std::isfinite(v))
            return 0;
        return std::clamp(static_cast<int>(std::lround((v - offset) * scale)), 0, 255);
    };
    QImage image(width, height, rgb ? QImage::Format_RGB32 : QImage::Format_Grayscale8);
    for (int y = 0; y < height; ++y) {
        if (rgb) {
            auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
            for (int x = 0; x < width; ++x) {
                const int i = y * width + x;
                line[x] = qRgb(byte(data[i]), byte(data[plane + i]), byte(data[2 * plane + i]));
            }
        } else {
            uchar *line = image.scanLine(y);
            for (int x = 0; x < width; ++x)
                line[x] = static_cast<uchar>(byte(data[y * width + x]));
        }
    }
    return image;
}

void ImageGrid::setImages(std::vector<QImage> images, QStringList captions)
{
    images_ = std::move(images);
    captions_ = std::move(captions);
    updateGeometry();
    update();
}

void ImageGrid::clear()
{
    setImages({}, {});
}

void ImageGrid::setCellSize(int pixels)
{
    cellSize_ = std::max(8, pixels);
    updateGeometry();
    update();
}

int ImageGrid::cellWidth() const
{
    // Wide enough for a short class name even when the images are tiny; without captions,
    // the images alone.
    return captions_.isEmpty() ? cellSize_ : std::max(cellSize_, 80);
}

int ImageGrid::cellHeight() const
{
    return captions_.isEmpty() ? cellSize_ : cellSize_ + fontMetrics().height() + 4;
}

int ImageGrid::columnsForWidth(int width) const
{
    return std::max(1, (width - kSpacing) / (cellWidth() + kSpacing));
}

int ImageGrid::heightForWidth(int width) const
{
    const int columns = columnsForWidth(width);
    const int rows = (count() + columns - 1) / columns;
    return kSpacing + rows * (cellHeight() + kSpacing);
}

QSize ImageGrid::sizeHint() const
{
    const int width = kSpacing + 8 * (cellWidth() + kSpacing);
    return {width, heightForWidth(width)};
}

void ImageGrid::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (images_.empty()) {
        p.setPen(palette().placeholderText().color());
        p.drawText(rect(), Qt::AlignCenter, tr("No images"));
        return;
    }
    const int columns = columnsForWidth(width());
    const QFontMetrics fm = fontMetrics();
    for (int i = 0; i < count(); ++i) {
        const int col = i % columns, row = i / columns;
        const QRect cell(kSpacing + col * (cellWidth() + kSpacing),
                         kSpacing + row * (cellHeight() + kSpacing), cellWidth(), cellHeight());
        const QRect imageRect(cell.left() + (cellWidth() - cellSize_) / 2, cell.top(), cellSize_,
                              cellSize_);
        const QImage &image = images_[size_t(i)];
        if (!image.isNull())
            p.drawImage(imageRect, image.scaled(cellSize_, cellSize_, Qt::KeepAspectRatio,
                                                Qt::FastTransformation));
        p.setPen(palette().mid().color());
        p.drawRect(imageRect.adjusted(0, 0, -1, -1));
        if (i < captions_.size()) {
            p.setPen(palette().text().color());
            const QRect textRect(cell.left(), imageRect.bottom() + 2, cell.width(), fm.height());
            p.drawText(textRect, Qt::AlignHCenter | Qt::AlignTop,
                       fm.elidedText(captions_[i], Qt::ElideRight, cell.width()));
        }
    }
}

int ImageGrid::indexAt(QPoint pos) const
{
    const int columns = columnsForWidth(width());
    const int col = (pos.x() - kSpacing) / (cellWidth() + kSpacing);
    const int row = (pos.y() - kSpacing) / (cellHeight() + kSpacing);
    if (pos.x() < kSpacing || pos.y() < kSpacing || col >= columns)
        return -1;
    const int index = row * columns + col;
    return index < count() ? index : -1;
}

void ImageGrid::mousePressEvent(QMouseEvent *event)
{
    if (const int index = indexAt(event->position().toPoint()); index >= 0)
        emit imageClicked(index);
    QWidget::mousePressEvent(event);
}

} // namespace strata::widgets
