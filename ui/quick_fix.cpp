#include "ui/quick_fix.h"

#include "ui/auto_layout.h"
#include "ui/document.h"

#include <QSet>

#include <cmath>
#include <vector>

namespace strata::ui {

namespace {

// The node and everything downstream of it.
QSet<QString> downstream(const Graph &graph, const QString &from)
{
    QSet<QString> seen{from};
    std::vector<std::string> todo{toStd(from)};
    while (!todo.empty()) {
        const std::string id = todo.back();
        todo.pop_back();
        for (const Edge &e : graph.edges())
            if (e.from.node == id && !seen.contains(toQString(e.to.node))) {
                seen.insert(toQString(e.to.node));
                todo.push_back(e.to.node);
            }
    }
    return seen;
}

// Flatten between a layer and what feeds its first input: it takes the layer's place, and the
// layer with everything after it moves one step along the model's direction.
QString insertFlatten(Document *document, const QString &nodeId)
{
    const Edge *in = document->graph().edgeInto({toStd(nodeId), 0});
    if (!in)
        return QObject::tr("'%1' has no input to flatten").arg(nodeId);
    const Edge old = *in;
    const QString source = toQString(old.from.node);
    const QPointF at = document->position(nodeId);
    const QPointF along = at - document->position(source);
    const QPointF step =
        std::abs(along.x()) > std::abs(along.y()) ? QPointF(kColumnStep, 0) : QPointF(0, kRowStep);
    QUndoStack *stack = document->undoStack();
    stack->beginMacro(QObject::tr("Insert Flatten before %1").arg(nodeId));
    QString flatten;
    QString why = document->addNode(QStringLiteral("Flatten"), at, &flatten);
    if (why.isEmpty()) {
        QHash<QString, QPointF> moved;
        for (const QString &id : downstream(document->graph(), nodeId))
            moved.insert(id, document->position(id) + step);
        why = document->moveNodes(moved);
    }
    // Named edges, not temporaries built in the calls: gcc 12 warned that a temporary
    // PortRef's string "may be used uninitialized" (a false positive).
    const PortRef flattenPort{toStd(flatten), 0};
    const Edge toFlatten{old.from, flattenPort}, fromFlatten{flattenPort, old.to};
    if (why.isEmpty())
        why = document->disconnectPorts(old);
    if (why.isEmpty())
        why = document->connectPorts(toFlatten);
    if (why.isEmpty())
        why = document->connectPorts(fromFlatten);
    stack->endMacro();
    if (!why.isEmpty())
        stack->undo(); // nothing half done stays
    return why;
}

QString useBinaryCrossEntropy(Document *document)
{
    TrainingSpec spec = document->project().training;
    spec.loss = toString(LossKind::BinaryCrossEntropy);
    return document->setTrainingSpec(spec);
}

} // namespace

QString quickFixText(const ProjectProblem &problem)
{
    switch (problem.fix) {
    case QuickFix::InsertFlatten:
        return QObject::tr("Insert Flatten before '%1'").arg(toQString(problem.nodeId));
    case QuickFix::UseBinaryCrossEntropy:
        return QObject::tr("Use binary cross-entropy");
    case QuickFix::None:
        break;
    }
    return {};
}

QString applyQuickFix(Document *document, const ProjectProblem &problem)
{
    if (document->isEditingLocked())
        return document->lockReason();
    switch (problem.fix) {
    case QuickFix::InsertFlatten:
        return insertFlatten(document, toQString(problem.nodeId));
    case QuickFix::UseBinaryCrossEntropy:
        return useBinaryCrossEntropy(document);
    case QuickFix::None:
        break;
    }
    return QObject::tr("This problem has no quick fix");
}

} // namespace strata::ui
