// The studio on a laptop screen (1366×768): the inspector fits its dock without scrolling
// sideways, and the training dashboard shrinks enough to sit below or beside the canvas,
// stacking its plots and wrapping its controls when narrow.

#include "ui/document.h"
#include "ui/editor/node_scene.h"
#include "ui/inspector/inspector.h"
#include "ui/main_window.h"
#include "ui/session/training_session.h"
#include "ui/training/training_controls.h"
#include "ui/training/training_dashboard.h"
#include "widgets/confusion_matrix_view.h"
#include "widgets/metric_plot.h"
#include "widgets/progress_panel.h"

#include "source_dir.h"

#include <QDockWidget>
#include <QGroupBox>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTest>

using namespace strata;
using namespace strata::ui;
using strata::test::examplePath;

namespace {

// The inspector page on show fits its scroll area's width: nothing is cut off and there is
// nothing to scroll to sideways.
void verifyFitsWidth(Inspector &inspector, const char *what)
{
    for (QScrollArea *area : inspector.findChildren<QScrollArea *>()) {
        if (!area->isVisible())
            continue;
        QWidget *page = area->widget();
        const int needed = page->minimumSizeHint().width();
        // The widest widget in it, to say what to fix.
        QString widest;
        int widestWidth = 0;
        for (QWidget *w : page->findChildren<QWidget *>())
            if (w->isVisibleTo(page) && w->minimumSizeHint().width() > widestWidth &&
                !qobject_cast<QGroupBox *>(w) && w->layout() == nullptr) {
                widestWidth = w->minimumSizeHint().width();
                widest =
                    QStringLiteral("%1 '%2'").arg(w->metaObject()->className(), w->objectName());
            }
        QVERIFY2(needed <= area->viewport()->width(),
                 qPrintable(QStringLiteral("%1 needs %2 px, has %3; widest: %4, %5 px")
                                .arg(what)
                                .arg(needed)
                                .arg(area->viewport()->width())
                                .arg(widest)
                                .arg(widestWidth)));
        QVERIFY(page->width() <= area->viewport()->width());
        QVERIFY(!area->horizontalScrollBar()->isVisible());
    }
}

} // namespace

class TestNarrowLayout : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void inspectorNeedsNoHorizontalScrolling();
    void dashboardShrinksAndStacks();
    void narrowPlotWrapsItsLegend();
    void shortAndWideStandsInOneRow();
    void studioOnALaptopScreen();
};

void TestNarrowLayout::inspectorNeedsNoHorizontalScrolling()
{
    Document doc;
    doc.load(examplePath("keras_mnist_cnn.strata")); // long file paths in the dataset form
    Inspector inspector(&doc);
    inspector.resize(300, 700); // narrower than the dock's default width
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    inspector.showNodes({});
    QCoreApplication::processEvents();
    verifyFitsWidth(inspector, "project settings");
    for (const char *node : {"conv2d", "dense", "max_pooling2d", "input"}) {
        inspector.showNodes({QString::fromLatin1(node)});
        QCoreApplication::processEvents();
        verifyFitsWidth(inspector, node);
    }
}

void TestNarrowLayout::dashboardShrinksAndStacks()
{
    TrainingSession session;
    TrainingDashboard dashboard(&session);
    // Down from ~900 px: it fits a dock beside the canvas.
    QVERIFY2(dashboard.minimumSizeHint().width() <= 460,
             qPrintable(QString::number(dashboard.minimumSizeHint().width())));

    dashboard.resize(1200, 700);
    dashboard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
    QCoreApplication::processEvents();
    QVERIFY(!dashboard.isStacked());
    QCOMPARE(dashboard.controls()->rowCount(), 1);
    const QRect loss = dashboard.lossPlot()->geometry();
    const QRect accuracy = dashboard.accuracyPlot()->geometry();
    QVERIFY(accuracy.left() > loss.right()); // side by side
    QCOMPARE(dashboard.lossPlot()->legendColumns(), 0);

    dashboard.resize(460, 1200);
    QCoreApplication::processEvents();
    QVERIFY(dashboard.isStacked());
    QVERIFY(dashboard.controls()->rowCount() >= 2); // wrapped, not cut off
    QVERIFY(dashboard.controls()->width() <= dashboard.width());
    // Loss above accuracy, each as wide as the panel allows.
    const int lossBottom =
        dashboard.lossPlot()->mapTo(&dashboard, QPoint(0, 0)).y() + dashboard.lossPlot()->height();
    QVERIFY(dashboard.accuracyPlot()->mapTo(&dashboard, QPoint(0, 0)).y() >= lossBottom);
    QVERIFY(dashboard.lossPlot()->width() >= 400);

    dashboard.resize(1200, 700);
    QCoreApplication::processEvents();
    QVERIFY(!dashboard.isStacked());
    QCOMPARE(dashboard.controls()->rowCount(), 1);
}

