// Train (F5), Pause / Resume (F6), Stop (Shift+F5), Step batch (F7) and Step epoch (Shift+F7):
// in the Training menu with their keys,
// named in the buttons' tooltips, and working from anywhere in the window.

#include "ui/document.h"
#include "ui/main_window.h"
#include "ui/session/training_session.h"
#include "ui/training/training_controls.h"
#include "ui/training/training_dashboard.h"

#include "source_dir.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QUndoStack>

using namespace strata::ui;
using strata::test::examplePath;

class TestTrainingShortcuts : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void shownInMenuAndTooltips();
    void keysDriveARun();
};

void TestTrainingShortcuts::shownInMenuAndTooltips()
{
    MainWindow window;
    // A model that can train: an empty one's Train says why it cannot instead.
    QVERIFY(window.openFile(examplePath("spirals.strata")));
    QMenu *training = nullptr;
    for (QAction *a : window.menuBar()->actions())
        if (a->menu() && a->text().remove('&') == QLatin1String("Training"))
            training = a->menu();
    QVERIFY(training);
    QStringList keys;
    for (QAction *a : training->actions())
        keys << a->shortcut().toString();
    QCOMPARE(keys, QStringList({"F5", "F6", "Shift+F5", "", "F7", "Shift+F7"}));
    const TrainingControls *controls = window.dashboard()->controls();
    for (const auto &[button, key] : {std::pair{"trainButton", "F5"},
                                      {"pauseButton", "F6"},
                                      {"resumeButton", "F6"},
                                      {"stopButton", "Shift+F5"},
                                      {"stepBatchButton", "F7"},
                                      {"stepEpochButton", "Shift+F7"}}) {
        auto *b = controls->findChild<QAbstractButton *>(button);
        QVERIFY(b);
        QVERIFY2(b->toolTip().contains(QLatin1String(key)), qPrintable(b->toolTip()));
    }
    // Only what applies: Train while idle.
    QVERIFY(controls->trainAction()->isEnabled());
    QVERIFY(!controls->pauseResumeAction()->isEnabled());
    QVERIFY(!controls->stopAction()->isEnabled());
    // A step from idle starts a run, paused after it.
    QVERIFY(controls->stepBatchAction()->isEnabled());
    QVERIFY(controls->stepEpochAction()->isEnabled());
}

void TestTrainingShortcuts::keysDriveARun()
{
    MainWindow window;
    QVERIFY(window.openFile(examplePath("spirals.strata")));
    window.show();
    QApplication::setActiveWindow(&window);
    QVERIFY(QTest::qWaitForWindowActive(&window));
    TrainingSession *session = window.session();
    // From the canvas, which has nothing to do with training.
    QWidget *focus = window.centralWidget();
    QTest::keyClick(focus, Qt::Key_F5);
    QVERIFY(session->isTraining());
    QTRY_VERIFY_WITH_TIMEOUT(!session->epochs().empty() || !session->isTraining(), 60000);
    QVERIFY(session->isTraining());
    const TrainingControls *controls = window.dashboard()->controls();
    QVERIFY(!controls->trainAction()->isEnabled());
    QTest::keyClick(focus, Qt::Key_F6);
    QTRY_VERIFY_WITH_TIMEOUT(session->isPaused(), 10000);
    QCOMPARE(controls->pauseResumeAction()->text().remove('&'), QStringLiteral("Resume"));
    QTest::keyClick(focus, Qt::Key_F6);
    QTRY_VERIFY_WITH_TIMEOUT(!session->isPaused(), 10000);
    QTest::keyClick(focus, Qt::Key_F5, Qt::ShiftModifier);
    QTRY_VERIFY_WITH_TIMEOUT(!session->isTraining(), 30000);
    QVERIFY(session->lastResult().has_value());
    QCOMPARE(int(session->lastResult()->reason), int(strata::FinishedEvent::Reason::Stopped));
    window.document()->undoStack()->setClean();
}

QTEST_MAIN(TestTrainingShortcuts)
#include "test_training_shortcuts.moc"
