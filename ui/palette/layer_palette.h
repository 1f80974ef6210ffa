#pragma once
// The layer palette: every registered layer type, grouped by category, with its one-line help
// as a subtitle and tooltip. Entries drag onto the canvas (MIME application/x-strata-layer)
// and a double-click asks for the layer at the canvas centre.
//
// With some forty types it stays short: a click on a category's header folds it (remembered
// across sessions), layers pinned from the context menu are listed first under "Pinned", the
// descriptions can be turned off for one line a layer, and the search field finds types by
// name, by words of their help and by category, unfolding what it finds.

#include <QWidget>

class QLineEdit;
class QMenu;
class QTreeWidget;
class QTreeWidgetItem;

namespace strata::ui {

class LayerDelegate;

class LayerPalette : public QWidget
{
    Q_OBJECT

public:
    explicit LayerPalette(QWidget *parent = nullptr);

    QLineEdit *searchField() const { return search_; }
    QTreeWidget *tree() const { return tree_; }
    // Hides the entries whose name, category and help do not contain text; the categories
    // with matches are unfolded while it is not empty.
    void setFilter(const QString &text);
    // Layer type names the filter lets through under their categories, in display order
    // (folded or not; the Pinned group's copies not counted).
    QStringList visibleTypes() const;

    // A category folded to its header (remembered in the studio's settings).
    bool isFolded(const QString &category) const;
    void setFolded(const QString &category, bool folded);
    // Layer types listed first under "Pinned", in the order pinned (remembered).
    QStringList pinnedTypes() const { return pinned_; }
    void setPinned(const QString &type, bool pinned);
    // Two lines a layer (type and help) or one (remembered).
    bool showsDescriptions() const;
    void setShowDescriptions(bool on);

    // The context menu for a row (pin or unpin a layer; descriptions; fold or unfold all).
    QMenu *contextMenu(QTreeWidgetItem *item);

    static QString pinnedCategory();

signals:
    void layerActivated(const QString &type);

private:
    void populate();
    void applyFolding();
    void saveFolding();

    QLineEdit *search_;
    QTreeWidget *tree_;
    LayerDelegate *delegate_;
    QStringList folded_, pinned_;
};

} // namespace strata::ui
