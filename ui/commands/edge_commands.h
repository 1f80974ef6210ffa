#pragma once
// Undo commands that link and unlink ports. The edge's index is remembered so undo restores
// the project's edge order exactly.

#include <strata/graph.h>

#include <QUndoCommand>

namespace strata::ui {

class Document;

class ConnectCommand : public QUndoCommand
{
public:
    // The edge must pass Graph::checkEdge (Document::connectPorts checks it first).
    ConnectCommand(Document *document, const Edge &edge);
    void redo() override;
    void undo() override;

private:
    Document *document_;
    Edge edge_;
    int index_;
};

class DisconnectCommand : public QUndoCommand
{
public:
    DisconnectCommand(Document *document, const Edge &edge, int index);
    void redo() override;
    void undo() override;

private:
    Document *document_;
    Edge edge_;
    int index_;
};

} // namespace strata::ui
