#include "ui/editor/node_view.h"

#include "ui/auto_layout.h"
#include "ui/editor/node_item.h"
#include "ui/editor/node_scene.h"
#include "ui/theme.h"

#include <QAction>
#include <QKeyEvent>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace strata::ui {

namespace {
constexpr double kMinZoom = 0.1;
// Below this the layers' text is too small to read (Fit to View stops here and scrolls).
constexpr double kLegibleZoom = 0.7;
constexpr double kMaxZoom = 4.0;
} // namespace

NodeView::NodeView(NodeScene *scene, QWidget *parent) : QGraphicsView(scene, parent), scene_(scene)
{
    setObjectName(QStringLiteral("nodeView"));
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(QGraphicsView::RubberBandDrag);
    setRubberBandSelectionMode(Qt::IntersectsItemShape);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    // Edge labels and error badges paint outside simple rectangles; full updates avoid trails.
    setViewportUpdateMode(QGraphicsView::FullViewportUpdate);
    setAcceptDrops(true);
    setFrameShape(QFrame::NoFrame);
    createActions();
    connect(scene, &NodeScene::editRefused, this, &NodeView::showRefusal);
}

void NodeView::createActions()
{
    auto make = [this](const QString &text, const QKeySequence &key, Qt::ShortcutContext context,
                       auto slot) {
        auto *action = new QAction(text, this);
        action->setShortcut(key);
        action->setShortcutContext(context);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
        return action;
    };
    // Zoom works wherever the focus is in the window; editing keys only while the canvas has
    // the focus, so Delete in a text field never deletes layers.
    actions_.zoomIn = make(tr("Zoom &In"), QKeySequence(Qt::CTRL | Qt::Key_Equal),
                           Qt::WindowShortcut, [this] { setZoom(zoom() * 1.25); });
    actions_.zoomIn->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Equal), QKeySequence::ZoomIn});
    actions_.zoomOut = make(tr("Zoom &Out"), QKeySequence(Qt::CTRL | Qt::Key_Minus),
                            Qt::WindowShortcut, [this] { setZoom(zoom() / 1.25); });
    actions_.fit = make(tr("&Fit to View"), QKeySequence(Qt::CTRL | Qt::Key_0), Qt::WindowShortcut,
                        [this] { fitToModel(); });
    const auto local = Qt::WidgetWithChildrenShortcut;
    actions_.cut = make(tr("Cu&t"), QKeySequence::Cut, local, [this] { scene_->cutSelection(); });
    actions_.copy =
        make(tr("&Copy"), QKeySequence::Copy, local, [this] { scene_->copySelection(); });
    actions_.paste =
        make(tr("&Paste"), QKeySequence::Paste, local, [this] { scene_->pasteClipboard(); });
    actions_.duplicate = make(tr("&Duplicate"), QKeySequence(Qt::CTRL | Qt::Key_D), local,
                              [this] { scene_->duplicateSelection(); });
    actions_.remove =
        make(tr("De&lete"), QKeySequence::Delete, local, [this] { scene_->deleteSelection(); });
    actions_.remove->setShortcuts({QKeySequence::Delete, QKeySequence(Qt::Key_Backspace)});
    actions_.selectAll = make(tr("Select &All"), QKeySequence::SelectAll, local,
                              [this] { scene_->selectAllNodes(); });
}

double NodeView::zoom() const
{
    return transform().m11();
}

void NodeView::setZoom(double factor, QPoint anchorInView)
{
    factor = std::clamp(factor, kMinZoom, kMaxZoom);
    const QPoint anchor = anchorInView.x() < 0 ? viewport()->rect().center() : anchorInView;
    const QPointF before = mapToScene(anchor);
    setTransform(QTransform::fromScale(factor, factor));
    // Keep the scene point under the anchor where it was.
    const QPointF after = mapToScene(anchor);
    const QPointF delta = (after - before) * factor;
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() - int(std::round(delta.x())));
    verticalScrollBar()->setValue(verticalScrollBar()->value() - int(std::round(delta.y())));
}

QRectF NodeView::modelBounds() const
{
    QRectF bounds;
    for (NodeItem *item : scene_->nodeItems())
        bounds = bounds.united(item->sceneBoundingRect());
    return bounds;
}

void NodeView::fitToModel()
{
    QRectF bounds = modelBounds();
    if (bounds.isEmpty()) {
        setZoom(1.0);
        centerOn(0, 0);
        return;
    }
    bounds.adjust(-40, -40, 40, 40);
    fitInView(bounds, Qt::KeepAspectRatio);
    if (zoom() > 1.0)
        setTransform(QTransform::fromScale(1.0, 1.0));
    if (zoom() >= kLegibleZoom) {
        centerOn(bounds.center());
        return;
    }
    // Smaller would make the layers unreadable: keep them legible and scroll. The model's
    // start (its top-left, where the Input is) is what shows first.
    setTransform(QTransform::fromScale(kLegibleZoom, kLegibleZoom));
    const QSizeF visible = QSizeF(viewport()->size()) / kLegibleZoom;
    const double x = bounds.width() <= visible.width() ? bounds.center().x()
                                                       : bounds.left() + visible.width() / 2;
    const double y = bounds.height() <= visible.height() ? bounds.center().y()
                                                         : bounds.top() + visible.height() / 2;
    centerOn(x, y);
}

