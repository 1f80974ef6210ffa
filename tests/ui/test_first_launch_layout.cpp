// The studio's first launch (no saved layout) on a laptop (1366×768) and a desktop
// (1600×1000) screen: every panel of the training dashboard is readable and the canvas keeps
// room, also when the screen is small in logical pixels (QT_SCALE_FACTOR=1.4); and the
// interface-wide text size (View > Zoom In / Out / Reset) is applied and remembered.

#include "ui/editor/node_view.h"
#include "ui/main_window.h"
#include "ui/training/training_dashboard.h"
#include "widgets/confusion_matrix_view.h"
#include "widgets/metric_plot.h"
#include "widgets/progress_panel.h"

#include "source_dir.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

using namespace strata::ui;
using strata::test::examplePath;

namespace {

void forgetSettings()
{
    QSettings(QStringLiteral("Strata"), QStringLiteral("Strata")).clear();
}

// The View menu's action with this shortcut.
QAction *viewAction(MainWindow &window, const QKeySequence &key)
{
    for (QAction *menu : window.menuBar()->actions())
        if (menu->menu() && menu->text().remove('&') == QLatin1String("View"))
            for (QAction *a : menu->menu()->actions())
                if (a->shortcuts().contains(key))
                    return a;
    return nullptr;
}

int visibleHeight(QWidget *w, QScrollArea *scroll)
{
    const QRect inViewport(w->mapTo(scroll->viewport(), QPoint(0, 0)), w->size());
    return inViewport.intersected(scroll->viewport()->rect()).height();
}

} // namespace

class TestFirstLaunchLayout : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { forgetSettings(); }
    void cleanup() { forgetSettings(); }
    void everyPanelReadable_data();
    void everyPanelReadable();
    void scaledScreenKeepsTheCanvas();
    void textZoomAppliesAndIsRemembered();
};

void TestFirstLaunchLayout::everyPanelReadable_data()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("1366x768") << QSize(1366, 768);
    QTest::newRow("1600x1000") << QSize(1600, 1000);
}

void TestFirstLaunchLayout::everyPanelReadable()
{
    QFETCH(QSize, size);
    MainWindow window;
    QVERIFY(window.openFile(examplePath("spirals.strata")));
    window.resize(size);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTest::qWait(50);
    TrainingDashboard *dashboard = window.dashboard();
    auto *scroll = window.trainingDock()->findChild<QScrollArea *>("trainingScroll");
    QVERIFY(dashboard && scroll);
    // Every panel readable: none crushed to a sliver.
    QWidget *matrix = dashboard->confusionMatrix();
    QVERIFY2(matrix->height() >= 150, qPrintable(QString::number(matrix->height())));
    QVERIFY(matrix->height() >= matrix->minimumSizeHint().height()); // its title is not cut
    QVERIFY(dashboard->logView()->height() >= 90);
    // Everything on screen without scrolling: on a laptop the panels stand in one row.
    QVERIFY2(!scroll->verticalScrollBar()->isVisible(),
             qPrintable(QStringLiteral("the dashboard scrolls: %1 px in a %2 px viewport")
                            .arg(dashboard->height())
                            .arg(scroll->viewport()->height())));
    QCOMPARE(visibleHeight(matrix, scroll), matrix->height());
    QCOMPARE(visibleHeight(dashboard->logView(), scroll), dashboard->logView()->height());
    QCOMPARE(visibleHeight(dashboard->progressPanel(), scroll),
             dashboard->progressPanel()->height());
    if (size.height() < 1000)
        QCOMPARE(dashboard->arrangement(), TrainingDashboard::Arrangement::OneRow);
    QCOMPARE(visibleHeight(dashboard->lossPlot(), scroll), dashboard->lossPlot()->height());
    QVERIFY(dashboard->lossPlot()->height() >= 200);
    // The canvas keeps a usable share.
    QVERIFY2(window.view()->height() >= 200, qPrintable(QString::number(window.view()->height())));
}

void TestFirstLaunchLayout::scaledScreenKeepsTheCanvas()
{
    // 1366×768 at QT_SCALE_FACTOR=1.4 is 976×548 logical pixels.
    MainWindow window;
    QVERIFY(window.openFile(examplePath("spirals.strata")));
    window.resize(976, 548);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTest::qWait(50);
    QVERIFY2(window.view()->height() >= 150, qPrintable(QString::number(window.view()->height())));
    // The dashboard scrolls instead of crushing its panels.
    QVERIFY(window.dashboard()->confusionMatrix()->height() >= 150);
}

void TestFirstLaunchLayout::textZoomAppliesAndIsRemembered()
{
    const double base = QApplication::font().pointSizeF();
    {
        MainWindow window;
        QAction *in = viewAction(window, QKeySequence::ZoomIn);
        QAction *reset = viewAction(window, QKeySequence(Qt::CTRL | Qt::Key_0));
        QVERIFY(in && reset);
        QVERIFY(viewAction(window, QKeySequence::ZoomOut));
        const double canvasZoom = window.view()->zoom();
        in->trigger();
        in->trigger();
        QVERIFY2(QApplication::font().pointSizeF() > base * 1.15,
                 qPrintable(QString::number(QApplication::font().pointSizeF())));
        // The canvas' fixed-size items grow with the text.
        QVERIFY(window.view()->zoom() > canvasZoom * 1.15);
    }
    const double zoomed = QApplication::font().pointSizeF();
    QFont platform = QApplication::font(); // as a new launch finds it
    platform.setPointSizeF(base);
    QApplication::setFont(platform);
    {
        MainWindow window; // remembered
        QCOMPARE(QApplication::font().pointSizeF(), zoomed);
        viewAction(window, QKeySequence(Qt::CTRL | Qt::Key_0))->trigger();
        QCOMPARE(QApplication::font().pointSizeF(), base);
    }
    MainWindow window;
    QCOMPARE(QApplication::font().pointSizeF(), base);
}

QTEST_MAIN(TestFirstLaunchLayout)
#include "test_first_launch_layout.moc"
