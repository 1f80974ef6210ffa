// The main window: opening examples, the modified mark in the title, save/open round trips,
// and a file that cannot be read leaving the current project open.

#include "ui/dataset/dataset_preview.h"
#include "ui/document.h"
#include "ui/editor/node_scene.h"
#include "ui/examples_dialog.h"
#include "ui/inspector/inspector.h"
#include "ui/inspector/settings_forms.h"
#include "ui/main_window.h"
#include "ui/problems_panel.h"
#include "ui/session/training_session.h"
#include "ui/summary_dialog.h"
#include "ui/training/training_dashboard.h"

#include "source_dir.h"

#include <strata/dataset.h>

#include <QAbstractButton>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace strata;
using namespace strata::ui;
using strata::test::examplePath;

namespace {

// Closes the non-blocking error box the window shows and returns its text ("" when none).
QString takeErrorBox(QWidget *window)
{
    QString text;
    for (auto *box : window->findChildren<QMessageBox *>("errorBox")) {
        text = box->text();
        box->close();
    }
    QCoreApplication::processEvents();
    return text;
}

// Answers the next modal message box with `button` as soon as it opens; returns its text
// through *text.
void answerNextMessageBox(QMessageBox::StandardButton button, QString *text)
{
    auto *timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, [timer, button, text] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        *text = box->text();
        timer->stop();
        timer->deleteLater();
        box->button(button)->click();
    });
    timer->start();
}

QMenu *recentMenu(QMainWindow &window)
{
    for (QMenu *menu : window.menuBar()->findChildren<QMenu *>())
        if (menu->title().remove('&') == "Open Recent")
            return menu;
    return nullptr;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings(QStringLiteral("Strata"), QStringLiteral("Strata")).clear();
    }
    void opensAnExample();
    void titleShowsModifiedMark();
    void saveOpenRoundTrip();
    void exampleCopySavedElsewhereKeepsItsData();
    void unreadableFileKeepsCurrentProject();
    void problemsSelectTheNode();
    void summaryFollowsEdits();
    void examplesGalleryListsProjects();
    void unsavedChangesPrompt();
    void openRecent();
    void layoutIsRemembered();
    void datasetPreviewLoadsOnlyWhenSeen();
    void engineMessagesReachTheStatusBar();
};

void TestMainWindow::opensAnExample()
{
    MainWindow window;
    QVERIFY(window.openFile(examplePath("keras_mnist_cnn.strata")));
    QCOMPARE(window.document()->graph().nodes().size(), size_t(11));
    QCOMPARE(window.scene()->nodeItems().size(), 11);
    QVERIFY(window.windowTitle().startsWith("Keras MNIST CNN on Fashion-MNIST — "
                                            "keras_mnist_cnn.strata"));
    QVERIFY(!window.windowTitle().contains('*'));
    QVERIFY(window.recentFiles().front().endsWith("keras_mnist_cnn.strata"));
    QVERIFY(window.trainingDock());
    QVERIFY(window.datasetDock());
    QVERIFY(QFileInfo(MainWindow::examplesDir() + "/spirals.strata").exists());
}

void TestMainWindow::titleShowsModifiedMark()
{
    MainWindow window;
    QVERIFY(window.openFile(examplePath("spirals.strata")));
    QVERIFY(!window.document()->isModified());
    window.document()->setParam("fc1", "units", 48);
    QVERIFY(window.document()->isModified());
    QVERIFY2(window.windowTitle().contains("spirals.strata*"), qPrintable(window.windowTitle()));
    window.document()->undoStack()->undo();
    QVERIFY(!window.windowTitle().contains('*'));
    // Renaming the project shows in the title.
    window.document()->setProjectInfo("Renamed", "");
    QVERIFY(window.windowTitle().startsWith("Renamed — spirals.strata*"));
    window.document()->undoStack()->setClean(); // no prompt when the window goes
}

void TestMainWindow::saveOpenRoundTrip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("edited.strata");
    MainWindow window;
    QVERIFY(window.openFile(examplePath("keras_mnist_cnn.strata")));
    window.document()->setParam("dense", "units", 256);
    window.document()->moveNodes({{"softmax", QPointF(120, 1150)}});
    const std::string edited = toJson(window.document()->project()).dump();
    QVERIFY(window.saveTo(path));
    QVERIFY(!window.document()->isModified());
    QVERIFY(window.windowTitle().contains("edited.strata"));
    QVERIFY(!window.windowTitle().contains('*'));
    QCOMPARE(window.document()->filePath(), path);
    // No temporary file is left beside it.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"edited.strata"});

    MainWindow other;
    QVERIFY(other.openFile(path));
    QCOMPARE(toJson(other.document()->project()).dump(), edited);
    QCOMPARE(other.scene()->nodeItems().size(), 11);
}

