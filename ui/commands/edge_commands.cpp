#include "ui/commands/edge_commands.h"

#include "ui/document.h"

namespace strata::ui {

namespace {

QString describeEdge(const Edge &edge)
{
    return QStringLiteral("%1 → %2").arg(toQString(edge.from.node), toQString(edge.to.node));
}

} // namespace

ConnectCommand::ConnectCommand(Document *document, const Edge &edge)
    : document_(document), edge_(edge), index_(static_cast<int>(document->graph().edges().size()))
{
    setText(QObject::tr("Link %1").arg(describeEdge(edge)));
}

void ConnectCommand::redo()
{
    document_->insertEdge(index_, edge_);
}

void ConnectCommand::undo()
{
    document_->eraseEdge(edge_);
}

DisconnectCommand::DisconnectCommand(Document *document, const Edge &edge, int index)
    : document_(document), edge_(edge), index_(index)
{
    setText(QObject::tr("Unlink %1").arg(describeEdge(edge)));
}

void DisconnectCommand::redo()
{
    document_->eraseEdge(edge_);
}

void DisconnectCommand::undo()
{
    document_->insertEdge(index_, edge_);
}

} // namespace strata::ui
