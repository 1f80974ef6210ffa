// The Runs panel in the studio: every run the session trains is kept beside the project and
// listed; three runs overlaid on the dashboard's plots under their names; the diff of two
// runs lists exactly the changed settings; rename, tags, a note and a confirmed delete; a
// stopped run resumed from the panel ends bitwise as a run never stopped; Open model and
// Export take the run's own model and weights; a damaged run is listed, never a crash.

#include "ui/document.h"
#include "ui/main_window.h"
#include "ui/runs/runs_panel.h"
#include "ui/session/training_session.h"
#include "ui/training/training_dashboard.h"
#include "widgets/metric_plot.h"

#include "dialog_answer.h"
#include "example_variant.h"
#include "qtest_strings.h"
#include "source_dir.h"
#include "train_to_end.h"

#include <QDockWidget>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QUndoStack>
#include <QtTest>

using namespace strata;
using namespace strata::ui;

namespace {

constexpr int kTimeoutMs = 120000;

QString cellText(RunsPanel *panel, int row, int column)
{
    QTableWidgetItem *item = panel->table()->item(row, column);
    return item ? item->text() : QString();
}

} // namespace

class TestRunsPanel : public QObject
{
    Q_OBJECT

    QTemporaryDir dir_;
    QString projectPath_;

    // Trains `project` in the window's session to its end.
    bool train(MainWindow &window, const Project &project)
    {
        return test::trainToEnd(*window.session(), project, dir_.path(), kTimeoutMs);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        // The spirals example, short, in a folder of its own: its runs go beside it.
        projectPath_ = dir_.path() + "/spirals.strata";
        QVERIFY(test::writeExampleVariant("spirals.strata", projectPath_,
                                          {{"training", QJsonObject{{"epochs", 3}}}}));
    }