// The shapes example reads its pictures from data/shapes beside the examples: its copy,
// saved in a folder of the user's, still reads them there, and the example is not written.
void TestMainWindow::exampleCopySavedElsewhereKeepsItsData()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString example = examplePath("shapes_folder.strata");
    QFile original(example);
    QVERIFY(original.open(QIODevice::ReadOnly));
    const QByteArray before = original.readAll();
    MainWindow window;
    QVERIFY(window.openExample(example));
    QVERIFY(window.document()->filePath().isEmpty());
    QCOMPARE(window.document()->project().dataset.trainFolder, std::string("data/shapes/train"));
    const QString path = dir.filePath("my_shapes.strata");
    QVERIFY(window.saveTo(path));
    QVERIFY(!window.document()->isModified());

    const Project saved = loadProject(path.toStdString());
    QVERIFY(missingDatasetFiles(saved.dataset, projectBaseDir(path.toStdString())).empty());
    QCOMPARE(QFileInfo(QString::fromStdString(saved.dataset.trainFolder)).canonicalFilePath(),
             QFileInfo(examplePath("data/shapes/train")).canonicalFilePath());
    QCOMPARE(QFileInfo(QString::fromStdString(saved.dataset.testFolder)).canonicalFilePath(),
             QFileInfo(examplePath("data/shapes/test")).canonicalFilePath());
    original.seek(0);
    QCOMPARE(original.readAll(), before);
}

void TestMainWindow::unreadableFileKeepsCurrentProject()
{
    QTemporaryDir dir;
    MainWindow window;
    QVERIFY(window.openFile(examplePath("spirals.strata")));
    window.document()->setParam("fc1", "units", 8);
    const std::string before = toJson(window.document()->project()).dump();

    const QString broken = dir.filePath("broken.strata");
    QFile file(broken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"format_version\": 99, \"name\": \"From the future\"}");
    file.close();
    QVERIFY(!window.openFile(broken));
    const QString message = takeErrorBox(&window);
    QVERIFY2(message.contains("format_version") || message.contains("newer"), qPrintable(message));
    QCOMPARE(toJson(window.document()->project()).dump(), before);
    QVERIFY(window.document()->isModified()); // the unsaved edit is still there
    QVERIFY(window.document()->filePath().endsWith("spirals.strata"));

    QVERIFY(!window.openFile(dir.filePath("missing.strata")));
    QVERIFY(!takeErrorBox(&window).isEmpty());
    QCOMPARE(toJson(window.document()->project()).dump(), before);

    // A save that cannot be written is reported and changes nothing.
    QVERIFY(!window.saveTo(dir.filePath("no/such/folder/x.strata")));
    QVERIFY(!takeErrorBox(&window).isEmpty());
    QVERIFY(window.document()->isModified());
    window.document()->undoStack()->setClean();
}

void TestMainWindow::problemsSelectTheNode()
{
    MainWindow window;
    QVERIFY(window.openFile(examplePath("keras_mnist_cnn.strata")));
    window.document()->removeNodes({"flatten"});
    window.document()->connectPorts({{"max_pooling2d", 0}, {"dense", 0}});
    ProblemsPanel *problems = window.problems();
    QListWidgetItem *row = nullptr;
    for (int i = 0; i < problems->count(); ++i)
        if (!row && problems->item(i)->data(ProblemsPanel::kNodeRole).toString() == "dense")
            row = problems->item(i); // the problem; the quick-fix row under it comes next
    QVERIFY(row);
    QVERIFY(row->text().contains("Flatten"));
    emit problems->itemClicked(row);
    QCOMPARE(window.scene()->selectedNodeIds(), QStringList{"dense"});
    QVERIFY(!window.inspector()->showsProject());
    window.document()->undoStack()->setClean();
}

