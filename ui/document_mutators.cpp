// The document's low-level mutators: the only code that changes the project, called by the
// undo commands (ui/commands/) in both directions; each emits what changed.

#include "ui/document.h"

namespace strata::ui {

// --- Low-level mutators ------------------------------------------------------------------

void Document::insertNode(int index, const Node &node, QPointF position)
{
    const std::string id = project_.graph.insertNode(static_cast<size_t>(index), node);
    project_.ui["positions"][id] = {jsonCoordinate(position.x()), jsonCoordinate(position.y())};
    emit nodeAdded(toQString(id));
    changed();
}

void Document::eraseNode(const QString &nodeId)
{
    const std::string id = toStd(nodeId);
    // Edges go first, one by one, so observers see every removal.
    std::vector<Edge> touching;
    for (const Edge &e : project_.graph.edges())
        if (e.from.node == id || e.to.node == id)
            touching.push_back(e);
    for (const Edge &e : touching) {
        project_.graph.disconnect(e);
        emit edgeRemoved(e);
    }
    project_.graph.removeNode(id);
    project_.ui["positions"].erase(id);
    emit nodeRemoved(nodeId);
    changed();
}

void Document::insertEdge(int index, const Edge &edge)
{
    project_.graph.insertEdge(static_cast<size_t>(index), edge);
    emit edgeAdded(edge);
    changed();
}

void Document::eraseEdge(const Edge &edge)
{
    project_.graph.disconnect(edge);
    emit edgeRemoved(edge);
    changed();
}

void Document::replaceParams(const QString &nodeId, const nlohmann::json &params)
{
    Node *node = project_.graph.find(toStd(nodeId));
    if (!node)
        return;
    node->params = params;
    emit nodeChanged(nodeId);
    changed();
}

void Document::replaceName(const QString &nodeId, const QString &name)
{
    Node *node = project_.graph.find(toStd(nodeId));
    if (!node)
        return;
    node->name = toStd(name);
    emit nodeChanged(nodeId);
    changed(); // messages name the node
}

void Document::replacePositions(const QHash<QString, QPointF> &positions)
{
    QStringList ids;
    auto &stored = project_.ui["positions"];
    for (auto it = positions.begin(); it != positions.end(); ++it) {
        if (!project_.graph.find(toStd(it.key())))
            continue;
        stored[toStd(it.key())] = {jsonCoordinate(it.value().x()), jsonCoordinate(it.value().y())};
        ids << it.key();
    }
    emit positionsChanged(ids);
}

void Document::replaceDatasetSpec(const DatasetSpec &spec)
{
    project_.dataset = spec;
    recheck();
    emit settingsChanged();
    emit problemsChanged();
}

void Document::replaceTrainingSpec(const TrainingSpec &spec)
{
    project_.training = spec;
    recheck();
    emit settingsChanged();
    emit problemsChanged();
}

void Document::replaceProjectInfo(const QString &name, const QString &description)
{
    project_.name = toStd(name);
    project_.description = toStd(description);
    emit settingsChanged();
}

} // namespace strata::ui
