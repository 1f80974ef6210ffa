// The mouse side of NodeScene: dragging links between ports, moving nodes (one undo step per
// drag, pushed on release) and dropping palette entries.

#include "ui/editor/edge_item.h"
#include "ui/editor/node_item.h"
#include "ui/editor/node_scene.h"

#include <QGraphicsSceneDragDropEvent>
#include <QGraphicsSceneMouseEvent>
#include <QMimeData>
#include <QUndoStack>

#include <cmath>

namespace strata::ui {

PortItem *NodeScene::portAt(QPointF scenePos) const
{
    // A little tolerance: ports are small and users release near them.
    const QRectF area(scenePos - QPointF(7, 7), QSizeF(14, 14));
    for (QGraphicsItem *item : items(area))
        if (item->type() == PortItem::Type)
            return static_cast<PortItem *>(item);
    return nullptr;
}

void NodeScene::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && !document_->isEditingLocked()) {
        if (PortItem *port = portAt(event->scenePos())) {
            dragFrom_ = port;
            if (!port->isOutput()) {
                // Picking up a connected input detaches its link: the drag continues from
                // the link's source, so the user can re-route or drop it on empty canvas.
                const PortRef ref = port->ref();
                if (const Edge *e = document_->graph().edgeInto(ref))
                    if (EdgeItem *item = edgeItem(*e)) {
                        detached_ = item;
                        item->setVisible(false);
                        dragFrom_ = item->fromNode()->outputPort();
                    }
            }
            dragLink_ = new QGraphicsPathItem;
            dragLink_->setPen(QPen(QColor(0x1e, 0x88, 0xe5), 2, Qt::DashLine));
            dragLink_->setZValue(3);
            addItem(dragLink_);
            updateLinkDrag(event->scenePos());
            event->accept();
            return;
        }
    }
    QGraphicsScene::mousePressEvent(event);
    pressPositions_.clear();
    for (NodeItem *item : std::as_const(nodes_))
        if (item->isSelected())
            pressPositions_.insert(item->id(), item->pos());
}

void NodeScene::updateLinkDrag(QPointF scenePos)
{
    if (!dragLink_ || !dragFrom_)
        return;
    PortItem *target = portAt(scenePos);
    if (target &&
        (target->isOutput() == dragFrom_->isOutput() || target->node() == dragFrom_->node()))
        target = nullptr;
    if (target != dragTarget_) {
        if (dragTarget_)
            dragTarget_->setHighlighted(false);
        dragTarget_ = target;
        if (target) {
            const PortRef out = dragFrom_->isOutput() ? dragFrom_->ref() : target->ref();
            const PortRef in = dragFrom_->isOutput() ? target->ref() : dragFrom_->ref();
            QString why = document_->whyRefused({out, in});
            if (detached_ && detached_->edge() == Edge{out, in})
                why.clear(); // dropping a picked-up link back where it was
            target->setHighlighted(true, why.isEmpty());
            emit statusMessage(why.isEmpty() ? tr("Release to link %1 → %2")
                                                   .arg(QString::fromStdString(out.node),
                                                        QString::fromStdString(in.node))
                                             : why);
        }
    }
    const QPointF start = dragFrom_->sceneCentre();
    const QPointF end = target ? target->sceneCentre() : scenePos;
    dragLink_->setPath(dragFrom_->isOutput() ? EdgeItem::curve(start, end)
                                             : EdgeItem::curve(end, start));
}

void NodeScene::mouseMoveEvent(QGraphicsSceneMouseEvent *event)
{
    if (dragLink_) {
        updateLinkDrag(event->scenePos());
        event->accept();
        return;
    }
    QGraphicsScene::mouseMoveEvent(event);
}

void NodeScene::finishLinkDrag(QPointF scenePos)
{
    PortItem *from = dragFrom_;
    PortItem *target = dragTarget_;
    if (target)
        target->setHighlighted(false);
    delete dragLink_;
    dragLink_ = nullptr;
    dragFrom_ = dragTarget_ = nullptr;
    EdgeItem *detached = detached_;
    detached_ = nullptr;
    if (!from)
        return;
    // The drag's hint ("Release to link …") is over, whatever the drop does.
    emit statusMessage(QString());

    const std::optional<Edge> old = detached ? std::optional<Edge>(detached->edge()) : std::nullopt;
    std::optional<Edge> wanted;
    if (target)
        wanted =
            from->isOutput() ? Edge{from->ref(), target->ref()} : Edge{target->ref(), from->ref()};
    if (old && wanted && *old == *wanted) {
        detached->setVisible(true);
        return;
    }
    if (!old) {
        if (wanted)
            link(wanted->from, wanted->to);
        return;
    }
    // Re-routing or dropping a picked-up link: unlink and link as one undo step.
    if (wanted) {
        Graph trial = document_->graph();
        trial.disconnect(*old);
        if (auto err = trial.checkEdge(*wanted)) {
            detached->setVisible(true);
            emit editRefused(QString::fromUtf8(err->what()), scenePos);
            return;
        }
    }
    QUndoStack *stack = document_->undoStack();
    stack->beginMacro(wanted ? tr("Re-link %1").arg(QString::fromStdString(old->from.node))
                             : tr("Unlink %1").arg(QString::fromStdString(old->to.node)));
    document_->disconnectPorts(*old); // deletes the detached item
    if (wanted)
        document_->connectPorts(*wanted);
    stack->endMacro();
}

void NodeScene::mouseReleaseEvent(QGraphicsSceneMouseEvent *event)
{
    if (dragLink_) {
        finishLinkDrag(event->scenePos());
        event->accept();
        return;
    }
    QGraphicsScene::mouseReleaseEvent(event);
    if (pressPositions_.isEmpty())
        return;
    // One MoveNodes per drag, with the final positions.
    QHash<QString, QPointF> moved;
    for (auto it = pressPositions_.begin(); it != pressPositions_.end(); ++it)
        if (NodeItem *item = nodes_.value(it.key()))
            if (item->pos() != it.value())
                moved.insert(it.key(),
                             QPointF(std::round(item->pos().x()), std::round(item->pos().y())));
    pressPositions_.clear();
    if (!moved.isEmpty()) {
        const QString why = document_->moveNodes(moved);
        if (!why.isEmpty())
            syncPositions(moved.keys()); // put them back
        growSceneRect();
    }
}

void NodeScene::dragEnterEvent(QGraphicsSceneDragDropEvent *event)
{
    event->setAccepted(event->mimeData()->hasFormat(QString::fromLatin1(kLayerMimeType)));
    if (event->isAccepted())
        event->setDropAction(Qt::CopyAction);
}

void NodeScene::dragMoveEvent(QGraphicsSceneDragDropEvent *event)
{
    event->setAccepted(event->mimeData()->hasFormat(QString::fromLatin1(kLayerMimeType)));
    if (event->isAccepted())
        event->setDropAction(Qt::CopyAction);
}

void NodeScene::dropEvent(QGraphicsSceneDragDropEvent *event)
{
    if (!event->mimeData()->hasFormat(QString::fromLatin1(kLayerMimeType))) {
        event->ignore();
        return;
    }
    const QString type =
        QString::fromUtf8(event->mimeData()->data(QString::fromLatin1(kLayerMimeType)));
    addLayerAt(type, event->scenePos());
    event->setDropAction(Qt::CopyAction);
    event->accept();
}

} // namespace strata::ui
