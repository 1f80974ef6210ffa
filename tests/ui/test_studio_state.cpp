// What a first-time user is told and what the studio keeps between projects: examples open
// as copies, New and Open start from an empty dashboard, each message keeps its own colour,
// the status, banner, learning-rate field, progress and confusion matrix say what is true
// now, and the history says what changed.

#include "ui/dataset/dataset_preview.h"
#include "ui/document.h"
#include "ui/editor/node_item.h"
#include "ui/editor/node_scene.h"
#include "ui/examples_dialog.h"
#include "ui/main_window.h"
#include "ui/session/training_session.h"
#include "ui/training/training_dashboard.h"
#include "widgets/confusion_matrix_view.h"
#include "widgets/metric_plot.h"
#include "widgets/progress_panel.h"

#include "dialog_answer.h"
#include "source_dir.h"
#include "training_projects.h"

#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QGraphicsSceneMouseEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTimer>
#include <QtTest>

#include <functional>

using namespace strata;
using namespace strata::ui;
using strata::test::answerNextDialog;
using strata::test::readAll;
using strata::test::examplePath;

namespace {

const QColor kErrorColour(QStringLiteral("#c0392b"));


// The log's lines that start with prefix, with the colour each is drawn in (invalid: the
// default text colour).
QList<QPair<QString, QColor>> logLines(const QPlainTextEdit *log, const QString &prefix)
{
    QList<QPair<QString, QColor>> lines;
    for (QTextBlock b = log->document()->begin(); b.isValid(); b = b.next()) {
        if (!b.text().startsWith(prefix))
            continue;
        const QTextCharFormat format = b.begin().fragment().charFormat();
        lines.append({b.text(), format.hasProperty(QTextFormat::ForegroundBrush)
                                    ? format.foreground().color()
                                    : QColor()});
    }
    return lines;
}

void sendMouse(NodeScene &scene, QEvent::Type type, QPointF scenePos)
{
    QGraphicsSceneMouseEvent event(type);
    event.setScenePos(scenePos);
    event.setButton(Qt::LeftButton);
    event.setButtons(type == QEvent::GraphicsSceneMouseRelease ? Qt::NoButton : Qt::LeftButton);
    event.setButtonDownScenePos(Qt::LeftButton, scenePos);
    QCoreApplication::sendEvent(&scene, &event);
}

} // namespace

class TestStudioState : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings(QStringLiteral("Strata"), QStringLiteral("Strata")).clear();
    }
    void exampleOpensAsUntitledCopy();
    void newAndOpenResetTheDashboard();
    void eachMessageKeepsItsOwnColour();
    void statusAndBannerFollowTheRun();
    void releaseEndsTheLinkHint();
    void historySaysWhatChanged();
    void saveAsNamesAnUntitledProject();
    void previewCountsTheValidationSplit();
    void lessonOpensWithItsGuide();
};

// Item 0: the gallery opens a copy; Save asks where and never writes into projects/.
void TestStudioState::exampleOpensAsUntitledCopy()
{
    // A copy of the examples folder, so a regression cannot damage the real one.
    QTemporaryDir examples;
    QVERIFY(examples.isValid());
    const QString example = examples.filePath("xor.strata");
    QVERIFY(QFile::copy(examplePath("xor.strata"), example));
    const QByteArray before = readAll(example);
    QVERIFY(!before.isEmpty());
    qputenv("STRATA_EXAMPLES_DIR", examples.path().toLocal8Bit());

    MainWindow window;
    answerNextDialog<ExamplesDialog>([](ExamplesDialog *dialog) {
        auto *list = dialog->findChild<QListWidget *>();
        QVERIFY(list);
        QCOMPARE(list->count(), 1);
        list->setCurrentRow(0);
        dialog->accept();
    });
    window.showExamples();
    QCOMPARE(window.document()->projectName(), QStringLiteral("XOR (classroom)"));
    QCOMPARE(window.document()->filePath(), QString());
    QVERIFY2(window.windowTitle().contains("not saved"), qPrintable(window.windowTitle()));

    // An edit, then Save: it asks where (cancelled here) and leaves the example alone.
    QCOMPARE(window.document()->setParam("hidden", "units", 64), QString());
    QString asked;
    answerNextDialog<QFileDialog>([&asked](QFileDialog *dialog) {
        asked = dialog->windowTitle();
        dialog->reject();
    });
    QVERIFY(!window.save());
    QCOMPARE(asked, QStringLiteral("Save Project As"));
    QCOMPARE(readAll(example), before);
    QVERIFY(window.document()->isModified());

    // Saved where the user says, the copy is theirs from then on.
    QTemporaryDir mine;
    const QString path = mine.filePath("my_xor.strata");
    answerNextDialog<QFileDialog>([path](QFileDialog *dialog) {
        // The name field, as a user types it: selectFile() races the dialog's own proposal.
        auto *name = dialog->findChild<QLineEdit *>("fileNameEdit");
        QVERIFY(name);
        name->setText(path);
        static_cast<QDialog *>(dialog)->accept();
    });
    QVERIFY(window.save());
    QCOMPARE(window.document()->filePath(), path);
    QVERIFY(QFileInfo::exists(path));
    QCOMPARE(readAll(example), before);
    qunsetenv("STRATA_EXAMPLES_DIR");
}