void NodeView::frameModel()
{
    fitToModel();
    if (zoom() > kLegibleZoom)
        return;
    // ...unless something is wrong further on: then the first problem is what to see.
    NodeItem *firstError = nullptr;
    for (NodeItem *item : scene_->nodeItems())
        if (item->status() == NodeStatus::Error && (!firstError || item->y() < firstError->y()))
            firstError = item;
    if (firstError)
        ensureVisible(firstError, 40, 60);
}

int NodeView::columnsThatFit() const
{
    const double width = viewport()->width() / kLegibleZoom - 80; // fitToModel's margins
    return std::max(2, int((width - kNodeWidth) / kColumnStep) + 1);
}

void NodeView::addLayerAtCentre(const QString &type)
{
    scene_->addLayerAt(type, mapToScene(viewport()->rect().center()));
}

void NodeView::centreOnNode(const QString &id)
{
    NodeItem *item = scene_->nodeItem(id);
    if (!item)
        return;
    if (zoom() < 1.0)
        setZoom(1.0);
    centerOn(item);
}

void NodeView::wheelEvent(QWheelEvent *event)
{
    // Plain wheel zooms, as in most node editors; the scroll bars and panning move the view.
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    setZoom(zoom() * std::pow(1.15, steps), event->position().toPoint());
    event->accept();
}

void NodeView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::MiddleButton) {
        middlePanning_ = true;
        lastPanPos_ = event->position().toPoint();
        viewport()->setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QGraphicsView::mousePressEvent(event);
}

void NodeView::mouseMoveEvent(QMouseEvent *event)
{
    if (middlePanning_) {
        const QPoint delta = event->position().toPoint() - lastPanPos_;
        lastPanPos_ = event->position().toPoint();
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - delta.x());
        verticalScrollBar()->setValue(verticalScrollBar()->value() - delta.y());
        event->accept();
        return;
    }
    QGraphicsView::mouseMoveEvent(event);
}

void NodeView::mouseReleaseEvent(QMouseEvent *event)
{
    if (middlePanning_ && event->button() == Qt::MiddleButton) {
        middlePanning_ = false;
        viewport()->unsetCursor();
        event->accept();
        return;
    }
    QGraphicsView::mouseReleaseEvent(event);
}

void NodeView::setSpacePanning(bool on)
{
    if (spacePanning_ == on)
        return;
    spacePanning_ = on;
    // Not interactive while space is held, so a drag over a node pans instead of moving it.
    setInteractive(!on);
    setDragMode(on ? QGraphicsView::ScrollHandDrag : QGraphicsView::RubberBandDrag);
}

void NodeView::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space) {
        if (!event->isAutoRepeat())
            setSpacePanning(true);
        event->accept();
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void NodeView::keyReleaseEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space) {
        if (!event->isAutoRepeat())
            setSpacePanning(false);
        event->accept();
        return;
    }
    QGraphicsView::keyReleaseEvent(event);
}

void NodeView::focusOutEvent(QFocusEvent *event)
{
    setSpacePanning(false); // a released space key may never arrive
    QGraphicsView::focusOutEvent(event);
}

void NodeView::drawBackground(QPainter *painter, const QRectF &rect)
{
    painter->fillRect(rect, canvasColor());
    if (zoom() < 0.45)
        return; // dots would only add noise
    // A dot grid every 20 units, heavier every 100.
    const double step = 20;
    const double left = std::floor(rect.left() / step) * step;
    const double top = std::floor(rect.top() / step) * step;
    QVector<QPointF> minor, major;
    for (double x = left; x < rect.right(); x += step)
        for (double y = top; y < rect.bottom(); y += step)
            (std::fmod(std::abs(x), 100) < 1 && std::fmod(std::abs(y), 100) < 1 ? major : minor)
                .append(QPointF(x, y));
    painter->setPen(QPen(QColor(0xd5, 0xd9, 0xdf), 1.2 / zoom()));
    painter->drawPoints(minor.constData(), int(minor.size()));
    painter->setPen(QPen(QColor(0xb8, 0xbe, 0xc7), 2.0 / zoom()));
    painter->drawPoints(major.constData(), int(major.size()));
}

void NodeView::showRefusal(const QString &reason, QPointF scenePos)
{
    // Near the cursor, or near the place of the refused edit when there is no cursor.
    QPoint global = QCursor::pos();
    if (!underMouse() && !scenePos.isNull())
        global = viewport()->mapToGlobal(mapFromScene(scenePos));
    QToolTip::showText(global, reason, this);
}

} // namespace strata::ui