void TestNarrowLayout::narrowPlotWrapsItsLegend()
{
    widgets::MetricPlot plot("loss");
    plot.resize(700, 300);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    QCOMPARE(plot.legendColumns(), 0); // one row
    plot.resize(460, 300);
    QCoreApplication::processEvents();
    QCOMPARE(plot.legendColumns(), 2); // two entries per row, none clipped
    plot.resize(300, 300);
    QCoreApplication::processEvents();
    QCOMPARE(plot.legendColumns(), 1); // "train (batches, smoothed)" does not fit twice
    plot.resize(700, 300);
    QCoreApplication::processEvents();
    QCOMPARE(plot.legendColumns(), 0);
}

void TestNarrowLayout::shortAndWideStandsInOneRow()
{
    // In a scroll area as in the studio's dock: the room is the viewport, not the dashboard.
    TrainingSession session;
    QScrollArea area;
    auto *dashboard = new TrainingDashboard(&session);
    area.setWidget(dashboard);
    area.setWidgetResizable(true);
    area.resize(1150, 380);
    area.show();
    QVERIFY(QTest::qWaitForWindowExposed(&area));
    QTRY_COMPARE(dashboard->arrangement(), TrainingDashboard::Arrangement::OneRow);
    QTRY_VERIFY(!area.verticalScrollBar()->isVisible());
    // Loss | accuracy | confusion matrix | progress over messages, left to right.
    auto left = [dashboard](QWidget *w) { return w->mapTo(dashboard, QPoint(0, 0)).x(); };
    auto top = [dashboard](QWidget *w) { return w->mapTo(dashboard, QPoint(0, 0)).y(); };
    QVERIFY(left(dashboard->accuracyPlot()) > left(dashboard->lossPlot()));
    QVERIFY(left(dashboard->confusionMatrix()) > left(dashboard->accuracyPlot()));
    QVERIFY(left(dashboard->progressPanel()) > left(dashboard->confusionMatrix()));
    QVERIFY(top(dashboard->logView()) > top(dashboard->progressPanel()));
    QVERIFY(dashboard->confusionMatrix()->height() >= 150);
    QVERIFY(dashboard->logView()->height() >= 90);

    // Given the height, the plots stand above the row of panels again.
    area.resize(1150, 720);
    QTRY_COMPARE(dashboard->arrangement(), TrainingDashboard::Arrangement::TwoRows);
    const auto plotBottom = [&] {
        return top(dashboard->lossPlot()) + dashboard->lossPlot()->height();
    };
    QTRY_VERIFY(top(dashboard->confusionMatrix()) > plotBottom());
    QVERIFY(top(dashboard->logView()) > plotBottom());
    // Too narrow for one row, however short: two rows, scrolling.
    area.resize(900, 380);
    QTRY_VERIFY(area.verticalScrollBar()->isVisible());
    QCOMPARE(dashboard->arrangement(), TrainingDashboard::Arrangement::TwoRows);
}

void TestNarrowLayout::studioOnALaptopScreen()
{
    MainWindow window;
    QVERIFY(window.openFile(examplePath("keras_mnist_cnn.strata")));
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTest::qWait(50);
    // The canvas keeps room: the side docks take less than half the width.
    auto *palette = window.findChild<QDockWidget *>("paletteDock");
    auto *inspector = window.findChild<QDockWidget *>("inspectorDock");
    QVERIFY(palette->width() + inspector->width() < 1366 / 2);
    verifyFitsWidth(*window.inspector(), "project settings at 1366×768");
    // The dashboard under the canvas shows its plots side by side without a horizontal
    // scroll bar.
    TrainingDashboard *dashboard = window.dashboard();
    QVERIFY(dashboard);
    auto *scroll = window.trainingDock()->findChild<QScrollArea *>("trainingScroll");
    QVERIFY(scroll);
    QVERIFY(!scroll->horizontalScrollBar()->isVisible());
    QVERIFY(!dashboard->isStacked());

    // Beside the canvas, in a narrow dock, it stacks.
    window.addDockWidget(Qt::RightDockWidgetArea, window.trainingDock());
    window.resizeDocks({window.trainingDock()}, {480}, Qt::Horizontal);
    QTest::qWait(50);
    QVERIFY(dashboard->isStacked());
    QVERIFY(!scroll->horizontalScrollBar()->isVisible());
}

QTEST_MAIN(TestNarrowLayout)
#include "test_narrow_layout.moc"
