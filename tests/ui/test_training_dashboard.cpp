// The training dashboard end to end: a real trainer thread feeding the plots, progress and
// confusion matrix through the event queue; pause, learning-rate change, resume and stop; and
// the promise that the GUI thread never stalls while training runs.

#include "ui/dataset/dataset_preview.h"
#include "ui/session/training_session.h"
#include "ui/training/training_dashboard.h"
#include "widgets/confusion_matrix_view.h"
#include "widgets/image_grid.h"
#include "widgets/metric_plot.h"
#include "widgets/progress_panel.h"
#include "widgets/scatter_plot.h"

#include "strata/project.h"

#include "gap_meter.h"
#include "training_projects.h"

#include <qcustomplot.h>

#include <QElapsedTimer>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableWidget>
#include <QtTest>

#include <cmath>

using strata::FinishedEvent;
using strata::test::orGate;
using strata::test::spirals;
using strata::ui::DatasetPreview;
using strata::ui::TrainingDashboard;
using strata::ui::TrainingSession;

namespace {

// With STRATA_SCREENSHOT_DIR set (the docs script sets it), the widget as a user sees it.
void saveScreenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("STRATA_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    QTest::qWait(100);
    for (QCustomPlot *plot : widget->findChildren<QCustomPlot *>())
        plot->replot(); // the latest points, not the last queued replot's
    const QString path = QDir(dir).filePath(name);
    QVERIFY2(widget->grab().save(path), qPrintable(path));
    qInfo("Screenshot: %s", qPrintable(path));
}

} // namespace

class TestTrainingDashboard : public QObject
{
    Q_OBJECT

private slots:
    void orGateEndToEnd();
    void pauseLearningRateResumeStop();
    void stopWhilePaused();
    void failureIsReportedNotThrown();
    void datasetPreviewViews();
};

void TestTrainingDashboard::orGateEndToEnd()
{
    constexpr int epochs = 50;
    TrainingSession session;
    TrainingDashboard dashboard(&session);
    dashboard.resize(1200, 800);
    dashboard.show();
    dashboard.setProjectSource([] { return std::make_pair(orGate(epochs), QString()); });
    QSignalSpy started(&session, &TrainingSession::trainingStarted);
    QSignalSpy finished(&session, &TrainingSession::finished);

    dashboard.startTraining();
    QCOMPARE(started.count(), 1);
    QVERIFY(session.isTraining());
    QTRY_VERIFY_WITH_TIMEOUT(!session.isTraining(), 60000);
    QCOMPARE(finished.count(), 1);
    const auto result = finished.at(0).at(0).value<FinishedEvent>();
    QVERIFY2(result.reason == FinishedEvent::Reason::Completed, result.message.c_str());

    QCOMPARE(int(session.epochs().size()), epochs);
    QCOMPARE(dashboard.lossPlot()->epochPointCount(), epochs);
    QCOMPARE(dashboard.accuracyPlot()->epochPointCount(), epochs);
    QCOMPARE(dashboard.lossPlot()->batchPointCount(), epochs); // 3 samples, batch 3
    QCOMPARE(dashboard.progressPanel()->value(), dashboard.progressPanel()->maximum());
    QVERIFY(!dashboard.progressPanel()->deviceText().isEmpty());
    // The classroom set has no validation data: the matrix explains that instead.
    QVERIFY(dashboard.confusionMatrix()->matrix().empty());
    // Adam at 0.1 learns OR's three rows well within 50 epochs.
    QVERIFY(session.epochs().back().loss < session.epochs().front().loss);
    QVERIFY(dashboard.logView()->toPlainText().contains("Training completed"));

    // Train again: the plots start over.
    dashboard.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(!session.isTraining(), 60000);
    QCOMPARE(dashboard.lossPlot()->epochPointCount(), epochs);
}

