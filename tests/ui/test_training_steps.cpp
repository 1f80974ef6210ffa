// Step batch and Step epoch through the session and the dashboard: from idle a step starts a
// run that pauses after its first batch or epoch; from a pause it trains exactly one more
// batch or epoch and pauses again; each step is reported with the loss before and after and
// the layers whose weights moved most.

#include "ui/session/training_session.h"
#include "ui/training/step_report.h"
#include "ui/training/training_controls.h"
#include "ui/training/training_dashboard.h"

#include "training_projects.h"

#include <QAbstractButton>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QtTest>

#include <set>

using strata::BatchEvent;
using strata::StepEvent;
using strata::ui::TrainingControls;
using strata::ui::TrainingDashboard;
using strata::ui::TrainingSession;

namespace {

constexpr int kTimeoutMs = 60000;
constexpr int kSpiralBatches = 60; // 480 training samples in batches of 8

} // namespace

class TestTrainingSteps : public QObject
{
    Q_OBJECT

private slots:
    void stepBatchFromIdleThenFromPause()
    {
        TrainingSession session;
        QSignalSpy steps(&session, &TrainingSession::stepFinished);
        std::vector<BatchEvent> batches;
        connect(&session, &TrainingSession::batchFinished, this,
                [&](const BatchEvent &b) { batches.push_back(b); });
        QVERIFY(session.startStep(strata::test::spirals(50), {}, StepEvent::Kind::Batch));
        QVERIFY(session.isStepping());
        QVERIFY(!session.isPaused());
        QTRY_COMPARE_WITH_TIMEOUT(steps.count(), 1, kTimeoutMs);
        QVERIFY(session.isPaused());
        QVERIFY(!session.isStepping());
        QCOMPARE(batches.size(), size_t(1));
        QCOMPARE(batches[0].batch, 0);
        // Paused: nothing more comes.
        QTest::qWait(200);
        QCOMPARE(batches.size(), size_t(1));

        // A step needs a pause; a second step from the pause trains the next batch only.
        QVERIFY(session.stepBatch());
        QVERIFY(!session.stepBatch()); // under way: not paused
        QTRY_COMPARE_WITH_TIMEOUT(steps.count(), 2, kTimeoutMs);
        QTest::qWait(200);
        QCOMPARE(batches.size(), size_t(2));
        QCOMPARE(batches[1].epoch, 0);
        QCOMPARE(batches[1].batch, 1);
        QVERIFY(session.isPaused());

        // The report: the step's place, its losses and every layer with weights.
        const auto step = steps.at(1).at(0).value<StepEvent>();
        QVERIFY(step.kind == StepEvent::Kind::Batch);
        QCOMPARE(step.batch, 1);
        std::set<std::string> layers;
        for (const strata::LayerChange &c : step.changes)
            layers.insert(c.name);
        QCOMPARE(layers, (std::set<std::string>{"h1", "h2", "out"}));
        const QString text = strata::ui::stepReportText(step);
        QVERIFY2(text.startsWith("Step: batch 2 of 60 in epoch 1, loss "), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("%1 → %2")
                                   .arg(step.lossBefore, 0, 'f', 4)
                                   .arg(step.lossAfter, 0, 'f', 4)),
                 qPrintable(text));
        const QString first = QString::fromStdString(step.changes[0].name);
        QVERIFY2(text.contains("weights changed most: " + first + " (‖Δw‖ "), qPrintable(text));
        QVERIFY(session.stop());
        QTRY_VERIFY_WITH_TIMEOUT(!session.isTraining(), kTimeoutMs);
    }

    void stepEpochFromIdleThenFromPause()
    {
        TrainingSession session;
        QSignalSpy steps(&session, &TrainingSession::stepFinished);
        int batches = 0;
        connect(&session, &TrainingSession::batchFinished, this, [&] { ++batches; });
        QVERIFY(session.startStep(strata::test::spirals(50), {}, StepEvent::Kind::Epoch));
        QTRY_COMPARE_WITH_TIMEOUT(steps.count(), 1, kTimeoutMs);
        QVERIFY(session.isPaused());
        QCOMPARE(batches, kSpiralBatches);
        QCOMPARE(session.epochs().size(), size_t(1));
        QVERIFY(steps.at(0).at(0).value<StepEvent>().kind == StepEvent::Kind::Epoch);

        QVERIFY(session.stepEpoch());
        QTRY_COMPARE_WITH_TIMEOUT(steps.count(), 2, kTimeoutMs);
        QTest::qWait(200);
        QCOMPARE(batches, 2 * kSpiralBatches);
        QCOMPARE(session.epochs().size(), size_t(2));
        const auto step = steps.at(1).at(0).value<StepEvent>();
        QCOMPARE(step.epoch, 1);
        QCOMPARE(step.batch, kSpiralBatches - 1);
        QVERIFY(strata::ui::stepReportText(step).startsWith("Step: epoch 2 (to batch 60 of 60)"));
        QVERIFY(session.stop());
        QTRY_VERIFY_WITH_TIMEOUT(!session.isTraining(), kTimeoutMs);
    }

    void dashboardButtonsStepAndLogTheReport()
    {
        TrainingSession session;
        TrainingDashboard dashboard(&session);
        dashboard.setProjectSource([] { return std::pair(strata::test::spirals(50), QString()); });
        auto *stepBatch = dashboard.controls()->findChild<QAbstractButton *>("stepBatchButton");
        auto *stepEpoch = dashboard.controls()->findChild<QAbstractButton *>("stepEpochButton");
        QVERIFY(stepBatch && stepEpoch);
        QVERIFY(stepBatch->toolTip().contains("F7"));
        QVERIFY(stepEpoch->toolTip().contains("Shift+F7"));
        QVERIFY(stepBatch->isEnabled() && stepEpoch->isEnabled()); // idle: a step starts a run
        QSignalSpy steps(&session, &TrainingSession::stepFinished);
        stepBatch->click();
        QVERIFY(session.isTraining());
        QVERIFY(!stepBatch->isEnabled()); // under way
        QTRY_COMPARE_WITH_TIMEOUT(steps.count(), 1, kTimeoutMs);
        QVERIFY(stepBatch->isEnabled() && stepEpoch->isEnabled()); // paused
        QVERIFY2(dashboard.logView()->toPlainText().contains("Step: batch 1 of 60 in epoch 1"),
                 qPrintable(dashboard.logView()->toPlainText()));
        dashboard.controls()->stepBatchAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(steps.count(), 2, kTimeoutMs);
        QVERIFY(dashboard.logView()->toPlainText().contains("Step: batch 2 of 60 in epoch 1"));
        // Running: a step waits for a pause.
        QVERIFY(session.resume());
        QVERIFY(!stepBatch->isEnabled());
        QVERIFY(session.stop());
        QTRY_VERIFY_WITH_TIMEOUT(!session.isTraining(), kTimeoutMs);
        QVERIFY(stepBatch->isEnabled());
    }
};

QTEST_MAIN(TestTrainingSteps)
#include "test_training_steps.moc"
