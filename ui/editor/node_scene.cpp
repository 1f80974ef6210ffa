#include "ui/editor/node_scene.h"

#include "ui/auto_layout.h"
#include "ui/editor/edge_item.h"
#include "ui/editor/node_item.h"

#include <strata/tensor.h>

#include <QApplication>
#include <QClipboard>
#include <QGraphicsSceneDragDropEvent>
#include <QGraphicsSceneMouseEvent>
#include <QMimeData>
#include <QUndoStack>

#include <cmath>

namespace strata::ui {

namespace {

QString edgeKey(const Edge &edge)
{
    return QString::fromStdString(edge.to.node) + QLatin1Char('#') + QString::number(edge.to.port);
}

QPointF snapped(QPointF p)
{
    return QPointF(std::round(p.x()), std::round(p.y()));
}

} // namespace

NodeScene::NodeScene(Document *document, QObject *parent)
    : QGraphicsScene(parent), document_(document)
{
    // A profile measured another graph once this one changes (connected first: the items
    // refresh after).
    connect(document, &Document::projectReset, this, &NodeScene::graphChanged);
    connect(document, &Document::nodeAdded, this, &NodeScene::graphChanged);
    connect(document, &Document::nodeRemoved, this, &NodeScene::graphChanged);
    connect(document, &Document::nodeChanged, this, &NodeScene::graphChanged);
    connect(document, &Document::edgeAdded, this, &NodeScene::graphChanged);
    connect(document, &Document::edgeRemoved, this, &NodeScene::graphChanged);
    connect(document, &Document::settingsChanged, this, &NodeScene::refreshCosts);
    connect(document, &Document::projectReset, this, &NodeScene::rebuild);
    connect(document, &Document::nodeAdded, this, &NodeScene::addNodeItem);
    connect(document, &Document::nodeRemoved, this, &NodeScene::removeNodeItem);
    connect(document, &Document::nodeChanged, this, [this](const QString &id) {
        if (NodeItem *item = nodes_.value(id))
            refreshNode(item);
    });
    connect(document, &Document::edgeAdded, this, &NodeScene::addEdgeItem);
    connect(document, &Document::edgeRemoved, this, &NodeScene::removeEdgeItem);
    connect(document, &Document::positionsChanged, this, &NodeScene::syncPositions);
    connect(document, &Document::problemsChanged, this, &NodeScene::refreshAnalysis);
    connect(document, &Document::editingLockedChanged, this, [this](bool locked) {
        for (NodeItem *item : std::as_const(nodes_))
            item->setFlag(QGraphicsItem::ItemIsMovable, !locked);
    });
    rebuild();
}

NodeScene::~NodeScene()
{
    // Items are removed while this object is still a NodeScene; nobody needs to hear about
    // the selection emptying on the way out.
    blockSignals(true);
    clear();
}

EdgeItem *NodeScene::edgeItem(const Edge &edge) const
{
    EdgeItem *item = edges_.value(edgeKey(edge));
    return item && item->edge() == edge ? item : nullptr;
}

void NodeScene::rebuild()
{
    dragLink_ = nullptr;
    dragFrom_ = dragTarget_ = nullptr;
    detached_ = nullptr;
    clear();
    nodes_.clear();
    edges_.clear();
    for (const Node &node : document_->graph().nodes())
        addNodeItem(QString::fromStdString(node.id));
    for (const Edge &edge : document_->graph().edges())
        addEdgeItem(edge);
    refreshAnalysis();
    setSceneRect(QRectF());
    growSceneRect();
}

void NodeScene::addNodeItem(const QString &id)
{
    if (nodes_.contains(id))
        return;
    auto *item = new NodeItem(id);
    item->setFlag(QGraphicsItem::ItemIsMovable, !document_->isEditingLocked());
    nodes_.insert(id, item);
    syncing_ = true;
    item->setPos(document_->position(id));
    syncing_ = false;
    addItem(item);
    refreshNode(item);
}

void NodeScene::removeNodeItem(const QString &id)
{
    NodeItem *item = nodes_.take(id);
    if (!item)
        return;
    if (dragFrom_ && dragFrom_->node() == item) {
        delete dragLink_;
        dragLink_ = nullptr;
        dragFrom_ = dragTarget_ = nullptr;
    }
    if (dragTarget_ && dragTarget_->node() == item)
        dragTarget_ = nullptr;
    pressPositions_.remove(id);
    delete item;
}

void NodeScene::addEdgeItem(const Edge &edge)
{
    NodeItem *from = nodes_.value(QString::fromStdString(edge.from.node));
    NodeItem *to = nodes_.value(QString::fromStdString(edge.to.node));
    if (!from || !to)
        return;
    removeEdgeItem(edge); // never two items for one input
    if (!to->inputPort(edge.to.port))
        refreshNode(to); // ports follow the params, which may just have changed
    auto *item = new EdgeItem(edge, from, to);
    edges_.insert(edgeKey(edge), item);
    addItem(item);
    if (const NodeAnalysis *a = document_->analysis().find(edge.from.node))
        item->setLabel(a->status == NodeStatus::Ok ? QString::fromStdString(toString(a->output))
                                                   : QString());
}

void NodeScene::removeEdgeItem(const Edge &edge)
{
    EdgeItem *item = edges_.value(edgeKey(edge));
    if (!item || !(item->edge() == edge))
        return;
    edges_.remove(edgeKey(edge));
    if (detached_ == item)
        detached_ = nullptr;
    delete item;
}

void NodeScene::syncPositions(const QStringList &ids)
{
    syncing_ = true;
    for (const QString &id : ids)
        if (NodeItem *item = nodes_.value(id))
            item->setPos(document_->position(id)); // itemChange re-routes the links
    syncing_ = false;
    growSceneRect();
}

void NodeScene::refreshNode(NodeItem *item)
{
    const Node *node = document_->graph().find(item->id().toStdString());
    if (!node)
        return;
    const int before = item->inputCount();
    const NodeAnalysis *analysis = document_->analysis().find(node->id);
    // A layer whose shapes are fine can still be what stops Train (the dataset has more
    // classes than the output gives): badge it with that problem.
    NodeAnalysis checked;
    if (analysis && analysis->status == NodeStatus::Ok)
        if (const ProjectProblem *problem = document_->problemFor(item->id());
            problem && problem->severity == ProblemSeverity::Error) {
            checked = *analysis;
            checked.status = NodeStatus::Error;
            checked.message = problem->message;
            analysis = &checked;
        }
    item->refresh(*node, document_->graph().inputPortCount(*node), analysis);
    if (before != item->inputCount())
        for (EdgeItem *edge : std::as_const(edges_))
            if (edge->toNode() == item)
                edge->updatePath();
}

void NodeScene::graphChanged()
{
    measured_.clear();
}

void NodeScene::setMeasuredCosts(std::vector<NodeCost> costs)
{
    measured_ = std::move(costs);
    refreshCosts();
}

void NodeScene::setCostsShown(bool shown)
{
    costsShown_ = shown;
    refreshCosts();
}

void NodeScene::refreshCosts()
{
    const TrainingSpec &training = document_->project().training;
    std::vector<NodeCost> costs;
    if (costsShown_) {
        // Estimates only for a graph every node of which shape inference accepts: the
        // shares of a part would mislead.
        bool ok = !document_->analysis().nodes.empty();
        for (const NodeAnalysis &n : document_->analysis().nodes)
            ok = ok && n.status == NodeStatus::Ok;
        if (!measured_.empty())
            costs = measured_;
        else if (ok)
            costs =
                estimateNodeCosts(document_->analysis(), training.batchSize, training.optimizer);
    }
    QHash<QString, const NodeCost *> byId;
    for (const NodeCost &c : costs)
        byId.insert(QString::fromStdString(c.id), &c);
    for (NodeItem *item : std::as_const(nodes_)) {
        const NodeCost *c = byId.value(item->id());
        item->setCost(c ? std::optional<NodeCost>(*c) : std::nullopt, training.batchSize);
    }
}

void NodeScene::refreshAnalysis()
{
    for (NodeItem *item : std::as_const(nodes_))
        refreshNode(item);
    for (EdgeItem *edge : std::as_const(edges_)) {
        const NodeAnalysis *a = document_->analysis().find(edge->edge().from.node);
        edge->setLabel(a && a->status == NodeStatus::Ok
                           ? QString::fromStdString(toString(a->output))
                           : QString());
    }
    refreshCosts();
}

void NodeScene::nodeItemMoved(NodeItem *item)
{
    for (EdgeItem *edge : std::as_const(edges_))
        if (edge->fromNode() == item || edge->toNode() == item)
            edge->updatePath();
}

void NodeScene::growSceneRect()
{
    // Generous margins so the user can pan past the model and drop new layers around it.
    const QRectF wanted = itemsBoundingRect().adjusted(-1200, -900, 1200, 900);
    setSceneRect(sceneRect().united(wanted));
}

QStringList NodeScene::selectedNodeIds() const
{
    QStringList ids;
    // Graph order, so copies and the inspector are deterministic.
    for (const Node &node : document_->graph().nodes()) {
        NodeItem *item = nodes_.value(QString::fromStdString(node.id));
        if (item && item->isSelected())
            ids << item->id();
    }
    return ids;
}

void NodeScene::selectNodes(const QStringList &ids)
{
    QSignalBlocker blocker(this); // one selectionChanged, not one per item
    clearSelection();
    for (const QString &id : ids)
        if (NodeItem *item = nodes_.value(id))
            item->setSelected(true);
    blocker.unblock();
    emit selectionChanged();
}

void NodeScene::selectAllNodes()
{
    QStringList all;
    for (const Node &node : document_->graph().nodes())
        all << QString::fromStdString(node.id);
    selectNodes(all);
}

// --- Edit gestures ------------------------------------------------------------------------

QString NodeScene::deleteSelection()
{
    const QStringList ids = selectedNodeIds();
    std::vector<Edge> links;
    for (QGraphicsItem *item : selectedItems())
        if (item->type() == EdgeItem::Type) {
            const Edge edge = static_cast<EdgeItem *>(item)->edge();
            // Links of deleted nodes go with them.
            if (!ids.contains(QString::fromStdString(edge.from.node)) &&
                !ids.contains(QString::fromStdString(edge.to.node)))
                links.push_back(edge);
        }
    if (ids.isEmpty() && links.empty())
        return {};
    if (document_->isEditingLocked()) {
        emit editRefused(document_->lockReason(), QPointF());
        return document_->lockReason();
    }
    QUndoStack *stack = document_->undoStack();
    const bool macro = (ids.isEmpty() ? 0 : 1) + links.size() > 1;
    if (macro)
        stack->beginMacro(tr("Delete selection"));
    for (const Edge &edge : links)
        document_->disconnectPorts(edge);
    if (!ids.isEmpty())
        document_->removeNodes(ids);
    if (macro)
        stack->endMacro();
    return {};
}

void NodeScene::copySelection()
{
    const QStringList ids = selectedNodeIds();
    if (ids.isEmpty())
        return;
    auto *mime = new QMimeData;
    const QByteArray json = QByteArray::fromStdString(document_->copyFragment(ids).dump());
    mime->setData(QString::fromLatin1(kNodesMimeType), json);
    mime->setText(QString::fromUtf8(json));
    QApplication::clipboard()->setMimeData(mime);
    pasteCount_ = 0;
    emit statusMessage(tr("Copied %n layer(s)", nullptr, int(ids.size())));
}

QString NodeScene::cutSelection()
{
    copySelection();
    return deleteSelection();
}

QString NodeScene::pasteFragment(const nlohmann::json &fragment, QPointF offset)
{
    QStringList ids;
    const QString why = document_->paste(fragment, offset, &ids);
    if (!why.isEmpty()) {
        emit editRefused(why, QPointF());
        return why;
    }
    selectNodes(ids);
    return {};
}

QString NodeScene::pasteClipboard()
{
    const QMimeData *mime = QApplication::clipboard()->mimeData();
    QByteArray data;
    if (mime && mime->hasFormat(QString::fromLatin1(kNodesMimeType)))
        data = mime->data(QString::fromLatin1(kNodesMimeType));
    else if (mime && mime->hasText())
        data = mime->text().toUtf8(); // layers copied from another Strata window as text
    const nlohmann::json fragment = nlohmann::json::parse(data.toStdString(), nullptr, false);
    if (fragment.is_discarded() || !fragment.is_object()) {
        emit editRefused(tr("The clipboard does not hold Strata layers"), QPointF());
        return tr("The clipboard does not hold Strata layers");
    }
    ++pasteCount_;
    return pasteFragment(fragment, QPointF(30, 30) * pasteCount_);
}

QString NodeScene::duplicateSelection()
{
    const QStringList ids = selectedNodeIds();
    if (ids.isEmpty())
        return {};
    return pasteFragment(document_->copyFragment(ids), QPointF(kColumnStep, 0));
}

QString NodeScene::addLayerAt(const QString &type, QPointF scenePos)
{
    QString id;
    const QPointF topLeft = snapped(scenePos - QPointF(kNodeWidth / 2, NodeItem::kHeight / 2));
    const QString why = document_->addNode(type, topLeft, &id);
    if (!why.isEmpty()) {
        emit editRefused(why, scenePos);
        return why;
    }
    selectNodes({id});
    growSceneRect();
    return {};
}

QString NodeScene::link(const PortRef &output, const PortRef &input)
{
    const Edge edge{output, input};
    const QString why = document_->connectPorts(edge);
    if (!why.isEmpty()) {
        QPointF at;
        if (NodeItem *to = nodes_.value(QString::fromStdString(input.node)))
            if (PortItem *port = to->inputPort(input.port))
                at = port->sceneCentre();
        emit editRefused(why, at);
    }
    return why;
}

void NodeScene::setUnitMaps(const QStringList &nodeIds,
                            const std::vector<std::vector<QImage>> &maps)
{
    for (auto it = nodes_.cbegin(); it != nodes_.cend(); ++it) {
        const qsizetype i = nodeIds.indexOf(it.key());
        it.value()->setUnitMaps(i >= 0 && size_t(i) < maps.size() ? maps[size_t(i)]
                                                                  : std::vector<QImage>{});
    }
}

} // namespace strata::ui
