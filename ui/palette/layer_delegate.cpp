#include "ui/palette/layer_delegate.h"

#include <QApplication>
#include <QPainter>

namespace strata::ui {

QSize LayerDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    if (index.data(kPaletteTypeRole).isValid())
        size.setHeight(descriptions_ ? option.fontMetrics.height() * 2 + 10
                                     : option.fontMetrics.height() + 8);
    else
        size.setHeight(option.fontMetrics.height() + 8);
    return size;
}

void LayerDelegate::paintGroup(QPainter *painter, const QStyleOptionViewItem &option,
                               const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString title = opt.text;
    opt.text.clear();
    QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
    painter->save();
    const bool open = opt.state & QStyle::State_Open;
    const QColor colour = index.data(Qt::ForegroundRole).value<QBrush>().color();
    const QRect r = opt.rect.adjusted(4, 0, -4, 0);
    // The arrow: a small triangle pointing down (open) or right (folded).
    const int s = opt.fontMetrics.height() / 3;
    const QPointF c(r.left() + s + 1, r.center().y() + 0.5);
    QPolygonF arrow;
    if (open)
        arrow << QPointF(c.x() - s, c.y() - s / 2.0) << QPointF(c.x() + s, c.y() - s / 2.0)
              << QPointF(c.x(), c.y() + s / 2.0 + 1);
    else
        arrow << QPointF(c.x() - s / 2.0, c.y() - s) << QPointF(c.x() - s / 2.0, c.y() + s)
              << QPointF(c.x() + s / 2.0 + 1, c.y());
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(colour);
    painter->drawPolygon(arrow);
    painter->setFont(opt.font);
    painter->setPen(colour);
    const QString count = index.data(kPaletteCountRole).isValid()
                              ? QStringLiteral("  ·  %1").arg(index.data(kPaletteCountRole).toInt())
                              : QString();
    painter->drawText(r.adjusted(2 * s + 8, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                      title + count);
    painter->restore();
}

void LayerDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                          const QModelIndex &index) const
{
    if (!index.data(kPaletteTypeRole).isValid()) {
        paintGroup(painter, option, index);
        return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString help = index.data(kPaletteHelpRole).toString();
    opt.text.clear();
    QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    painter->save();
    const QRect r = opt.rect.adjusted(6, 4, -4, -4);
    const QColor accent = index.data(kPaletteColorRole).value<QColor>();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setBrush(accent);
    painter->setPen(Qt::NoPen);
    painter->drawRoundedRect(QRect(r.left(), r.top() + 2, 4, r.height() - 4), 2, 2);
    const bool selected = opt.state & QStyle::State_Selected;
    QFont bold = opt.font;
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(opt.palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
    const int lineHeight = opt.fontMetrics.height();
    const QRect text = r.adjusted(12, 0, 0, 0);
    const QString type = index.data(kPaletteTypeRole).toString();
    if (!descriptions_) {
        // One line: the type, then as much of the help as fits, in grey.
        const QFontMetrics boldMetrics(bold);
        painter->drawText(text, Qt::AlignLeft | Qt::AlignVCenter, type);
        const int used = boldMetrics.horizontalAdvance(type) + 8;
        QFont small = opt.font;
        small.setPointSizeF(opt.font.pointSizeF() * 0.9);
        painter->setFont(small);
        painter->setPen(selected ? opt.palette.color(QPalette::HighlightedText)
                                 : QColor(0x6b, 0x72, 0x7d));
        painter->drawText(
            text.adjusted(used, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
            QFontMetrics(small).elidedText(help, Qt::ElideRight, text.width() - used));
        painter->restore();
        return;
    }
    painter->drawText(QRect(text.left(), text.top(), text.width(), lineHeight),
                      Qt::AlignLeft | Qt::AlignVCenter, type);
    QFont small = opt.font;
    small.setPointSizeF(opt.font.pointSizeF() * 0.9);
    painter->setFont(small);
    painter->setPen(selected ? opt.palette.color(QPalette::HighlightedText)
                             : QColor(0x6b, 0x72, 0x7d));
    const QFontMetrics fm(small);
    painter->drawText(QRect(text.left(), text.top() + lineHeight + 1, text.width(), lineHeight),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      fm.elidedText(help, Qt::ElideRight, text.width()));
    painter->restore();
}

} // namespace strata::ui
