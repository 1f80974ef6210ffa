#pragma once
// How the palette draws its rows: a group header as "▾ CATEGORY · count" (▸ when folded), a
// layer as a colour bar, its type in bold and, with descriptions on, its help underneath.

#include <QStyledItemDelegate>

namespace strata::ui {

// Item data roles of the palette's rows.
inline constexpr int kPaletteTypeRole = Qt::UserRole + 1;  // a layer row's type name
inline constexpr int kPaletteHelpRole = Qt::UserRole + 2;  // its one-line help
inline constexpr int kPaletteColorRole = Qt::UserRole + 3; // its category's colour
inline constexpr int kPaletteCountRole = Qt::UserRole + 4; // a group's number of layers

class LayerDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    // Two lines a layer (type and help) or one (type; the help stays in the tooltip).
    void setDescriptions(bool on) { descriptions_ = on; }
    bool descriptions() const { return descriptions_; }

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;

private:
    void paintGroup(QPainter *painter, const QStyleOptionViewItem &option,
                    const QModelIndex &index) const;

    bool descriptions_ = true;
};

} // namespace strata::ui
