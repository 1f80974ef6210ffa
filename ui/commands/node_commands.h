#pragma once
// Undo commands that add, remove and edit nodes. They act on the Document only and remember
// indices, so undo puts every node and edge back exactly where it was.

#include <strata/graph.h>

#include <QHash>
#include <QPointF>
#include <QUndoCommand>

#include <utility>
#include <vector>

namespace strata::ui {

class Document;

// An edge with its index in the graph's edge list.
using IndexedEdge = std::pair<int, Edge>;

class AddNodeCommand : public QUndoCommand
{
public:
    // node.id must already be fresh (Document::addNode picks it).
    AddNodeCommand(Document *document, Node node, QPointF position);
    void redo() override;
    void undo() override;

private:
    Document *document_;
    Node node_;
    QPointF position_;
    int index_;
};

class RemoveNodesCommand : public QUndoCommand
{
public:
    RemoveNodesCommand(Document *document, const QStringList &ids);
    void redo() override;
    void undo() override;

private:
    struct Removed
    {
        int index;
        Node node;
        QPointF position;
    };
    Document *document_;
    std::vector<Removed> nodes_;     // ascending index
    std::vector<IndexedEdge> edges_; // ascending index
};

class SetParamCommand : public QUndoCommand
{
public:
    enum { Id = 1001 };
    SetParamCommand(Document *document, const QString &nodeId, const QString &param,
                    nlohmann::json oldParams, nlohmann::json newParams);
    void redo() override;
    void undo() override;
    int id() const override { return Id; }
    // Consecutive edits of the same parameter (spin box clicks) undo as one.
    bool mergeWith(const QUndoCommand *other) override;

private:
    Document *document_;
    QString nodeId_;
    QString param_;
    nlohmann::json oldParams_;
    nlohmann::json newParams_;
    // Links into input ports the new settings remove (e.g. Add going from 3 inputs to 2).
    std::vector<IndexedEdge> pruned_;
};

class RenameNodeCommand : public QUndoCommand
{
public:
    RenameNodeCommand(Document *document, const QString &nodeId, const QString &oldName,
                      const QString &newName);
    void redo() override;
    void undo() override;

private:
    Document *document_;
    QString nodeId_, oldName_, newName_;
};

class PasteCommand : public QUndoCommand
{
public:
    // nodes carry their fresh ids already; edges link only these nodes.
    PasteCommand(Document *document, std::vector<Node> nodes, std::vector<Edge> edges,
                 QHash<QString, QPointF> positions, const QString &text);
    void redo() override;
    void undo() override;

private:
    Document *document_;
    std::vector<Node> nodes_;
    std::vector<Edge> edges_;
    QHash<QString, QPointF> positions_;
    int firstNodeIndex_;
    int firstEdgeIndex_;
};

} // namespace strata::ui