    void keepsComparesAndLabelsRuns()
    {
        MainWindow window;
        window.resize(1366, 768);
        window.show();
        QVERIFY(window.openFile(projectPath_));
        RunsPanel *panel = window.runsPanel();
        QVERIFY(panel);
        const QString store = dir_.path() + "/spirals.runs";
        QCOMPARE(panel->store(), store);
        QCOMPARE(window.session()->runStore(), store);
        QCOMPARE(panel->table()->rowCount(), 0);

        // Three runs: the project, then two learning rates; the panel hidden meanwhile.
        window.runsDock()->hide();
        Project project = window.document()->project();
        QVERIFY(train(window, project));
        QCOMPARE(window.session()->runId(), QString("run-1"));
        QCOMPARE(window.lastRunWeights(), store + "/run-1/final.safetensors");
        Project faster = project;
        faster.training.optimizer.lr = 0.05;
        QVERIFY(train(window, faster));
        Project slower = project;
        slower.training.optimizer.lr = 0.002;
        slower.training.batchSize = 16;
        QVERIFY(train(window, slower));
        // Hidden, the panel has not read the store again; shown, it has.
        QVERIFY(panel->isStale());
        QCOMPARE(panel->table()->rowCount(), 0);
        window.runsDock()->show();
        window.runsDock()->raise();
        QTRY_VERIFY(panel->isVisible());
        QVERIFY(!panel->isStale());
        QCOMPARE(panel->table()->rowCount(), 3);
        for (int row = 0; row < 3; ++row) {
            QCOMPARE(cellText(panel, row, 1), QString("run-%1").arg(row + 1));
            QCOMPARE(cellText(panel, row, 2), QString("finished"));
            QCOMPARE(cellText(panel, row, 3), QString("3/3"));
            QVERIFY(cellText(panel, row, 4).toDouble() > 0);
        }

        // Ticked, the three are drawn on both plots under their names, beside the live curves.
        TrainingDashboard *dashboard = window.dashboard();
        for (const char *id : {"run-1", "run-2", "run-3"})
            panel->setCompared(id, true);
        QCOMPARE(panel->comparedRuns(), (QStringList{"run-1", "run-2", "run-3"}));
        QCOMPARE(dashboard->lossPlot()->comparedRunCount(), 3);
        QCOMPARE(dashboard->accuracyPlot()->comparedRunCount(), 3);
        const QStringList legend = dashboard->lossPlot()->legendNames();
        for (const char *name : {"run-1", "run-2", "run-3"})
            QVERIFY2(legend.contains(name), qPrintable(legend.join(", ")));
        QVERIFY(legend.contains("validation (epoch)")); // the live run's own curves stay
        panel->setCompared("run-2", false);
        QCOMPARE(dashboard->accuracyPlot()->comparedRunCount(), 2);
        // Ticking through the table's check box does the same.
        QTableWidgetItem *check = panel->table()->item(1, 0);
        check->setCheckState(Qt::Checked);
        QCOMPARE(dashboard->lossPlot()->comparedRunCount(), 3);

        // The open model changes: every run says its model is another, and what differs.
        QVERIFY(window.document()->setParam("fc1", "units", 48).isEmpty());
        QCOMPARE(cellText(panel, 0, 2), QString("finished · other model"));
        QVERIFY2(panel->table()->item(0, 2)->toolTip().contains("fc1 (Dense): units 32 → 48"),
                 qPrintable(panel->table()->item(0, 2)->toolTip()));
        window.document()->undoStack()->undo();
        QCOMPARE(cellText(panel, 0, 2), QString("finished"));

        // The diff of two selected runs: exactly the changed settings.
        panel->selectRuns({"run-1", "run-2"});
        QCOMPARE(panel->diffLines(), (QStringList{"Training: optimizer.lr 0.01 → 0.05"}));
        panel->selectRuns({"run-2", "run-3"});
        QCOMPARE(panel->diffLines(), (QStringList{"Training: batch_size 32 → 16",
                                                  "Training: optimizer.lr 0.05 → 0.002"}));

        // Labels, kept in the store.
        panel->selectRuns({"run-2"});
        QVERIFY(panel->renameSelected("fast lr"));
        QVERIFY(panel->setTagsOfSelected({"lr", "sweep"}));
        QVERIFY(panel->setNoteOfSelected("diverges late?\nsecond line"));
        QCOMPARE(cellText(panel, 1, 1), QString("fast lr"));
        QCOMPARE(cellText(panel, 1, 8), QString("lr, sweep"));
        QCOMPARE(cellText(panel, 1, 9), QString("diverges late?"));
        QVERIFY(dashboard->lossPlot()->legendNames().contains("fast lr"));
        RunStore kept(store.toStdString());
        QCOMPARE(kept.find("run-2").name, std::string("fast lr"));
        // A name already taken is refused with a message, and nothing changes.
        panel->selectRuns({"run-3"});
        strata::test::answerNextDialog<QMessageBox>([](QMessageBox *box) {
            QVERIFY(box->text().contains("already called"));
            box->accept();
        });
        QVERIFY(!panel->renameSelected("fast lr"));
        QCOMPARE(cellText(panel, 2, 1), QString("run-3"));

        // Delete asks first; Cancel keeps it, Yes removes it and its files.
        strata::test::answerNextDialog<QMessageBox>(
            [](QMessageBox *box) { box->button(QMessageBox::Cancel)->click(); });
        QVERIFY(!panel->deleteSelected());
        QCOMPARE(panel->table()->rowCount(), 3);
        strata::test::answerNextDialog<QMessageBox>(
            [](QMessageBox *box) { box->button(QMessageBox::Yes)->click(); });
        QVERIFY(panel->deleteSelected());
        QCOMPARE(panel->table()->rowCount(), 2);
        QVERIFY(!QFileInfo::exists(store + "/run-3"));
        QCOMPARE(panel->comparedRuns(), (QStringList{"run-1", "run-2"}));
        QCOMPARE(dashboard->lossPlot()->comparedRunCount(), 2);

        // Open model: the project run-2 trained, as a new untitled project.
        panel->selectRuns({"run-2"});
        panel->openSelectedModel();
        QVERIFY(window.document()->filePath().isEmpty());
        QCOMPARE(window.document()->project().training.optimizer.lr, 0.05);
        QVERIFY(window.document()->project().name.find("(fast lr)") != std::string::npos);
    }

