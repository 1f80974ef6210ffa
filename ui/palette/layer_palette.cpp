#include "ui/palette/layer_palette.h"

#include "ui/mime_types.h"
#include "ui/palette/layer_delegate.h"
#include "ui/studio_settings.h"
#include "ui/theme.h"

#include <strata/layer.h>

#include <QDrag>
#include <QLineEdit>
#include <QMenu>
#include <QMimeData>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace strata::ui {

namespace {

// Starts drags with the layer type as MIME data.
class LayerTree : public QTreeWidget
{
public:
    using QTreeWidget::QTreeWidget;

protected:
    QStringList mimeTypes() const override { return {QString::fromLatin1(kLayerMimeType)}; }

    QMimeData *mimeData(const QList<QTreeWidgetItem *> &items) const override
    {
        if (items.isEmpty() || !items.front()->data(0, kPaletteTypeRole).isValid())
            return nullptr;
        auto *mime = new QMimeData;
        mime->setData(QString::fromLatin1(kLayerMimeType),
                      items.front()->data(0, kPaletteTypeRole).toString().toUtf8());
        return mime;
    }

    Qt::DropActions supportedDropActions() const override { return Qt::CopyAction; }
};

} // namespace

QString LayerPalette::pinnedCategory()
{
    return tr("Pinned");
}

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
    delegate_ = new LayerDelegate(tree_);
    tree_->setItemDelegate(delegate_);
    tree_->setUniformRowHeights(false);
    tree_->setExpandsOnDoubleClick(false); // a header folds on one click
    tree_->setContextMenuPolicy(Qt::CustomContextMenu);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(6);
    layout->addWidget(search_);
    layout->addWidget(tree_);

    QSettings settings = studioSettings();
    folded_ = settings.value(QStringLiteral("palette/folded")).toStringList();
    pinned_ = settings.value(QStringLiteral("palette/pinned")).toStringList();
    delegate_->setDescriptions(
        settings.value(QStringLiteral("palette/descriptions"), true).toBool());
    populate();
    connect(search_, &QLineEdit::textChanged, this, &LayerPalette::setFilter);
    connect(tree_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem *item) {
        if (item->data(0, kPaletteTypeRole).isValid())
            emit layerActivated(item->data(0, kPaletteTypeRole).toString());
    });
    connect(tree_, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem *item) {
        if (!item->parent())
            item->setExpanded(!item->isExpanded());
    });
    // Folding by click or by the keyboard's arrows is remembered, not what a search unfolds.
    auto remember = [this] {
        if (search_->text().trimmed().isEmpty())
            saveFolding();
    };
    connect(tree_, &QTreeWidget::itemExpanded, this, remember);
    connect(tree_, &QTreeWidget::itemCollapsed, this, remember);
    connect(tree_, &QWidget::customContextMenuRequested, this, [this](const QPoint &at) {
        QMenu *menu = contextMenu(tree_->itemAt(at));
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(tree_->viewport()->mapToGlobal(at));
    });
}

void LayerPalette::populate()
{
    tree_->clear();
    auto addGroup = [this](const QString &category, const QColor &colour) {
        auto *group = new QTreeWidgetItem(tree_, {category});
        QFont font = group->font(0);
        font.setBold(true);
        font.setCapitalization(QFont::AllUppercase);
        font.setPointSizeF(font.pointSizeF() * 0.85);
        group->setFont(0, font);
        group->setForeground(0, colour);
        group->setFlags(Qt::ItemIsEnabled);
        group->setToolTip(0, tr("Click to fold or unfold"));
        return group;
    };
    auto addLayer = [this](QTreeWidgetItem *group, const LayerType &layer) {
        const QString name = QString::fromStdString(layer.name);
        const QString help = QString::fromStdString(layer.help);
        const QString category = QString::fromStdString(layer.category);
        auto *item = new QTreeWidgetItem(group, {name});
        item->setData(0, kPaletteTypeRole, name);
        item->setData(0, kPaletteHelpRole, help);
        item->setData(0, kPaletteColorRole, categoryColor(category));
        item->setToolTip(0, QStringLiteral("<b>%1</b> <i>(%2)</i><br>%3<br><i>%4</i>")
                                .arg(name, category, help.toHtmlEscaped(),
                                     tr("Drag onto the canvas, or double-click")));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
    };
    const LayerRegistry &registry = LayerRegistry::instance();
    QStringList pinnedKnown;
    for (const QString &type : pinned_)
        if (registry.find(type.toStdString()))
            pinnedKnown << type;
    if (!pinnedKnown.isEmpty()) {
        QTreeWidgetItem *group = addGroup(pinnedCategory(), QColor(0x8a, 0x6d, 0x1f));
        for (const QString &type : pinnedKnown)
            addLayer(group, *registry.find(type.toStdString()));
        group->setData(0, kPaletteCountRole, int(pinnedKnown.size()));
    }
    QHash<QString, QTreeWidgetItem *> categories;
    for (const LayerType *layer : registry.all()) {
        const QString category = QString::fromStdString(layer->category);
        QTreeWidgetItem *group = categories.value(category);
        if (!group) {
            group = addGroup(category, categoryColor(category).darker(115));
            categories.insert(category, group);
        }
        addLayer(group, *layer);
        group->setData(0, kPaletteCountRole, group->childCount());
    }
    applyFolding();
    if (!search_->text().trimmed().isEmpty())
        setFilter(search_->text());
}

