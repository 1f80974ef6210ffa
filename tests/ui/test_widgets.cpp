// The reusable widgets on their own: the smoothing math, CSV export, hover read-out, the
// confusion matrix, the image grid, the scatter plot and the progress panel.

#include "widgets/confusion_matrix_view.h"
#include "widgets/image_grid.h"
#include "widgets/metric_plot.h"
#include "widgets/progress_panel.h"
#include "widgets/scatter_plot.h"

#include <qcustomplot.h>

#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <limits>

using namespace strata::widgets;

class TestWidgets : public QObject
{
    Q_OBJECT

private slots:
    void smoothingMatchesHandValues();
    void smoothingZeroIsIdentityAndNanPassesThrough();
    void metricPlotCountsAndIncrementalSmoothing();
    void metricPlotBatchReplotsAreThrottled();
    void metricPlotCsv();
    void metricPlotMarkersLogScaleAndExport();
    void metricPlotHoverReadout();
    void metricPlotLineWidthAndFontFollow();
    void confusionMatrixSetGet();
    void imageFromChwRanges();
    void imageGridCounts();
    void scatterPlotSeriesPerClass();
    void progressPanelReachesFull();
};

void TestWidgets::smoothingMatchesHandValues()
{
    // w = 0.5: s1 = 0.5/0.5 = 1; s2 = (0.25 + 1)/0.75 = 5/3; s3 = (0.625 + 1.5)/0.875 = 17/7.
    const auto s = smoothSeries({1, 2, 3}, 0.5);
    QCOMPARE(s.size(), size_t(3));
    QVERIFY(std::fabs(s[0] - 1.0) < 1e-12);
    QVERIFY(std::fabs(s[1] - 5.0 / 3.0) < 1e-12);
    QVERIFY(std::fabs(s[2] - 17.0 / 7.0) < 1e-12);
    // Debiasing: a constant series stays exactly constant at any weight.
    for (double v : smoothSeries({0.7, 0.7, 0.7, 0.7}, 0.9))
        QVERIFY(std::fabs(v - 0.7) < 1e-12);
}

void TestWidgets::smoothingZeroIsIdentityAndNanPassesThrough()
{
    const std::vector<double> raw{3, 1, 4, 1, 5};
    QCOMPARE(smoothSeries(raw, 0.0), raw);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const auto s = smoothSeries({1, nan, 3}, 0.5);
    QVERIFY(std::fabs(s[0] - 1.0) < 1e-12);
    QVERIFY(std::isnan(s[1]));
    // The NaN is skipped: the third value is the average's second input.
    QVERIFY(std::fabs(s[2] - (0.25 + 1.5) / 0.75) < 1e-12);
}

void TestWidgets::metricPlotCountsAndIncrementalSmoothing()
{
    MetricPlot plot("loss");
    plot.setSmoothing(0.5);
    plot.addBatchPoint(0.5, 1);
    plot.addBatchPoint(1.0, 2);
    plot.addEpochPoint(1, 1.5, 1.6);
    plot.addBatchPoint(1.5, 3);
    plot.addBatchPoint(2.0, 3);
    plot.addEpochPoint(2, 3, std::nullopt);
    QCOMPARE(plot.batchPointCount(), 4);
    QCOMPARE(plot.epochPointCount(), 2);
    // The O(1) running average equals the batch formula.
    QCOMPARE(plot.smoothedBatchValues(), smoothSeries({1, 2, 3, 3}, 0.5));
    plot.setSmoothing(0);
    QCOMPARE(plot.smoothedBatchValues(), (std::vector<double>{1, 2, 3, 3}));
    plot.setSmoothing(5); // clamped
    QVERIFY(plot.smoothing() < 1);
    plot.clear();
    QCOMPARE(plot.batchPointCount(), 0);
    QCOMPARE(plot.epochPointCount(), 0);
    QVERIFY(plot.smoothedBatchValues().empty());
}

void TestWidgets::metricPlotBatchReplotsAreThrottled()
{
    // A batch point every 5 ms for a second (a fast run drained at 10 Hz brings several per
    // tick): the plot redraws at most 10 times a second, and the last point is drawn.
    MetricPlot plot("loss");
    plot.resize(500, 300);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    QCoreApplication::processEvents();
    const int before = plot.replotCount();
    QElapsedTimer clock;
    clock.start();
    int points = 0;
    while (clock.elapsed() < 1000) {
        plot.addBatchPoint(0.001 * ++points, 1.0 / points);
        QTest::qWait(5);
    }
    const int during = plot.replotCount() - before;
    QVERIFY2(during >= 3 && during <= 12, qPrintable(QString::number(during)));
    const int settled = plot.replotCount();
    QTRY_VERIFY(plot.replotCount() > settled); // the points since the last drawing
    const double lastX = plot.customPlot()->graph(0)->data()->at(points - 1)->key;
    QVERIFY(plot.customPlot()->xAxis->range().contains(lastX));
    // Right after a drawing a batch point waits; an epoch point is drawn at once.
    QTest::qWait(2 * MetricPlot::kBatchReplotIntervalMs);
    plot.addBatchPoint(0.001 * ++points, 0.01);
    QCoreApplication::processEvents();
    const int drawn = plot.replotCount();
    clock.restart();
    plot.addBatchPoint(0.001 * ++points, 0.01);
    QCoreApplication::processEvents();
    if (clock.elapsed() < MetricPlot::kBatchReplotIntervalMs / 2) // not on a stalled machine
        QCOMPARE(plot.replotCount(), drawn);
    plot.addEpochPoint(1, 0.5, 0.6);
    QCoreApplication::processEvents();
    QVERIFY(plot.replotCount() > drawn);
}