// Item 1: File > New and Open show no curves, matrix or messages of the previous project.
void TestStudioState::newAndOpenResetTheDashboard()
{
    MainWindow window;
    QVERIFY(window.openFile(examplePath("spirals.strata")));
    TrainingSpec spec = window.document()->project().training;
    spec.epochs = 2;
    QCOMPARE(window.document()->setTrainingSpec(spec), QString());
    TrainingDashboard *dashboard = window.dashboard();
    QVERIFY(dashboard);
    auto trainAndWait = [&] {
        dashboard->startTraining();
        QVERIFY(window.session()->isTraining());
        QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isTraining(), 60000);
        QVERIFY(dashboard->lossPlot()->epochPointCount() > 0);
        QVERIFY(!dashboard->confusionMatrix()->matrix().empty());
        QVERIFY(!dashboard->logView()->toPlainText().isEmpty());
    };
    auto expectNoRun = [&](const char *after) {
        QVERIFY2(dashboard->lossPlot()->epochPointCount() == 0, after);
        QVERIFY2(dashboard->lossPlot()->batchPointCount() == 0, after);
        QVERIFY2(dashboard->accuracyPlot()->epochPointCount() == 0, after);
        QVERIFY2(dashboard->confusionMatrix()->matrix().empty(), after);
        QVERIFY2(dashboard->logView()->toPlainText().isEmpty(), after);
        QVERIFY2(window.session()->epochs().empty(), after);
        QVERIFY2(!window.session()->lastResult(), after);
        QVERIFY2(!window.session()->trainer(), after);
    };
    trainAndWait();
    window.document()->undoStack()->setClean(); // no prompt
    window.newProject();
    expectNoRun("New");

    QVERIFY(window.openFile(examplePath("spirals.strata")));
    QCOMPARE(window.document()->setTrainingSpec(spec), QString());
    trainAndWait();
    window.document()->undoStack()->setClean();
    QVERIFY(window.openFile(examplePath("xor.strata")));
    expectNoRun("Open");
}

// Item 2: a failed run's red does not leak into the next run's lines; and (item 6) the
// confusion matrix does not wait for an epoch that will never come.
void TestStudioState::eachMessageKeepsItsOwnColour()
{
    TrainingSession session;
    TrainingDashboard dashboard(&session);
    Project project = strata::test::orGate(5);
    project.training.loss = "cross_entropy"; // a one-unit Sigmoid cannot meet it: it fails
    dashboard.setProjectSource([&project] { return std::make_pair(project, QString()); });
    dashboard.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(!session.isTraining(), 30000);
    QVERIFY(session.lastResult());
    QVERIFY(session.lastResult()->reason == FinishedEvent::Reason::Failed);
    const auto failed = logLines(dashboard.logView(), "Training failed");
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.front().second, kErrorColour);
    QVERIFY2(dashboard.confusionMatrix()->placeholder().contains("failed"),
             qPrintable(dashboard.confusionMatrix()->placeholder()));

    project.training.loss = "binary_cross_entropy";
    dashboard.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(!session.isTraining(), 30000);
    QVERIFY(session.lastResult()->reason == FinishedEvent::Reason::Completed);
    const auto epochs = logLines(dashboard.logView(), "Epoch ");
    QCOMPARE(epochs.size(), 5);
    for (const auto &[text, colour] : epochs)
        QVERIFY2(colour != kErrorColour, qPrintable(text + " is drawn in the error colour"));
    for (const auto &[text, colour] : logLines(dashboard.logView(), "Training completed"))
        QVERIFY2(colour != kErrorColour, qPrintable(text));
}

