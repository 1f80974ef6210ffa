#pragma once
// The layer palette: every registered layer type, grouped by category, with its one-line help
// as a subtitle and tooltip. Entries drag onto the canvas (MIME application/x-strata-layer)
// and a double-click asks for the layer at the canvas centre.

#include <QWidget>

class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace strata::ui {

class LayerPalette : public QWidget
{
    Q_OBJECT

public:
    explicit LayerPalette(QWidget *parent = nullptr);

    QLineEdit *searchField() const { return search_; }
    QTreeWidget *tree() const { return tree_; }
    // Hides the entries whose name, category and help do not contain text.
    void setFilter(const QString &text);
    // Layer type names currently visible, in display order.
    QStringList visibleTypes() const;

signals:
    void layerActivated(const QString &type);

private:
    void populate();

    QLineEdit *search_;
    QTreeWidget *tree_;
};

} // namespace strata::ui
