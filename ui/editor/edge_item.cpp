#include "ui/editor/edge_item.h"

#include "ui/editor/node_item.h"
#include "ui/theme.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPathStroker>

#include <algorithm>
#include <cmath>

namespace strata::ui {

namespace {

QFont labelFont()
{
    QFont font;
    font.setPointSizeF(7.5);
    return font;
}

} // namespace

EdgeItem::EdgeItem(const Edge &edge, NodeItem *from, NodeItem *to)
    : edge_(edge), from_(from), to_(to)
{
    setFlag(ItemIsSelectable);
    setZValue(0);
    setPen(QPen(QColor(0x8a, 0x93, 0xa0), 1.8));
    updatePath();
}

QPainterPath EdgeItem::curve(QPointF from, QPointF to)
{
    // Control points straight below the output and above the input keep the curve
    // vertical at both ports, as links read top to bottom.
    const double bend = std::max(30.0, std::abs(to.y() - from.y()) / 2);
    QPainterPath path(from);
    path.cubicTo(from + QPointF(0, bend), to - QPointF(0, bend), to);
    return path;
}

void EdgeItem::updatePath()
{
    PortItem *out = from_->outputPort();
    PortItem *in = to_->inputPort(edge_.to.port);
    if (!out || !in)
        return;
    prepareGeometryChange();
    setPath(curve(out->sceneCentre(), in->sceneCentre()));
}

void EdgeItem::setLabel(const QString &label)
{
    if (label == label_)
        return;
    prepareGeometryChange();
    label_ = label;
    setToolTip(label.isEmpty() ? QString()
                               : QObject::tr("%1 → %2: %3 per sample")
                                     .arg(QString::fromStdString(edge_.from.node),
                                          QString::fromStdString(edge_.to.node), label));
    update();
}

QRectF EdgeItem::labelRect() const
{
    if (label_.isEmpty())
        return {};
    const QFontMetricsF fm(labelFont());
    const QSizeF size(fm.horizontalAdvance(label_) + 10, fm.height() + 2);
    const QPointF mid = path().pointAtPercent(0.5);
    return QRectF(mid - QPointF(size.width() / 2, size.height() / 2), size);
}

QRectF EdgeItem::boundingRect() const
{
    return QGraphicsPathItem::boundingRect().united(labelRect()).adjusted(-2, -2, 2, 2);
}

QPainterPath EdgeItem::shape() const
{
    // A wider stroke than the line itself so links are easy to click.
    QPainterPathStroker stroker;
    stroker.setWidth(10);
    QPainterPath hit = stroker.createStroke(path());
    if (!label_.isEmpty())
        hit.addRect(labelRect());
    return hit;
}

void EdgeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    painter->setRenderHint(QPainter::Antialiasing);
    QPen line = pen();
    if (isSelected())
        line = QPen(QColor(0x1e, 0x88, 0xe5), 2.6);
    painter->setPen(line);
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(path());
    if (label_.isEmpty())
        return;
    const QRectF box = labelRect();
    painter->setPen(QPen(isSelected() ? line.color() : QColor(0xc4, 0xc9, 0xd0), 1));
    painter->setBrush(QColor(0xff, 0xff, 0xff, 235));
    painter->drawRoundedRect(box, box.height() / 2, box.height() / 2);
    painter->setFont(labelFont());
    painter->setPen(QColor(0x37, 0x3d, 0x46));
    painter->drawText(box, Qt::AlignCenter, label_);
}

} // namespace strata::ui
