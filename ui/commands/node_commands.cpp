#include "ui/commands/node_commands.h"

#include "ui/document.h"

#include <algorithm>
#include <set>

namespace strata::ui {

AddNodeCommand::AddNodeCommand(Document *document, Node node, QPointF position)
    : document_(document), node_(std::move(node)), position_(position),
      index_(static_cast<int>(document->graph().nodes().size()))
{
    setText(QObject::tr("Add %1 '%2'").arg(toQString(node_.type), toQString(node_.id)));
}

void AddNodeCommand::redo()
{
    document_->insertNode(index_, node_, position_);
}

void AddNodeCommand::undo()
{
    document_->eraseNode(toQString(node_.id));
}

RemoveNodesCommand::RemoveNodesCommand(Document *document, const QStringList &ids)
    : document_(document)
{
    const Graph &graph = document->graph();
    std::set<std::string> chosen;
    for (const QString &id : ids)
        chosen.insert(toStd(id));
    for (size_t i = 0; i < graph.nodes().size(); ++i) {
        const Node &n = graph.nodes()[i];
        if (chosen.count(n.id))
            nodes_.push_back({static_cast<int>(i), n, document->position(toQString(n.id))});
    }
    for (size_t i = 0; i < graph.edges().size(); ++i) {
        const Edge &e = graph.edges()[i];
        if (chosen.count(e.from.node) || chosen.count(e.to.node))
            edges_.emplace_back(static_cast<int>(i), e);
    }
    setText(nodes_.size() == 1 ? QObject::tr("Delete %1").arg(toQString(nodes_.front().node.name))
                               : QObject::tr("Delete %n layers", nullptr, int(nodes_.size())));
}

void RemoveNodesCommand::redo()
{
    Document::Batch batch(document_);
    // Highest index first, so the recorded indices stay valid for undo.
    for (auto it = edges_.rbegin(); it != edges_.rend(); ++it)
        document_->eraseEdge(it->second);
    for (auto it = nodes_.rbegin(); it != nodes_.rend(); ++it)
        document_->eraseNode(toQString(it->node.id));
}

void RemoveNodesCommand::undo()
{
    Document::Batch batch(document_);
    for (const Removed &r : nodes_)
        document_->insertNode(r.index, r.node, r.position);
    for (const IndexedEdge &e : edges_)
        document_->insertEdge(e.first, e.second);
}

SetParamCommand::SetParamCommand(Document *document, const QString &nodeId, const QString &param,
                                 nlohmann::json oldParams, nlohmann::json newParams)
    : document_(document), nodeId_(nodeId), param_(param), oldParams_(std::move(oldParams)),
      newParams_(std::move(newParams))
{
    const Graph &graph = document->graph();
    if (const Node *node = graph.find(toStd(nodeId))) {
        Node edited = *node;
        edited.params = newParams_;
        const int ports = graph.inputPortCount(edited);
        for (size_t i = 0; i < graph.edges().size(); ++i) {
            const Edge &e = graph.edges()[i];
            if (e.to.node == node->id && e.to.port >= ports)
                pruned_.emplace_back(static_cast<int>(i), e);
        }
    }
    const auto value = newParams_.find(toStd(param));
    // The name the canvas shows now, not the id it was created with.
    const Node *node = graph.find(toStd(nodeId));
    setText(
        QObject::tr("Set %1.%2 = %3")
            .arg(node ? toQString(node->name) : nodeId, param,
                 value == newParams_.end() ? QStringLiteral("default") : toQString(value->dump())));
}

void SetParamCommand::redo()
{
    Document::Batch batch(document_);
    for (auto it = pruned_.rbegin(); it != pruned_.rend(); ++it)
        document_->eraseEdge(it->second);
    document_->replaceParams(nodeId_, newParams_);
}

void SetParamCommand::undo()
{
    Document::Batch batch(document_);
    document_->replaceParams(nodeId_, oldParams_);
    for (const IndexedEdge &e : pruned_)
        document_->insertEdge(e.first, e.second);
}

bool SetParamCommand::mergeWith(const QUndoCommand *other)
{
    const auto *next = static_cast<const SetParamCommand *>(other);
    if (next->nodeId_ != nodeId_ || next->param_ != param_ || !pruned_.empty() ||
        !next->pruned_.empty())
        return false;
    newParams_ = next->newParams_;
    setText(next->text());
    setObsolete(newParams_ == oldParams_);
    return true;
}

RenameNodeCommand::RenameNodeCommand(Document *document, const QString &nodeId,
                                     const QString &oldName, const QString &newName)
    : document_(document), nodeId_(nodeId), oldName_(oldName), newName_(newName)
{
    setText(QObject::tr("Rename %1 to '%2'").arg(oldName, newName));
}

void RenameNodeCommand::redo()
{
    document_->replaceName(nodeId_, newName_);
}

void RenameNodeCommand::undo()
{
    document_->replaceName(nodeId_, oldName_);
}

PasteCommand::PasteCommand(Document *document, std::vector<Node> nodes, std::vector<Edge> edges,
                           QHash<QString, QPointF> positions, const QString &text)
    : document_(document), nodes_(std::move(nodes)), edges_(std::move(edges)),
      positions_(std::move(positions)),
      firstNodeIndex_(static_cast<int>(document->graph().nodes().size())),
      firstEdgeIndex_(static_cast<int>(document->graph().edges().size()))
{
    setText(text);
}

void PasteCommand::redo()
{
    Document::Batch batch(document_);
    for (size_t i = 0; i < nodes_.size(); ++i)
        document_->insertNode(firstNodeIndex_ + static_cast<int>(i), nodes_[i],
                              positions_.value(toQString(nodes_[i].id)));
    for (size_t i = 0; i < edges_.size(); ++i)
        document_->insertEdge(firstEdgeIndex_ + static_cast<int>(i), edges_[i]);
}

void PasteCommand::undo()
{
    Document::Batch batch(document_);
    for (auto it = edges_.rbegin(); it != edges_.rend(); ++it)
        document_->eraseEdge(*it);
    for (auto it = nodes_.rbegin(); it != nodes_.rend(); ++it)
        document_->eraseNode(toQString(it->id));
}

} // namespace strata::ui