void TestWidgets::metricPlotCsv()
{
    MetricPlot plot("accuracy");
    plot.setSmoothing(0.5);
    plot.addBatchPoint(0.5, 0.25);
    plot.addBatchPoint(1, 0.75);
    plot.addEpochPoint(1, 0.5, 0.625);
    const QStringList lines = plot.toCsv().trimmed().split('\n');
    QCOMPARE(lines.size(), 5);
    QCOMPARE(lines[0], QStringLiteral("series,epoch,accuracy,smoothed"));
    QCOMPARE(lines[1], QStringLiteral("batch_train,0.5,0.25,0.25"));
    // (0.5 * 0.125 + 0.5 * 0.75) / (1 - 0.25) = 7/12
    QCOMPARE(lines[2], QStringLiteral("batch_train,1,0.75,0.58333"));
    QCOMPARE(lines[3], QStringLiteral("epoch_train,1,0.5,"));
    QCOMPARE(lines[4], QStringLiteral("epoch_validation,1,0.625,"));

    QTemporaryDir dir;
    const QString path = dir.filePath("accuracy.csv");
    QVERIFY(plot.saveCsv(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(file.readAll()), plot.toCsv());
    QVERIFY(!plot.saveCsv(dir.filePath("missing/folder/x.csv")));
}

void TestWidgets::metricPlotMarkersLogScaleAndExport()
{
    MetricPlot plot("loss");
    plot.resize(500, 320);
    for (int i = 1; i <= 20; ++i)
        plot.addBatchPoint(i / 4.0, 2.0 / i);
    for (int e = 1; e <= 5; ++e)
        plot.addEpochPoint(e, 2.0 / (4 * e), 2.5 / (4 * e));
    plot.addMarker(2, "lr 0.01");
    plot.addMarker(3.5, "lr 0.001");
    QCOMPARE(plot.markerCount(), 2);
    plot.setLogScale(true);
    QVERIFY(plot.logScale());
    QCOMPARE(plot.customPlot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(plot.customPlot()->yAxis->range().lower > 0);

    QTemporaryDir dir;
    QVERIFY(plot.savePng(dir.filePath("loss.png"), 500, 320));
    QVERIFY(plot.savePdf(dir.filePath("loss.pdf"), 500, 320));
    QVERIFY(QFileInfo(dir.filePath("loss.png")).size() > 1000);
    QVERIFY(QFileInfo(dir.filePath("loss.pdf")).size() > 1000);
    const QImage png(dir.filePath("loss.png"));
    QCOMPARE(png.size(), QSize(1000, 640)); // saved at twice the pixel density

    plot.setLogScale(false);
    plot.clear();
    QCOMPARE(plot.markerCount(), 0);
}

void TestWidgets::metricPlotHoverReadout()
{
    MetricPlot plot("loss");
    plot.resize(500, 320);
    plot.addEpochPoint(1, 0.8, 0.9);
    plot.addEpochPoint(2, 0.4, 0.5);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.customPlot()->replot(); // lays out the axes so pixels map to coordinates
    QCustomPlot *cp = plot.customPlot();
    const QPointF at(cp->xAxis->coordToPixel(2), cp->yAxis->coordToPixel(0.5));
    const QString text = plot.showReadoutNear(at);
    QVERIFY2(text.contains("validation") && text.contains("epoch 2") && text.contains("0.5"),
             qPrintable(text));
    QCOMPARE(plot.readoutText(), text);
    QVERIFY(plot.showReadoutNear(QPointF(-500, -500)).isEmpty());
}

void TestWidgets::metricPlotLineWidthAndFontFollow()
{
    MetricPlot plot(QStringLiteral("loss"));
    QCustomPlot *cp = plot.customPlot();
    // Graphs: raw batches, smoothed batches, epoch training, epoch validation.
    QCOMPARE(cp->graph(2)->pen().widthF(), 2.0);
    plot.setLineWidthScale(2.5);
    QCOMPARE(plot.lineWidthScale(), 2.5);
    QCOMPARE(cp->graph(2)->pen().widthF(), 5.0);
    QCOMPARE(cp->graph(3)->pen().widthF(), 5.0);
    QCOMPARE(cp->graph(1)->pen().widthF(), 3.0);
    plot.setLineWidthScale(1);
    QCOMPARE(cp->graph(2)->pen().widthF(), 2.0);
    plot.setLineWidthScale(100);
    QCOMPARE(plot.lineWidthScale(), 5.0);
    // The axes follow the widget's font (the studio's text size).
    const double before = cp->xAxis->labelFont().pointSizeF();
    QFont big = plot.font();
    big.setPointSizeF(big.pointSizeF() * 2);
    plot.setFont(big);
    QCOMPARE(cp->xAxis->labelFont().pointSizeF(), big.pointSizeF());
    QVERIFY(cp->xAxis->labelFont().pointSizeF() > 1.9 * before);
}

void TestWidgets::confusionMatrixSetGet()
{
    ConfusionMatrixView view;
    QVERIFY(!view.accuracy());
    view.setMatrix({{5, 1}, {2, 2}}, {"cat", "dog"});
    QCOMPARE(view.matrix().size(), size_t(2));
    QCOMPARE(view.matrix()[1][0], qint64(2));
    QCOMPARE(view.classNames(), QStringList({"cat", "dog"}));
    QVERIFY(std::fabs(*view.accuracy() - 0.7) < 1e-12);
    QVERIFY2(view.title().contains("70.0%"), qPrintable(view.title()));
    // A ragged matrix is refused and the last good one kept.
    view.setMatrix({{1, 2}, {3}}, {"a", "b"});
    QCOMPARE(view.classNames(), QStringList({"cat", "dog"}));
    view.resize(300, 260);
    QVERIFY(!view.grab().isNull()); // paints without names for every class
    view.setMatrix({{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, {"only one"});
    QVERIFY(!view.grab().isNull());
    view.clear();
    QVERIFY(view.matrix().empty());
}

void TestWidgets::imageFromChwRanges()
{
    const std::vector<float> grey01{0, 0.5f, 1, 1};
    QImage g = ImageGrid::imageFromChw(grey01.data(), 1, 2, 2);
    QCOMPARE(g.size(), QSize(2, 2));
    QCOMPARE(qGray(g.pixel(0, 0)), 0);
    QCOMPARE(qGray(g.pixel(1, 1)), 255);
    // 0..255 data is taken as it is.
    const std::vector<float> rgb255{255, 0, 0, 0, 0, 128};
    QImage c = ImageGrid::imageFromChw(rgb255.data(), 3, 1, 2);
    QCOMPARE(c.pixel(0, 0), qRgb(255, 0, 0));
    QCOMPARE(c.pixel(1, 0), qRgb(0, 0, 128));
    // Standardised data is stretched to its own range.
    const std::vector<float> standardized{-2, 2};
    QImage s = ImageGrid::imageFromChw(standardized.data(), 1, 1, 2);
    QCOMPARE(qGray(s.pixel(0, 0)), 0);
    QCOMPARE(qGray(s.pixel(1, 0)), 255);
    QVERIFY(ImageGrid::imageFromChw(nullptr, 1, 2, 2).isNull());
}

void TestWidgets::imageGridCounts()
{
    ImageGrid grid;
    std::vector<float> pixels(28 * 28, 0.5f);
    std::vector<QImage> images;
    QStringList captions;
    for (int i = 0; i < 10; ++i) {
        images.push_back(ImageGrid::imageFromChw(pixels.data(), 1, 28, 28));
        captions << QStringLiteral("class %1").arg(i);
    }
    grid.setCellSize(56);
    grid.setImages(images, captions);
    QCOMPARE(grid.count(), 10);
    QCOMPARE(grid.captions().size(), 10);
    const int columns = grid.columnsForWidth(400);
    QVERIFY(columns >= 4 && columns < 10);
    QVERIFY(grid.heightForWidth(400) > grid.heightForWidth(2000));
    grid.resize(400, grid.heightForWidth(400));
    QVERIFY(!grid.grab().isNull());
    grid.clear();
    QCOMPARE(grid.count(), 0);
}

void TestWidgets::scatterPlotSeriesPerClass()
{
    ScatterPlot plot;
    plot.setPoints({{0, 0}, {1, 1}, {2, 0}, {0, 2}}, {0, 1, 1, 2}, {"a", "b"});
    QCOMPARE(plot.pointCount(), 4);
    QCOMPARE(plot.seriesCount(), 3);
    QCOMPARE(plot.customPlot()->graph(2)->name(), QStringLiteral("2")); // no name given
    plot.clear();
    QCOMPARE(plot.seriesCount(), 0);
}

void TestWidgets::progressPanelReachesFull()
{
    ProgressPanel panel;
    panel.start(2, 4);
    panel.setDevice("CPU");
    QCOMPARE(panel.value(), 0);
    panel.setProgress(0, 3, 120);
    QCOMPARE(panel.value(), panel.maximum() / 2);
    panel.setPaused(true);
    panel.setPaused(false);
    panel.setProgress(1, 3, 120);
    QCOMPARE(panel.value(), panel.maximum());
    panel.finish(true, "done");
    QVERIFY(!panel.isRunning());
    QCOMPARE(panel.deviceText(), QStringLiteral("CPU"));
    QCOMPARE(formatDuration(5), QStringLiteral("5 s"));
    QCOMPARE(formatDuration(125), QStringLiteral("2 min 05 s"));
    QCOMPARE(formatDuration(3 * 3600 + 120), QStringLiteral("3 h 02 min"));
}

QTEST_MAIN(TestWidgets)
#include "test_widgets.moc"