// Unfolds every group but the folded ones.
void LayerPalette::applyFolding()
{
    const QSignalBlocker quiet(tree_);
    for (int g = 0; g < tree_->topLevelItemCount(); ++g) {
        QTreeWidgetItem *group = tree_->topLevelItem(g);
        group->setExpanded(!folded_.contains(group->text(0)));
    }
}

void LayerPalette::saveFolding()
{
    QStringList folded;
    for (int g = 0; g < tree_->topLevelItemCount(); ++g)
        if (!tree_->topLevelItem(g)->isExpanded())
            folded << tree_->topLevelItem(g)->text(0);
    // Categories not listed now (none, today) keep their state.
    for (const QString &c : std::as_const(folded_))
        if (!folded.contains(c) && tree_->findItems(c, Qt::MatchExactly).isEmpty())
            folded << c;
    folded_ = folded;
    studioSettings().setValue(QStringLiteral("palette/folded"), folded_);
}

bool LayerPalette::isFolded(const QString &category) const
{
    return folded_.contains(category);
}

void LayerPalette::setFolded(const QString &category, bool folded)
{
    for (int g = 0; g < tree_->topLevelItemCount(); ++g)
        if (tree_->topLevelItem(g)->text(0) == category)
            tree_->topLevelItem(g)->setExpanded(!folded); // saved by itemExpanded/Collapsed
    if (folded != folded_.contains(category)) {           // not listed, or while searching
        if (folded)
            folded_ << category;
        else
            folded_.removeAll(category);
        studioSettings().setValue(QStringLiteral("palette/folded"), folded_);
    }
}

void LayerPalette::setPinned(const QString &type, bool pinned)
{
    if (pinned == pinned_.contains(type))
        return;
    if (pinned)
        pinned_ << type;
    else
        pinned_.removeAll(type);
    studioSettings().setValue(QStringLiteral("palette/pinned"), pinned_);
    populate();
}

bool LayerPalette::showsDescriptions() const
{
    return delegate_->descriptions();
}

void LayerPalette::setShowDescriptions(bool on)
{
    delegate_->setDescriptions(on);
    studioSettings().setValue(QStringLiteral("palette/descriptions"), on);
    tree_->doItemsLayout(); // the rows' heights change
}

QMenu *LayerPalette::contextMenu(QTreeWidgetItem *item)
{
    auto *menu = new QMenu(this);
    if (item && item->data(0, kPaletteTypeRole).isValid()) {
        const QString type = item->data(0, kPaletteTypeRole).toString();
        const bool pinned = pinned_.contains(type);
        menu->addAction(pinned ? tr("Unpin %1").arg(type) : tr("Pin %1 to the top").arg(type), this,
                        [this, type, pinned] { setPinned(type, !pinned); });
        menu->addSeparator();
    }
    QAction *descriptions = menu->addAction(tr("Show descriptions"));
    descriptions->setCheckable(true);
    descriptions->setChecked(showsDescriptions());
    connect(descriptions, &QAction::toggled, this, &LayerPalette::setShowDescriptions);
    menu->addAction(tr("Fold all groups"), this, [this] {
        for (int g = 0; g < tree_->topLevelItemCount(); ++g)
            setFolded(tree_->topLevelItem(g)->text(0), true);
    });
    menu->addAction(tr("Unfold all groups"), this, [this] {
        for (int g = 0; g < tree_->topLevelItemCount(); ++g)
            setFolded(tree_->topLevelItem(g)->text(0), false);
    });
    return menu;
}

void LayerPalette::setFilter(const QString &text)
{
    const QString needle = text.trimmed();
    const QSignalBlocker quiet(tree_); // what a search unfolds is not remembered
    for (int g = 0; g < tree_->topLevelItemCount(); ++g) {
        QTreeWidgetItem *group = tree_->topLevelItem(g);
        int shown = 0;
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem *item = group->child(i);
            const bool match =
                needle.isEmpty() ||
                item->data(0, kPaletteTypeRole).toString().contains(needle, Qt::CaseInsensitive) ||
                item->data(0, kPaletteHelpRole).toString().contains(needle, Qt::CaseInsensitive) ||
                group->text(0).contains(needle, Qt::CaseInsensitive);
            item->setHidden(!match);
            shown += match;
        }
        group->setHidden(shown == 0);
        group->setExpanded(needle.isEmpty() ? !folded_.contains(group->text(0)) : shown > 0);
    }
}

QStringList LayerPalette::visibleTypes() const
{
    QStringList types;
    for (int g = 0; g < tree_->topLevelItemCount(); ++g) {
        QTreeWidgetItem *group = tree_->topLevelItem(g);
        if (group->text(0) == pinnedCategory() && !pinned_.isEmpty() && g == 0)
            continue;
        for (int i = 0; i < group->childCount(); ++i)
            if (!group->isHidden() && !group->child(i)->isHidden())
                types << group->child(i)->data(0, kPaletteTypeRole).toString();
    }
    return types;
}

} // namespace strata::ui