void TestTrainingDashboard::pauseLearningRateResumeStop()
{
    TrainingSession session;
    TrainingDashboard dashboard(&session);
    dashboard.resize(1200, 800);
    dashboard.show();
    dashboard.setProjectSource([] { return std::make_pair(spirals(5000), QString()); });
    QSignalSpy finished(&session, &TrainingSession::finished);
    // Measure training, not the window's first layout and paint.
    QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
    QTest::qWait(100);

    GapMeter meter;
    dashboard.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(session.epochs().size() >= 3, 60000);
    // Validation split 0.2: a 2×2 matrix over the 120 held-out points, with the class names.
    const auto *confusion = dashboard.confusionMatrix();
    QCOMPARE(confusion->matrix().size(), size_t(2));
    QCOMPARE(confusion->classNames().size(), 2);
    qint64 total = 0;
    for (const auto &row : confusion->matrix())
        for (qint64 v : row)
            total += v;
    QCOMPARE(total, qint64(120));
    QVERIFY(session.epochs().back().hasValidation);

    dashboard.pauseTraining();
    QVERIFY(session.isPaused());
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.logView()->toPlainText().contains("Paused"), 10000);
    const int frozen = dashboard.lossPlot()->batchPointCount();
    QTest::qWait(300);
    QCOMPARE(dashboard.lossPlot()->batchPointCount(), frozen);
    QVERIFY(session.isTraining());

    dashboard.applyLearningRate(0.002);
    QCOMPARE(dashboard.lossPlot()->markerCount(), 1);
    QCOMPARE(dashboard.accuracyPlot()->markerCount(), 1);

    const size_t epochsBefore = session.epochs().size();
    dashboard.resumeTraining();
    QVERIFY(!session.isPaused());
    QTRY_VERIFY_WITH_TIMEOUT(session.epochs().size() >= epochsBefore + 2, 60000);
    QVERIFY(std::fabs(session.epochs().back().learningRate - 0.002) < 1e-9);
    // The change was marked once, not again when the batches reported it.
    QCOMPARE(dashboard.lossPlot()->markerCount(), 1);

    // For the documentation's picture, let the curves take shape first.
    if (!qEnvironmentVariableIsEmpty("STRATA_SCREENSHOT_DIR"))
        QTRY_VERIFY_WITH_TIMEOUT(session.epochs().size() >= 40, 120000);
    meter.suspend();
    saveScreenshot(&dashboard, "training_dashboard.png");
    meter.resume();

    dashboard.stopTraining();
    QTRY_VERIFY_WITH_TIMEOUT(!session.isTraining(), 30000);
    meter.suspend();
    QCOMPARE(finished.count(), 1);
    QVERIFY(session.lastResult()->reason == FinishedEvent::Reason::Stopped);
    QCOMPARE(dashboard.lossPlot()->epochPointCount(), int(session.epochs().size()));

    qInfo("Largest gap between GUI event-loop iterations while training: %lld ms, of which "
          "the GUI thread was busy at most %.1f ms",
          static_cast<long long>(meter.maxGapMs()), meter.maxBusyMs());
    if (!meter.longGaps().isEmpty())
        qInfo("Gaps of 25 ms or more: %s", qPrintable(meter.longGaps().join(", ")));
    QVERIFY2(meter.maxBusyMs() < GapMeter::stallMs(),
             qPrintable(QStringLiteral("the GUI thread was busy for %1 ms between two event-loop "
                                       "iterations")
                            .arg(meter.maxBusyMs())));
}

void TestTrainingDashboard::stopWhilePaused()
{
    TrainingSession session;
    TrainingDashboard dashboard(&session);
    dashboard.setProjectSource([] { return std::make_pair(spirals(5000), QString()); });
    dashboard.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.lossPlot()->batchPointCount() > 0, 60000);
    dashboard.pauseTraining();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.logView()->toPlainText().contains("Paused"), 10000);
    dashboard.stopTraining();
    QTRY_VERIFY_WITH_TIMEOUT(!session.isTraining(), 30000);
    QVERIFY(session.lastResult()->reason == FinishedEvent::Reason::Stopped);
    // The LR is only editable while paused.
    dashboard.applyLearningRate(0.5);
    QCOMPARE(dashboard.lossPlot()->markerCount(), 0);
}

