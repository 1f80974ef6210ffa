#include "ui/training/step_report.h"

#include <QCoreApplication>
#include <QStringList>

#include <algorithm>

namespace strata::ui {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("StepReport", text);
}

// Enough digits to tell a small change from none: 0.012, 0.00034, 1.2e-07.
QString norm(double value)
{
    return QString::number(value, 'g', 2);
}

} // namespace

QString stepReportText(const strata::StepEvent &step, int layers)
{
    const bool batch = step.kind == strata::StepEvent::Kind::Batch;
    QString text = batch ? tr("Step: batch %1 of %2 in epoch %3, loss %4 → %5 (on that batch)")
                               .arg(step.batch + 1)
                               .arg(step.batches)
                               .arg(step.epoch + 1)
                         : tr("Step: epoch %3 (to batch %1 of %2), loss %4 → %5 (training set)")
                               .arg(step.batch + 1)
                               .arg(step.batches)
                               .arg(step.epoch + 1);
    text = text.arg(step.lossBefore, 0, 'f', 4).arg(step.lossAfter, 0, 'f', 4);
    QStringList moved;
    for (const strata::LayerChange &c : step.changes) {
        if (int(moved.size()) == layers || c.norm <= 0)
            break;
        const QString name = QString::fromStdString(c.name);
        moved << (moved.isEmpty() ? tr("%1 (‖Δw‖ %2)") : tr("%1 (%2)")).arg(name, norm(c.norm));
    }
    if (moved.isEmpty())
        return text + tr("; no layer's weights changed (is the learning rate 0?)");
    return text + tr("; weights changed most: %1").arg(moved.join(QStringLiteral(", ")));
}

} // namespace strata::ui
