#include "widgets/flow_layout.h"

#include <QWidget>

#include <algorithm>

namespace strata::widgets {

FlowLayout::FlowLayout(QWidget *parent, int horizontalSpacing, int verticalSpacing)
    : QLayout(parent), horizontalSpacing_(horizontalSpacing), verticalSpacing_(verticalSpacing)
{
    setContentsMargins(0, 0, 0, 0);
}

FlowLayout::~FlowLayout()
{
    while (QLayoutItem *item = takeAt(0))
        delete item;
}

void FlowLayout::addItem(QLayoutItem *item)
{
    items_.append(item);
}

int FlowLayout::count() const
{
    return int(items_.size());
}

QLayoutItem *FlowLayout::itemAt(int index) const
{
    return items_.value(index);
}

QLayoutItem *FlowLayout::takeAt(int index)
{
    return index >= 0 && index < items_.size() ? items_.takeAt(index) : nullptr;
}

Qt::Orientations FlowLayout::expandingDirections() const
{
    return {};
}

bool FlowLayout::hasHeightForWidth() const
{
    return true;
}

int FlowLayout::heightForWidth(int width) const
{
    return arrange(QRect(0, 0, width, 0), false);
}

QSize FlowLayout::minimumSize() const
{
    // The widest item alone on its row.
    QSize size;
    for (const QLayoutItem *item : items_)
        if (!item->isEmpty())
            size = size.expandedTo(item->minimumSize());
    const QMargins m = contentsMargins();
    return size + QSize(m.left() + m.right(), m.top() + m.bottom());
}

QSize FlowLayout::sizeHint() const
{
    // Everything on one row.
    int width = 0, height = 0, shown = 0;
    for (const QLayoutItem *item : items_) {
        if (item->isEmpty())
            continue;
        width += item->sizeHint().width();
        height = std::max(height, item->sizeHint().height());
        ++shown;
    }
    width += std::max(shown - 1, 0) * horizontalSpacing_;
    const QMargins m = contentsMargins();
    return {width + m.left() + m.right(), height + m.top() + m.bottom()};
}

void FlowLayout::setGeometry(const QRect &rect)
{
    QLayout::setGeometry(rect);
    arrange(rect, true, &rows_);
}

int FlowLayout::arrange(const QRect &rect, bool apply, int *rows) const
{
    const QMargins m = contentsMargins();
    const QRect area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom());
    int x = area.x(), y = area.y(), rowHeight = 0, rowCount = 0;
    QList<QLayoutItem *> row;
    // Items of one row share its height and are centred vertically in it.
    auto finishRow = [&] {
        if (apply)
            for (QLayoutItem *item : std::as_const(row)) {
                const QRect g = item->geometry();
                const int h = std::min(item->sizeHint().height(), rowHeight);
                item->setGeometry(QRect(g.x(), y + (rowHeight - h) / 2, g.width(), h));
            }
        row.clear();
    };
    for (QLayoutItem *item : items_) {
        if (item->isEmpty())
            continue;
        const QSize hint = item->sizeHint();
        const int width = std::min(hint.width(), area.width());
        if (!row.isEmpty() && x + width > area.right() + 1) {
            finishRow();
            x = area.x();
            y += rowHeight + verticalSpacing_;
            rowHeight = 0;
        }
        if (row.isEmpty())
            ++rowCount;
        if (apply)
            item->setGeometry(QRect(QPoint(x, y), QSize(width, hint.height())));
        row.append(item);
        x += width + horizontalSpacing_;
        rowHeight = std::max(rowHeight, hint.height());
    }
    finishRow();
    if (rows)
        *rows = rowCount;
    return y + rowHeight - rect.y() + m.bottom();
}

} // namespace strata::widgets