void TestMainWindow::summaryFollowsEdits()
{
    MainWindow window;
    QVERIFY(window.openFile(examplePath("keras_mnist_cnn.strata")));
    window.showSummary();
    auto *dialog = window.findChild<SummaryDialog *>();
    QVERIFY(dialog);
    QCOMPARE(dialog->table()->rowCount(), 11);
    QCOMPARE(dialog->table()->item(1, 2)->text(), QStringLiteral("(None, 32×26×26)"));
    QCOMPARE(dialog->table()->item(1, 3)->text(), QStringLiteral("320"));
    window.document()->setParam("conv2d", "filters", 8);
    QCOMPARE(dialog->table()->item(1, 3)->text(), QStringLiteral("80"));
    QVERIFY(dialog->totals()->text().contains("Total params"));
    // The training memory at the project's batch size, as strata-cli summary ends, following
    // the batch size.
    QVERIFY2(dialog->totals()->text().contains("Training memory at batch size 32: about"),
             qPrintable(dialog->totals()->text()));
    strata::TrainingSpec training = window.document()->project().training;
    training.batchSize = 64;
    QCOMPARE(window.document()->setTrainingSpec(training), QString());
    QVERIFY2(dialog->totals()->text().contains("Training memory at batch size 64: about"),
             qPrintable(dialog->totals()->text()));
    window.document()->undoStack()->setClean();
}

void TestMainWindow::examplesGalleryListsProjects()
{
    ExamplesDialog dialog(MainWindow::examplesDir());
    const QDir folder(MainWindow::examplesDir());
    const int files = folder.entryList({"*.strata"}).size() +
                      QDir(folder.filePath("lessons")).entryList({"*.strata"}).size();
    QVERIFY(files >= 10);
    int listed = 0;
    bool foundSpirals = false;
    for (int i = 0; i < dialog.list()->count(); ++i) {
        QListWidgetItem *item = dialog.list()->item(i);
        if (item->data(Qt::UserRole).toString().isEmpty())
            continue; // the Lessons and Examples headings
        ++listed;
        QVERIFY2(!item->icon().isNull(), qPrintable(item->text())); // a thumbnail each
        QVERIFY(item->text().contains('\n'));                       // name, then description
        foundSpirals |= item->text().startsWith("Two spirals");
    }
    QVERIFY(foundSpirals);
    QCOMPARE(listed, files);
    // The thumbnail is the model drawn: not a blank canvas.
    const QImage thumb = renderModelThumbnail(
        loadProject(examplePath("keras_mnist_cnn.strata").toStdString()), {150, 150});
    QSet<QRgb> colors;
    for (int y = 0; y < thumb.height(); y += 3)
        for (int x = 0; x < thumb.width(); x += 3)
            colors.insert(thumb.pixel(x, y));
    QVERIFY(colors.size() > 5);
}

void TestMainWindow::unsavedChangesPrompt()
{
    MainWindow window;
    QVERIFY(window.openFile(examplePath("spirals.strata")));
    window.show();
    window.document()->setParam("fc1", "units", 48);
    // Cancel: the window stays, the edit too.
    QString asked;
    answerNextMessageBox(QMessageBox::Cancel, &asked);
    QVERIFY(!window.close());
    QVERIFY2(asked.contains("unsaved changes"), qPrintable(asked));
    QVERIFY(window.isVisible());
    QVERIFY(window.document()->isModified());
    // Opening another project asks too; Cancel keeps this one.
    answerNextMessageBox(QMessageBox::Cancel, &asked);
    window.newProject();
    QVERIFY(window.document()->filePath().endsWith("spirals.strata"));
    // Discard: it goes.
    asked.clear();
    answerNextMessageBox(QMessageBox::Discard, &asked);
    QVERIFY(window.close());
    QVERIFY(!asked.isEmpty());
}

void TestMainWindow::openRecent()
{
    MainWindow window;
    QVERIFY(window.openFile(examplePath("spirals.strata")));
    QVERIFY(window.openFile(examplePath("or_gate.strata")));
    QVERIFY(window.recentFiles().front().endsWith("or_gate.strata"));
    QMenu *menu = recentMenu(window);
    QVERIFY(menu);
    QVERIFY(menu->isEnabled());
    QAction *spirals = nullptr;
    for (QAction *a : menu->actions())
        if (a->text() == "spirals.strata")
            spirals = a;
    QVERIFY(spirals);
    QVERIFY(spirals->toolTip().endsWith("projects/spirals.strata"));
    spirals->trigger();
    QVERIFY2(window.document()->filePath().endsWith("spirals.strata"),
             qPrintable(window.document()->filePath() + " from " + spirals->toolTip()));
    QCOMPARE(window.document()->graph().nodes().size(), size_t(7));
    // Most recent first, no duplicates.
    QVERIFY(window.recentFiles().front().endsWith("spirals.strata"));
    QCOMPARE(window.recentFiles().count(window.recentFiles().front()), 1);
    QCOMPARE(menu->actions().front()->text(), QStringLiteral("spirals.strata"));
}