    void resumesAStoppedRunExactly()
    {
        MainWindow window;
        window.resize(1366, 768);
        window.show();
        QVERIFY(window.openFile(projectPath_));
        RunsPanel *panel = window.runsPanel();
        TrainingSession *session = window.session();
        Project project = window.document()->project();
        project.training.epochs = 6;
        // The whole run, then the same one stopped after its second epoch: stepped there (a
        // step pauses at the epoch's end), so the stop lands at the same place on any machine.
        QVERIFY(train(window, project));
        const QString whole = session->runFolder();
        QSignalSpy finished(session, &TrainingSession::finished);
        QSignalSpy steps(session, &TrainingSession::stepFinished);
        QVERIFY(session->startStep(project, dir_.path(), StepEvent::Kind::Epoch));
        const QString stoppedId = session->runId();
        QTRY_COMPARE_WITH_TIMEOUT(steps.count(), 1, kTimeoutMs);
        QVERIFY(session->stepEpoch());
        QTRY_COMPARE_WITH_TIMEOUT(steps.count(), 2, kTimeoutMs);
        QVERIFY(session->stop());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        QVERIFY2(session->lastResult()->reason == FinishedEvent::Reason::Stopped,
                 session->lastResult()->message.c_str());
        QCOMPARE(int(session->epochs().size()), 2);
        panel->selectRuns({stoppedId});
        const int row = panel->table()->selectionModel()->selectedRows().front().row();
        QVERIFY2(cellText(panel, row, 2).startsWith("stopped (resumable)"),
                 qPrintable(cellText(panel, row, 2)));
        auto *resume = panel->findChild<QPushButton *>("resumeRunButton");
        QVERIFY(resume && resume->isEnabled());

        // Resumed from the panel: the dashboard shows the whole run, and it ends as the
        // uninterrupted one did.
        finished.clear();
        resume->click();
        QVERIFY(session->isTraining());
        QCOMPARE(session->runId(), stoppedId);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        QVERIFY(session->lastResult()->reason == FinishedEvent::Reason::Completed);
        QCOMPARE(int(session->epochs().size()), 6);
        QCOMPARE(window.dashboard()->lossPlot()->epochPointCount(), 6);
        const QByteArray expected = strata::test::readAll(whole + "/final.safetensors");
        QVERIFY(!expected.isEmpty());
        QVERIFY2(strata::test::readAll(session->runFolder() + "/final.safetensors") == expected,
                 "the resumed run's weights differ from the uninterrupted run's");
        QCOMPARE(cellText(panel, row, 2), QString("finished"));
        QVERIFY(!resume->isEnabled()); // finished: nothing to resume
    }

    void damagedRunIsListed()
    {
        MainWindow window;
        QVERIFY(window.openFile(projectPath_));
        RunsPanel *panel = window.runsPanel();
        const int before = panel->table()->rowCount();
        QVERIFY(before > 0);
        QFile record(panel->store() + "/run-1/run.json");
        QVERIFY(record.open(QIODevice::WriteOnly | QIODevice::Truncate));
        record.write("{\"format\": \"strata-run\", \"version\": 99}");
        record.close();
        panel->refresh();
        QCOMPARE(panel->table()->rowCount(), before);
        QCOMPARE(cellText(panel, 0, 2), QString("unreadable"));
        QVERIFY(panel->table()->item(0, 2)->toolTip().contains("newer Strata"));
        panel->selectRuns({"run-1"});
        QVERIFY(!panel->findChild<QPushButton *>("resumeRunButton")->isEnabled());
        QVERIFY(!panel->findChild<QPushButton *>("openRunModelButton")->isEnabled());
        // It can still be deleted.
        QVERIFY(panel->deleteSelected(false));
        QCOMPARE(panel->table()->rowCount(), before - 1);
    }
};

QTEST_MAIN(TestRunsPanel)
#include "test_runs_panel.moc"