// Item 6: what the status bar, the banner, the learning-rate field, the progress panel and
// the stop message say while a run goes on and after it stops.
void TestStudioState::statusAndBannerFollowTheRun()
{
    MainWindow window;
    QVERIFY(window.openFile(examplePath("spirals.strata")));
    TrainingSpec spec = window.document()->project().training;
    spec.epochs = 2000;
    spec.batchSize = 1; // 800 batches an epoch
    QCOMPARE(window.document()->setTrainingSpec(spec), QString());
    TrainingDashboard *dashboard = window.dashboard();
    TrainingSession *session = window.session();
    auto *banner = window.findChild<QLabel *>("lockNotice");
    auto *rate = dashboard->findChild<QLineEdit *>("learningRateEdit");
    QVERIFY(banner && rate);
    QSignalSpy started(session, &TrainingSession::started);
    QSignalSpy batches(session, &TrainingSession::batchFinished);

    dashboard->startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(started.count() == 1, 30000);
    // The data is loaded: the status says so, not "Loading the dataset…".
    QVERIFY2(!window.statusBar()->currentMessage().contains("Loading"),
             qPrintable(window.statusBar()->currentMessage()));
    QTRY_VERIFY_WITH_TIMEOUT(batches.count() > 0, 30000);

    dashboard->pauseTraining();
    QVERIFY2(banner->text().contains("paused"), qPrintable(banner->text()));
    QVERIFY(rate->isEnabled());
    QCOMPARE(rate->text(), QStringLiteral("0.01"));
    dashboard->applyLearningRate(0.001);
    dashboard->resumeTraining();
    QVERIFY2(banner->text().contains("running"), qPrintable(banner->text()));
    QVERIFY(!rate->isEnabled());
    QCOMPARE(rate->text(), QString());
    // The engine's line and the dashboard's write the rate alike.
    QTRY_VERIFY_WITH_TIMEOUT(logLines(dashboard->logView(), "Learning rate set to").size() >= 2,
                             30000);
    QVERIFY2(!dashboard->logView()->toPlainText().contains("0.001000"),
             qPrintable(dashboard->logView()->toPlainText()));

    dashboard->stopTraining();
    QTRY_VERIFY_WITH_TIMEOUT(!session->isTraining(), 30000);
    const FinishedEvent result = *session->lastResult();
    QVERIFY(result.reason == FinishedEvent::Reason::Stopped);
    const int done = int(session->epochs().size());
    // The message and the progress panel count the same thing: completed epochs.
    QVERIFY2(
        result.message.starts_with("Stopped after " + std::to_string(done) + " of 2000 epochs"),
        result.message.c_str());
    QCOMPARE(dashboard->progressPanel()->epochText(), QStringLiteral("%1 / 2000").arg(done));
    // It says where the checkpoint is.
    const std::string marker = "checkpoint written to ";
    const size_t at = result.message.find(marker);
    QVERIFY2(at != std::string::npos, result.message.c_str());
    QVERIFY(QFileInfo::exists(QString::fromStdString(result.message.substr(at + marker.size()))));
    QCOMPARE(rate->text(), QString());
    QVERIFY(banner->isHidden());
    if (dashboard->confusionMatrix()->matrix().empty())
        QVERIFY2(dashboard->confusionMatrix()->placeholder() != "Waiting for the first epoch…",
                 qPrintable(dashboard->confusionMatrix()->placeholder()));
    window.document()->undoStack()->setClean();
}

// Item 6: the drag's "Release to link" hint ends with the drop.
void TestStudioState::releaseEndsTheLinkHint()
{
    Document doc;
    NodeScene scene(&doc);
    QString in, dense;
    doc.addNode("Input", {0, 0}, &in);
    doc.addNode("Dense", {0, 150}, &dense);
    QSignalSpy status(&scene, &NodeScene::statusMessage);
    const QPointF from = scene.nodeItem(in)->outputPort()->sceneCentre();
    const QPointF to = scene.nodeItem(dense)->inputPort(0)->sceneCentre();
    sendMouse(scene, QEvent::GraphicsSceneMousePress, from);
    sendMouse(scene, QEvent::GraphicsSceneMouseMove, to);
    QVERIFY(!status.isEmpty());
    QVERIFY(status.last().at(0).toString().startsWith("Release to link"));
    sendMouse(scene, QEvent::GraphicsSceneMouseRelease, to);
    QCOMPARE(doc.graph().edges().size(), size_t(1));
    QVERIFY2(!status.last().at(0).toString().startsWith("Release to link"),
             qPrintable(status.last().at(0).toString()));
}

