// The runs ticked for comparison: their colours and their curves, for the dashboard's plots.

#include "ui/runs/runs_panel.h"

#include "ui/session/training_session.h"

#include <cmath>

namespace strata::ui {

QColor RunsPanel::runColor(const QString &runId)
{
    // matplotlib's tab10 without blue and orange, which are the live run's train and
    // validation colours.
    static const QColor kColors[] = {{44, 160, 44},  {214, 39, 40},   {148, 103, 189},
                                     {140, 86, 75},  {227, 119, 194}, {127, 127, 127},
                                     {188, 189, 34}, {23, 190, 207}};
    const int n = static_cast<int>(runId.mid(4).toUInt());
    return kColors[(n > 0 ? n - 1 : 0) % std::size(kColors)];
}

QStringList RunsPanel::comparedRuns() const
{
    QStringList ids;
    for (const RunInfo &run : runs_)
        if (compared_.contains(QString::fromStdString(run.id)))
            ids << QString::fromStdString(run.id);
    return ids;
}

void RunsPanel::emitCompared()
{
    std::vector<widgets::RunCurve> loss, accuracy;
    const QString live = session_ && session_->isTraining() ? session_->runId() : QString();
    for (const RunInfo &run : runs_) {
        const QString id = QString::fromStdString(run.id);
        if (!compared_.contains(id) || id == live)
            continue;
        widgets::RunCurve l, a;
        l.name = a.name = QString::fromStdString(run.name);
        l.color = a.color = runColor(id);
        for (const EpochMetrics &m : run.history) {
            l.epochs.push_back(m.epoch + 1);
            l.train.push_back(m.loss);
            a.train.push_back(m.accuracy);
            if (run.validation) {
                l.validation.push_back(m.hasValidation ? m.valLoss : NAN);
                a.validation.push_back(m.hasValidation ? m.valAccuracy : NAN);
            }
        }
        a.epochs = l.epochs;
        loss.push_back(std::move(l));
        accuracy.push_back(std::move(a));
    }
    emit comparedRunsChanged(loss, accuracy);
}

} // namespace strata::ui
