#pragma once
// The canvas widget: wheel zoom around the cursor, keyboard zoom and fit, panning with the
// middle button or space+drag, rubber-band selection, and the editing shortcuts (Delete,
// copy, cut, paste, duplicate, select all) as actions the main window also puts in its menus.

#include <QGraphicsView>

class QAction;

namespace strata::ui {

class NodeScene;

class NodeView : public QGraphicsView
{
    Q_OBJECT

public:
    explicit NodeView(NodeScene *scene, QWidget *parent = nullptr);

    NodeScene *nodeScene() const { return scene_; }

    struct Actions
    {
        QAction *zoomIn, *zoomOut, *fit;
        QAction *cut, *copy, *paste, *duplicate, *remove, *selectAll;
    };
    const Actions &actions() const { return actions_; }

    double zoom() const;
    void setZoom(double factor, QPoint anchorInView = QPoint(-1, -1));
    // Frames the whole model (never magnifying beyond 100 %, so a small model stays crisp, and
    // never below a zoom where the layers' text is legible: a larger model then shows from its
    // start, the top-left, and scrolls).
    void fitToModel();
    // Frames the model for reading (on open): like fitToModel, but when the model does not fit
    // legibly and a layer has a problem, that layer is brought into view.
    void frameModel();
    // How many layer columns the canvas shows side by side at a legible zoom (at least 2): where
    // a left-to-right layout wraps.
    int columnsThatFit() const;
    // Adds a layer in the middle of what is visible (palette double-click).
    void addLayerAtCentre(const QString &type);
    // Centres a layer, zooming in to 100 % when the view is smaller, so it can be read.
    void centreOnNode(const QString &id);

protected:
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void keyReleaseEvent(QKeyEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;
    void drawBackground(QPainter *painter, const QRectF &rect) override;

private:
    void createActions();
    QRectF modelBounds() const;
    void setSpacePanning(bool on);
    void showRefusal(const QString &reason, QPointF scenePos);

    NodeScene *scene_;
    Actions actions_{};
    bool middlePanning_ = false;
    bool spacePanning_ = false;
    QPoint lastPanPos_;
};

} // namespace strata::ui