void TestMainWindow::layoutIsRemembered()
{
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.findChild<QDockWidget *>("problemsDock")->hide();
        window.datasetDock()->raise();
        QVERIFY(window.close()); // nothing modified: no prompt
    }
    {
        MainWindow window;
        QVERIFY(window.findChild<QDockWidget *>("problemsDock")->isHidden());
        QVERIFY(!window.findChild<QDockWidget *>("inspectorDock")->isHidden());
        window.findChild<QDockWidget *>("problemsDock")->show();
        QVERIFY(window.close());
    }
    MainWindow window;
    QVERIFY(!window.findChild<QDockWidget *>("problemsDock")->isHidden());
    QSettings(QStringLiteral("Strata"), QStringLiteral("Strata")).remove("window");
}

void TestMainWindow::datasetPreviewLoadsOnlyWhenSeen()
{
    MainWindow window;
    QVERIFY(window.openFile(examplePath("spirals.strata")));
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.trainingDock()->raise();
    QCoreApplication::processEvents();
    DatasetPreview *preview = window.datasetPreview();
    QVERIFY(preview);
    QVERIFY2(preview->visibleRegion().isEmpty(),
             qPrintable(QStringLiteral("tabified: %1, training visible: %2")
                            .arg(window.tabifiedDockWidgets(window.trainingDock()).size())
                            .arg(window.trainingDock()->isVisible())));
    const int hidden = preview->loadCount();
    // Edits while the preview is behind the dashboard load nothing.
    strata::DatasetSpec spec = window.document()->project().dataset;
    spec.noise = 0.2;
    QCOMPARE(window.document()->setDatasetSpec(spec), QString());
    QCOMPARE(preview->loadCount(), hidden);

    // Shown, it loads the current dataset once, in the background.
    window.datasetDock()->raise();
    QTRY_COMPARE(preview->loadCount(), hidden + 1);
    QTRY_VERIFY_WITH_TIMEOUT(!preview->isLoading(), 30000);
    QCOMPARE(preview->currentView(), DatasetPreview::View::Scatter);
    // Training settings do not touch the data: no reload.
    strata::TrainingSpec training = window.document()->project().training;
    training.epochs = 3;
    QCOMPARE(window.document()->setTrainingSpec(training), QString());
    QTest::qWait(50);
    QCOMPARE(preview->loadCount(), hidden + 1);
    // A dataset edit while it is seen reloads; hiding and showing again does not.
    spec.noise = 0.05;
    QCOMPARE(window.document()->setDatasetSpec(spec), QString());
    QCOMPARE(preview->loadCount(), hidden + 2);
    window.trainingDock()->raise();
    window.datasetDock()->raise();
    QTest::qWait(50);
    QCOMPARE(preview->loadCount(), hidden + 2);
    QTRY_VERIFY_WITH_TIMEOUT(!preview->isLoading(), 30000);
    window.document()->undoStack()->setClean();
}

void TestMainWindow::engineMessagesReachTheStatusBar()
{
    MainWindow window;
    QVERIFY(window.openFile(examplePath("or_gate.strata")));
    strata::DatasetSpec spec = window.document()->project().dataset;
    spec.kind = "idx";
    spec.trainImages = "no-such-images.gz";
    spec.trainLabels = "no-such-labels.gz";
    QCOMPARE(window.document()->setDatasetSpec(spec), QString());
    TrainingDashboard *dashboard = window.dashboard();
    QVERIFY(dashboard);
    dashboard->startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isTraining(), 30000);
    // The engine's reason is shown in the status bar, not only in the dashboard's log.
    QVERIFY2(window.statusBar()->currentMessage().contains("no-such-images.gz"),
             qPrintable(window.statusBar()->currentMessage()));
    window.document()->undoStack()->setClean();
}

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
