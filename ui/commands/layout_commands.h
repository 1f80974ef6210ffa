#pragma once
// Undo commands that move nodes on the canvas. Positions live in the project's ui section,
// so moves are part of the document and undo like any other edit.

#include "ui/auto_layout.h"

#include <QHash>
#include <QPointF>
#include <QUndoCommand>

namespace strata::ui {

class Document;

class MoveNodesCommand : public QUndoCommand
{
public:
    enum { Id = 1002 };
    MoveNodesCommand(Document *document, QHash<QString, QPointF> oldPositions,
                     QHash<QString, QPointF> newPositions, const QString &text);
    void redo() override;
    void undo() override;
    int id() const override { return Id; }
    // Consecutive moves of the same nodes (nudges, several drags) undo as one step.
    bool mergeWith(const QUndoCommand *other) override;

protected:
    Document *document_;
    QHash<QString, QPointF> old_;
    QHash<QString, QPointF> new_;
};

// Places every node by topological depth, top to bottom or left to right (layeredLayout).
// Never merged with moves.
class AutoLayoutCommand : public MoveNodesCommand
{
public:
    explicit AutoLayoutCommand(Document *document,
                               LayoutDirection direction = LayoutDirection::TopToBottom,
                               int wrapAfter = 0);
    int id() const override { return -1; }
};

} // namespace strata::ui
