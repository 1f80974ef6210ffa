#include "ui/palette/layer_palette.h"

#include "ui/mime_types.h"
#include "ui/theme.h"

#include <strata/layer.h>

#include <QApplication>
#include <QDrag>
#include <QHeaderView>
#include <QLineEdit>
#include <QMimeData>
#include <QPainter>
#include <QStyledItemDelegate>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace strata::ui {

namespace {

constexpr int kTypeRole = Qt::UserRole + 1;
constexpr int kHelpRole = Qt::UserRole + 2;
constexpr int kColorRole = Qt::UserRole + 3;

// Two lines per layer: the type in bold, the help underneath in grey.
class LayerDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QSize size = QStyledItemDelegate::sizeHint(option, index);
        if (index.data(kTypeRole).isValid())
            size.setHeight(option.fontMetrics.height() * 2 + 10);
        return size;
    }

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override
    {
        if (!index.data(kTypeRole).isValid()) {
            QStyledItemDelegate::paint(painter, option, index);
            return;
        }
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString help = index.data(kHelpRole).toString();
        opt.text.clear();
        QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

        painter->save();
        const QRect r = opt.rect.adjusted(6, 4, -4, -4);
        const QColor accent = index.data(kColorRole).value<QColor>();
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
        painter->drawText(QRect(text.left(), text.top(), text.width(), lineHeight),
                          Qt::AlignLeft | Qt::AlignVCenter, index.data(kTypeRole).toString());
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
};

// Starts drags with the layer type as MIME data.
class LayerTree : public QTreeWidget
{
public:
    using QTreeWidget::QTreeWidget;

protected:
    QStringList mimeTypes() const override { return {QString::fromLatin1(kLayerMimeType)}; }

    QMimeData *mimeData(const QList<QTreeWidgetItem *> &items) const override
    {
        if (items.isEmpty() || !items.front()->data(0, kTypeRole).isValid())
            return nullptr;
        auto *mime = new QMimeData;
        mime->setData(QString::fromLatin1(kLayerMimeType),
                      items.front()->data(0, kTypeRole).toString().toUtf8());
        return mime;
    }

    Qt::DropActions supportedDropActions() const override { return Qt::CopyAction; }
};

} // namespace

LayerPalette::LayerPalette(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("layerPalette"));
    search_ = new QLineEdit(this);
    search_->setPlaceholderText(tr("Search layers…"));
    search_->setClearButtonEnabled(true);
    tree_ = new LayerTree(this);
    tree_->setHeaderHidden(true);
    tree_->setRootIsDecorated(false);
    tree_->setIndentation(8);
    tree_->setDragEnabled(true);
    tree_->setDragDropMode(QAbstractItemView::DragOnly);
    tree_->setItemDelegate(new LayerDelegate(tree_));
    tree_->setUniformRowHeights(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(6);
    layout->addWidget(search_);
    layout->addWidget(tree_);

    populate();
    connect(search_, &QLineEdit::textChanged, this, &LayerPalette::setFilter);
    connect(tree_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem *item) {
        if (item->data(0, kTypeRole).isValid())
            emit layerActivated(item->data(0, kTypeRole).toString());
    });
}

void LayerPalette::populate()
{
    tree_->clear();
    QHash<QString, QTreeWidgetItem *> categories;
    for (const LayerType *layer : LayerRegistry::instance().all()) {
        const QString category = QString::fromStdString(layer->category);
        QTreeWidgetItem *group = categories.value(category);
        if (!group) {
            group = new QTreeWidgetItem(tree_, {category});
            QFont font = group->font(0);
            font.setBold(true);
            font.setCapitalization(QFont::AllUppercase);
            font.setPointSizeF(font.pointSizeF() * 0.85);
            group->setFont(0, font);
            group->setForeground(0, categoryColor(category).darker(115));
            group->setFlags(Qt::ItemIsEnabled);
            categories.insert(category, group);
        }
        const QString name = QString::fromStdString(layer->name);
        const QString help = QString::fromStdString(layer->help);
        auto *item = new QTreeWidgetItem(group, {name});
        item->setData(0, kTypeRole, name);
        item->setData(0, kHelpRole, help);
        item->setData(0, kColorRole, categoryColor(category));
        item->setToolTip(
            0, QStringLiteral("<b>%1</b><br>%2<br><i>%3</i>")
                   .arg(name, help.toHtmlEscaped(), tr("Drag onto the canvas, or double-click")));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
    }
    tree_->expandAll();
}

void LayerPalette::setFilter(const QString &text)
{
    const QString needle = text.trimmed();
    for (int g = 0; g < tree_->topLevelItemCount(); ++g) {
        QTreeWidgetItem *group = tree_->topLevelItem(g);
        int shown = 0;
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem *item = group->child(i);
            const bool match =
                needle.isEmpty() ||
                item->data(0, kTypeRole).toString().contains(needle, Qt::CaseInsensitive) ||
                item->data(0, kHelpRole).toString().contains(needle, Qt::CaseInsensitive) ||
                group->text(0).contains(needle, Qt::CaseInsensitive);
            item->setHidden(!match);
            shown += match;
        }
        group->setHidden(shown == 0);
    }
}

QStringList LayerPalette::visibleTypes() const
{
    QStringList types;
    for (int g = 0; g < tree_->topLevelItemCount(); ++g) {
        QTreeWidgetItem *group = tree_->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i)
            if (!group->isHidden() && !group->child(i)->isHidden())
                types << group->child(i)->data(0, kTypeRole).toString();
    }
    return types;
}

} // namespace strata::ui
