#include "ui/commands/layout_commands.h"

#include "ui/auto_layout.h"
#include "ui/document.h"

namespace strata::ui {

MoveNodesCommand::MoveNodesCommand(Document *document, QHash<QString, QPointF> oldPositions,
                                   QHash<QString, QPointF> newPositions, const QString &text)
    : document_(document), old_(std::move(oldPositions)), new_(std::move(newPositions))
{
    setText(text);
}

void MoveNodesCommand::redo()
{
    document_->replacePositions(new_);
}

void MoveNodesCommand::undo()
{
    document_->replacePositions(old_);
}

bool MoveNodesCommand::mergeWith(const QUndoCommand *other)
{
    const auto *next = static_cast<const MoveNodesCommand *>(other);
    if (next->id() != id() || next->new_.keys().size() != new_.size())
        return false;
    for (auto it = next->new_.begin(); it != next->new_.end(); ++it)
        if (!new_.contains(it.key()))
            return false;
    new_ = next->new_;
    setObsolete(new_ == old_);
    return true;
}

namespace {

QHash<QString, QPointF> currentPositions(const Document *document)
{
    QHash<QString, QPointF> out;
    for (const Node &n : document->graph().nodes())
        out.insert(toQString(n.id), document->position(toQString(n.id)));
    return out;
}

} // namespace

AutoLayoutCommand::AutoLayoutCommand(Document *document, LayoutDirection direction, int wrapAfter)
    : MoveNodesCommand(document, currentPositions(document),
                       layeredLayout(document->graph(), direction, wrapAfter),
                       direction == LayoutDirection::LeftToRight
                           ? QObject::tr("Auto-layout left to right")
                           : QObject::tr("Auto-layout"))
{
}

} // namespace strata::ui