// Item 9: the history names the setting and the layer as the user sees them now.
void TestStudioState::historySaysWhatChanged()
{
    Document doc;
    doc.load(examplePath("spirals.strata"));
    QUndoStack *stack = doc.undoStack();
    TrainingSpec spec = doc.project().training;
    spec.optimizer.lr = 0.1;
    QCOMPARE(doc.setTrainingSpec(spec), QString());
    QCOMPARE(stack->undoText(), QStringLiteral("Set learning rate to 0.1"));
    spec.epochs = 50;
    QCOMPARE(doc.setTrainingSpec(spec), QString());
    QCOMPARE(stack->undoText(), QStringLiteral("Set epochs to 50"));
    spec.validationSplit = 0.3;
    QCOMPARE(doc.setTrainingSpec(spec), QString());
    QCOMPARE(stack->undoText(), QStringLiteral("Set validation split to 0.3"));
    DatasetSpec data = doc.project().dataset;
    data.samples = 400;
    QCOMPARE(doc.setDatasetSpec(data), QString());
    QCOMPARE(stack->undoText(), QStringLiteral("Set samples to 400"));

    QCOMPARE(doc.renameNode("fc1", "hidden"), QString());
    QCOMPARE(doc.setParam("fc1", "units", 64), QString());
    QCOMPARE(stack->undoText(), QStringLiteral("Set hidden.units = 64"));
    QCOMPARE(doc.moveNodes({{"fc1", QPointF(500, 500)}}), QString());
    QCOMPARE(stack->undoText(), QStringLiteral("Move hidden"));
    QCOMPARE(doc.removeNodes({"fc1"}), QString());
    QCOMPARE(stack->undoText(), QStringLiteral("Delete hidden"));
}

// Item 9: Save As of a project still called "Untitled" names it after the file.
void TestStudioState::saveAsNamesAnUntitledProject()
{
    MainWindow window;
    window.newProject();
    QCOMPARE(window.document()->projectName(), QStringLiteral("Untitled"));
    QTemporaryDir dir;
    const QString path = dir.filePath("my_model.strata");
    answerNextDialog<QFileDialog>([path](QFileDialog *dialog) {
        // The name field, as a user types it: selectFile() races the dialog's own proposal.
        auto *name = dialog->findChild<QLineEdit *>("fileNameEdit");
        QVERIFY(name);
        name->setText(path);
        static_cast<QDialog *>(dialog)->accept();
    });
    QVERIFY(window.saveAs());
    QCOMPARE(window.document()->projectName(), QStringLiteral("my_model"));
    QVERIFY2(window.windowTitle().startsWith("my_model — my_model.strata"),
             qPrintable(window.windowTitle()));
    QCOMPARE(QString::fromStdString(loadProject(path.toStdString()).name),
             QStringLiteral("my_model"));
    QVERIFY(!window.document()->isModified());
}

// Item 9: the preview says how many samples the validation split holds out.
void TestStudioState::previewCountsTheValidationSplit()
{
    DatasetPreview preview;
    preview.resize(900, 600);
    preview.show();
    DatasetSpec spec;
    spec.kind = "builtin";
    spec.name = "spirals";
    spec.samples = 1000;
    preview.setValidationSplit(0.2);
    QVERIFY(preview.showDataset(spec, QString()));
    QTRY_VERIFY_WITH_TIMEOUT(!preview.isLoading(), 30000);
    QVERIFY2(preview.infoText().contains("800 for training, 200 held out for validation"),
             qPrintable(preview.infoText()));
    // The split changes without a reload.
    const int loads = preview.loadCount();
    preview.setValidationSplit(0);
    QVERIFY2(preview.infoText().startsWith("1000 training samples"),
             qPrintable(preview.infoText()));
    QCOMPARE(preview.loadCount(), loads);
}

QTEST_MAIN(TestStudioState)
// A lesson from the gallery: its copy opens with its guide beside the canvas; the guide goes
// with any other project, and the lesson's files are never written.
void TestStudioState::lessonOpensWithItsGuide()
{
    MainWindow window;
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(!window.lessonDock()->isVisible());
    const QString lesson = examplePath("lessons/2_xor_needs_a_hidden_layer.strata");
    const QByteArray before = readAll(lesson);
    QVERIFY(window.openExample(lesson));
    QVERIFY(window.lessonDock()->isVisible());
    const QString text = window.lessonView()->toPlainText();
    QVERIFY2(text.startsWith("Lesson 2: XOR needs a hidden layer"), qPrintable(text.left(80)));
    QVERIFY(text.contains("Do this."));
    QCOMPARE(window.document()->filePath(), QString());
    QCOMPARE(window.document()->setParam("out", "units", 1), QString());

    // An example without a guide, File > New, Open: the lesson's text goes.
    QVERIFY(window.openExample(examplePath("xor.strata")));
    QVERIFY(!window.lessonDock()->isVisible());
    QVERIFY(window.openExample(lesson));
    QVERIFY(window.lessonDock()->isVisible());
    window.newProject();
    QVERIFY(!window.lessonDock()->isVisible());
    QVERIFY(window.lessonView()->toPlainText().isEmpty());
    QVERIFY(window.openExample(lesson));
    QVERIFY(window.openFile(examplePath("spirals.strata")));
    QVERIFY(!window.lessonDock()->isVisible());
    QCOMPARE(readAll(lesson), before);
}

#include "test_studio_state.moc"
