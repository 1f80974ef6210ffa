#pragma once
// The node editor's scene. It observes a Document and mirrors it as items; it never edits
// the project itself but turns a user's gestures (drop a layer, drag a link, move nodes,
// delete, paste) into Document edits, which push undo commands.

#include "ui/document.h"
#include "ui/mime_types.h"

#include <strata/node_costs.h>

#include <QGraphicsScene>
#include <QHash>
#include <QImage>
#include <QPointer>

namespace strata::ui {

class EdgeItem;
class NodeItem;
class PortItem;

class NodeScene : public QGraphicsScene
{
    Q_OBJECT

public:
    explicit NodeScene(Document *document, QObject *parent = nullptr);
    ~NodeScene() override;

    Document *document() const { return document_; }
    NodeItem *nodeItem(const QString &id) const { return nodes_.value(id); }
    EdgeItem *edgeItem(const Edge &edge) const;
    QList<NodeItem *> nodeItems() const { return nodes_.values(); }
    // The neuron maps on the canvas: each listed node's unit pictures beside its card; every
    // other node's go.
    void setUnitMaps(const QStringList &nodeIds, const std::vector<std::vector<QImage>> &maps);
    QList<EdgeItem *> edgeItems() const { return edges_.values(); }
    // Each node's share of a training step and its memory on its card: measured by a profile
    // of this graph (kept until the graph changes), estimated from shape inference otherwise.
    void setMeasuredCosts(std::vector<NodeCost> costs);
    bool hasMeasuredCosts() const { return !measured_.empty(); }
    void setCostsShown(bool shown);
    bool costsShown() const { return costsShown_; }

    QStringList selectedNodeIds() const;
    void selectNodes(const QStringList &ids);

    // Gestures, as the Edit menu and the keyboard trigger them. Each returns the reason when
    // the document refuses (and also emits editRefused).
    QString deleteSelection();
    void copySelection();
    QString cutSelection();
    QString pasteClipboard();
    QString duplicateSelection();
    void selectAllNodes();
    // A palette entry dropped or double-clicked: the node is centred on scenePos.
    QString addLayerAt(const QString &type, QPointF scenePos);
    // Links two ports, or explains why not (editRefused carries the reason too).
    QString link(const PortRef &output, const PortRef &input);

    // Called by a NodeItem while the user drags it, to keep its links attached.
    void nodeItemMoved(NodeItem *item);

signals:
    // An edit the document refused, with the engine's reason and where it happened.
    void editRefused(const QString &reason, QPointF scenePos);
    void statusMessage(const QString &text);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent *event) override;
    void dragEnterEvent(QGraphicsSceneDragDropEvent *event) override;
    void dragMoveEvent(QGraphicsSceneDragDropEvent *event) override;
    void dropEvent(QGraphicsSceneDragDropEvent *event) override;

private:
    void rebuild();
    void addNodeItem(const QString &id);
    void removeNodeItem(const QString &id);
    void addEdgeItem(const Edge &edge);
    void removeEdgeItem(const Edge &edge);
    void syncPositions(const QStringList &ids);
    void refreshAnalysis();
    void refreshNode(NodeItem *item);
    void refreshCosts();
    void graphChanged(); // the measured costs belong to another graph now
    void growSceneRect();
    QString pasteFragment(const nlohmann::json &fragment, QPointF offset);

    // Link dragging.
    PortItem *portAt(QPointF scenePos) const;
    void finishLinkDrag(QPointF scenePos);
    void updateLinkDrag(QPointF scenePos);

    Document *document_;
    QHash<QString, NodeItem *> nodes_;
    QHash<QString, EdgeItem *> edges_; // keyed by the input port: one link per input
    bool syncing_ = false;             // applying document positions to items

    QHash<QString, QPointF> pressPositions_; // selected nodes when the mouse went down
    QGraphicsPathItem *dragLink_ = nullptr;
    PortItem *dragFrom_ = nullptr;   // where the link being dragged starts
    PortItem *dragTarget_ = nullptr; // the port under the cursor, highlighted
    EdgeItem *detached_ = nullptr;   // an existing link picked up from its input
    int pasteCount_ = 0;             // successive pastes step further away
    std::vector<NodeCost> measured_;
    bool costsShown_ = true;
};

} // namespace strata::ui
