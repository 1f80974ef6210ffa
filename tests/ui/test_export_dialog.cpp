// File → Export…: the dialog writes the trained model through the engine's exportModel() on a
// worker thread, lists what it wrote, and reports the engine's error when it cannot.

#include "ui/export_dialog.h"
#include "ui/main_window.h"

#include "strata/trainer.h"

#include "source_dir.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace strata;
using namespace strata::ui;
using strata::test::examplePath;

class TestExportDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void exportsTheLastRunsWeights();
    void targetFollowsTheFormat();
    void reportsWhatIsWrong();
    void pytorchCodeOffersDistributedTraining();
    void fileMenuOffersExport();

private:
    QTemporaryDir dir_;
    Project project_;
    QString weights_;
};

void TestExportDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(dir_.isValid());
    // A short OR-gate run writes final.safetensors, as the studio's runs do.
    project_ = loadProject(examplePath("or_gate.strata").toStdString());
    TrainerOptions options;
    options.outDir = dir_.filePath("run").toStdString();
    options.epochs = 20;
    Trainer trainer(project_, projectBaseDir(examplePath("or_gate.strata").toStdString()), options);
    const FinishedEvent result = trainer.run();
    QVERIFY2(result.reason == FinishedEvent::Reason::Completed, result.message.c_str());
    weights_ = dir_.filePath("run/final.safetensors");
    QVERIFY(QFileInfo::exists(weights_));
}

void TestExportDialog::exportsTheLastRunsWeights()
{
    ExportDialog dialog(project_, weights_, dir_.path());
    QCOMPARE(dialog.weightsPath(), weights_);
    dialog.setFormat("safetensors");
    QCOMPARE(dialog.target(), dir_.filePath("or_gate.safetensors")); // named after the project
    QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
    QTest::mouseClick(dialog.findChild<QPushButton *>("exportButton"), Qt::LeftButton);
    QVERIFY(dialog.isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QVERIFY2(dialog.succeeded(), qPrintable(dialog.reportText()));
    QVERIFY(finished.front().front().toBool());
    QVERIFY(QFileInfo(dialog.target()).size() > 0);
    QVERIFY2(dialog.reportText().contains(dialog.target()), qPrintable(dialog.reportText()));
}

void TestExportDialog::targetFollowsTheFormat()
{
    ExportDialog dialog(project_, weights_, dir_.path());
    dialog.setFormat("pytorch");
    QCOMPARE(dialog.target(), dir_.filePath("or_gate_pytorch")); // code goes into a folder
    dialog.setFormat("keras");
    QCOMPARE(dialog.target(), dir_.filePath("or_gate_keras"));
    // A name the user typed stays; only its ending follows the format.
    dialog.setTarget(dir_.filePath("mine.safetensors"));
    dialog.setFormat("onnx");
    QCOMPARE(dialog.target(), dir_.filePath("mine.onnx"));
    QVERIFY(dialog.startExport());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isRunning(), 30000);
    // Where Strata was built without ONNX, the engine says so; otherwise the file is there.
    if (dialog.succeeded())
        QVERIFY(QFileInfo(dialog.target()).size() > 0);
    else
        QVERIFY2(dialog.reportText().contains("ONNX"), qPrintable(dialog.reportText()));
}

void TestExportDialog::reportsWhatIsWrong()
{
    // No run and no file: nothing to export, and the dialog says so.
    ExportDialog empty(project_, QString(), dir_.path());
    QVERIFY(!empty.findChild<QPushButton *>("exportButton")->isEnabled());
    QVERIFY(!empty.startExport());
    QVERIFY(empty.reportText().contains("train the model first"));

    // A weights file that is not there: the engine's message names it.
    ExportDialog dialog(project_, QString(), dir_.path());
    dialog.setWeightsFile(dir_.filePath("missing.safetensors"));
    dialog.setFormat("safetensors");
    QVERIFY(dialog.startExport());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isRunning(), 30000);
    QVERIFY(!dialog.succeeded());
    QVERIFY2(dialog.reportText().contains("missing.safetensors"), qPrintable(dialog.reportText()));

    // Weights of another model: refused, nothing written.
    Project other = loadProject(examplePath("spirals.strata").toStdString());
    ExportDialog mismatch(other, weights_, dir_.path());
    mismatch.setFormat("safetensors");
    QVERIFY(mismatch.startExport());
    QTRY_VERIFY_WITH_TIMEOUT(!mismatch.isRunning(), 30000);
    QVERIFY(!mismatch.succeeded());
    QVERIFY(!mismatch.reportText().isEmpty());
    QVERIFY(!QFileInfo::exists(mismatch.target()));
}

// The PyTorch folder holds train_ddp.py (torchrun) beside train.py; the dialog says so before
// the export and lists it after.
void TestExportDialog::pytorchCodeOffersDistributedTraining()
{
    ExportDialog dialog(project_, weights_, dir_.path());
    dialog.setFormat("pytorch");
    auto *help = dialog.findChild<QLabel *>("exportFormatHelp");
    QVERIFY(help);
    QVERIFY2(help->text().contains("train_ddp.py"), qPrintable(help->text()));
    QVERIFY(help->text().contains("trained.safetensors"));
    // A picture of the dialog for review, when STRATA_SCREENSHOT_DIR asks for one.
    if (const QString shots = qEnvironmentVariable("STRATA_SCREENSHOT_DIR"); !shots.isEmpty()) {
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QDir().mkpath(shots);
        QVERIFY(dialog.grab().save(shots + QStringLiteral("/export_dialog_pytorch.png")));
    }
    QVERIFY(dialog.startExport());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isRunning(), 30000);
    QVERIFY2(dialog.succeeded(), qPrintable(dialog.reportText()));
    QVERIFY(QFileInfo::exists(dialog.target() + "/train_ddp.py"));
    QVERIFY2(dialog.reportText().contains("train_ddp.py"), qPrintable(dialog.reportText()));
}

void TestExportDialog::fileMenuOffersExport()
{
    MainWindow window;
    QVERIFY(window.openFile(examplePath("or_gate.strata")));
    QAction *exportAction = nullptr;
    for (QAction *a : window.menuBar()->actions().front()->menu()->actions())
        if (a->text().remove('&').startsWith("Export"))
            exportAction = a;
    QVERIFY(exportAction);
    QVERIFY(window.lastRunWeights().isEmpty()); // nothing trained yet
    exportAction->trigger();
    auto *dialog = window.findChild<ExportDialog *>("exportDialog");
    QVERIFY(dialog);
    QVERIFY(dialog->weightsPath().isEmpty());
    dialog->close();
}

QTEST_MAIN(TestExportDialog)
#include "test_export_dialog.moc"
