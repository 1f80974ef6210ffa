#include "ui/inference/drawing_pad.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>

namespace strata::ui {

DrawingPad::DrawingPad(QWidget *parent)
    : QWidget(parent), image_(kSide, kSide, QImage::Format_Grayscale8)
{
    setObjectName(QStringLiteral("drawingPad"));
    image_.fill(Qt::black);
    setCursor(Qt::CrossCursor);
    setToolTip(tr("Draw here with the mouse (white on black, as MNIST's digits)"));
}

void DrawingPad::clear()
{
    image_.fill(Qt::black);
    empty_ = true;
    update();
    emit changed();
}

void DrawingPad::setPicture(const QImage &picture)
{
    image_.fill(Qt::black);
    QPainter painter(&image_);
    const QImage fitted = picture.convertToFormat(QImage::Format_Grayscale8)
                              .scaled(kSide, kSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    painter.drawImage(QPoint((kSide - fitted.width()) / 2, (kSide - fitted.height()) / 2), fitted);
    empty_ = false;
    update();
}

QPointF DrawingPad::unit(QPointF p) const
{
    const double side = std::min(width(), height());
    return {std::clamp(p.x() / side, 0.0, 1.0), std::clamp(p.y() / side, 0.0, 1.0)};
}

void DrawingPad::stroke(QPointF a, QPointF b)
{
    QPainter painter(&image_);
    painter.setRenderHint(QPainter::Antialiasing);
    // About two MNIST pixels wide, as a pen stroke in the dataset.
    painter.setPen(QPen(Qt::white, kSide * 0.075, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter.drawLine(a * kSide, b * kSide);
    empty_ = false;
    update();
    emit changed();
}

void DrawingPad::setDrawable(bool drawable)
{
    if (drawable == drawable_)
        return;
    drawable_ = drawable;
    setCursor(drawable ? Qt::CrossCursor : Qt::ArrowCursor);
    setToolTip(drawable ? tr("Draw here with the mouse (white on black, as MNIST's digits)")
                        : tr("The picture asked about (drawing is for models that take 28×28 "
                             "gray pictures, as MNIST's digits)"));
    update();
}

void DrawingPad::mousePressEvent(QMouseEvent *event)
{
    if (!drawable_)
        return;
    last_ = unit(event->position());
    stroke(last_, last_);
}

void DrawingPad::mouseMoveEvent(QMouseEvent *event)
{
    if (!drawable_ || !(event->buttons() & Qt::LeftButton))
        return;
    const QPointF next = unit(event->position());
    stroke(last_, next);
    last_ = next;
}

void DrawingPad::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const int side = std::min(width(), height());
    painter.drawImage(QRect(0, 0, side, side), image_);
    painter.setPen(QColor(120, 120, 120));
    painter.drawRect(0, 0, side - 1, side - 1);
    if (empty_ && drawable_) {
        painter.setPen(QColor(170, 170, 170));
        painter.drawText(QRect(0, 0, side, side), Qt::AlignCenter | Qt::TextWordWrap,
                         tr("draw here"));
    }
}

} // namespace strata::ui