void TestTrainingDashboard::failureIsReportedNotThrown()
{
    TrainingSession session;
    TrainingDashboard dashboard(&session);
    QSignalSpy messages(&dashboard, &TrainingDashboard::statusMessage);
    dashboard.setProjectSource([] {
        strata::Project p = orGate(5);
        p.dataset.name = "no_such_set";
        return std::make_pair(p, QString());
    });
    dashboard.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(!session.isTraining(), 30000);
    QVERIFY(session.lastResult()->reason == FinishedEvent::Reason::Failed);
    QVERIFY(dashboard.logView()->toPlainText().contains("no_such_set"));
    QVERIFY(!messages.isEmpty());
}

void TestTrainingDashboard::datasetPreviewViews()
{
    DatasetPreview preview;
    preview.resize(900, 600);
    QSignalSpy loaded(&preview, &DatasetPreview::loaded);

    strata::DatasetSpec spirals;
    spirals.kind = "builtin";
    spirals.name = "spirals";
    preview.showDataset(spirals, QString());
    QVERIFY(preview.isLoading());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    QCOMPARE(preview.currentView(), DatasetPreview::View::Scatter);
    QVERIFY(preview.scatterPlot()->pointCount() > 0);
    QCOMPARE(preview.classCounts()->rowCount(), 2);
    QVERIFY2(preview.shapeText().startsWith("2 "), qPrintable(preview.shapeText()));

    strata::DatasetSpec dummy;
    dummy.kind = "builtin";
    dummy.name = "dummy";
    dummy.samples = 300;
    preview.showDataset(dummy, QString());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 30000);
    QCOMPARE(preview.currentView(), DatasetPreview::View::Table);
    QCOMPARE(preview.table()->rowCount(), 100);

    strata::DatasetSpec missing;
    missing.kind = "idx";
    missing.trainImages = "does-not-exist-images.gz";
    missing.trainLabels = "does-not-exist-labels.gz";
    preview.showDataset(missing, QDir::tempPath());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 3, 30000);
    QCOMPARE(preview.currentView(), DatasetPreview::View::Message);
    QVERIFY2(preview.errorText().contains("does-not-exist"), qPrintable(preview.errorText()));

    // Image sets: the Fashion-MNIST files when the Debian package is installed.
    const QString fashion = "/usr/share/datasets/fashion-mnist";
    if (QFileInfo::exists(fashion + "/t10k-images-idx3-ubyte.gz")) {
        strata::DatasetSpec images;
        images.kind = "idx";
        images.trainImages = "t10k-images-idx3-ubyte.gz";
        images.trainLabels = "t10k-labels-idx1-ubyte.gz";
        preview.showDataset(images, fashion);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 4, 60000);
        QCOMPARE(preview.currentView(), DatasetPreview::View::Images);
        QCOMPARE(preview.imageGrid()->count(), 40); // 4 of each of the 10 classes
        QCOMPARE(preview.classCounts()->rowCount(), 10);
        preview.show();
        QVERIFY(QTest::qWaitForWindowExposed(&preview));
        saveScreenshot(&preview, "dataset_preview_images.png");
        // With augmentation: the first picture and eight draws under the grid, no reload.
        images.augmentation.horizontalFlip = true;
        images.augmentation.cropPadding = 2;
        images.augmentation.rotate = 15;
        images.augmentation.translate = 0.1;
        images.augmentation.brightness = 0.15;
        images.augmentation.contrast = 0.3;
        QVERIFY(!preview.showDataset(images, fashion));
        QCOMPARE(preview.augmentedGrid()->count(), 9);
        QTest::qWait(50); // the layout
        for (QScrollArea *area : preview.findChildren<QScrollArea *>())
            area->verticalScrollBar()->setValue(area->verticalScrollBar()->maximum());
        saveScreenshot(&preview, "dataset_preview_augmented.png");
    }
    preview.show();
    preview.showDataset(spirals, QString());
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 4 && !preview.isLoading(), 30000);
    QTest::qWait(50); // the queued replot
    saveScreenshot(&preview, "dataset_preview_scatter.png");
}

QTEST_MAIN(TestTrainingDashboard)
#include "test_training_dashboard.moc"
