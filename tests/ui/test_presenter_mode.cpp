// Presenter mode: F11 in the View menu and a tool-bar toggle; larger text (not remembered as
// the user's zoom), thicker curves, the editing docks hidden, the presenter docks (training
// and any "boundaryDock") shown and large, editing locked; leaving it restores the dock layout
// byte for byte, the text size, the curves and the lock.

#include "ui/document.h"
#include "ui/editor/node_view.h"
#include "ui/interface_zoom.h"
#include "ui/main_window.h"
#include "ui/palette/layer_palette.h"
#include "ui/presenter_mode.h"
#include "ui/session/training_session.h"
#include "ui/training/training_dashboard.h"
#include "widgets/metric_plot.h"

#include "source_dir.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QStandardPaths>
#include <QToolBar>
#include <QUndoStack>
#include <QtTest>

using namespace strata::ui;
using strata::test::examplePath;

namespace {

QDockWidget *dock(MainWindow &window, const QString &name)
{
    return window.findChild<QDockWidget *>(name);
}

} // namespace

class TestPresenterMode : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings(QStringLiteral("Strata"), QStringLiteral("Strata")).clear();
    }

    void inTheViewMenuAndTheToolBar()
    {
        MainWindow window;
        QAction *presenter = window.presenterMode()->action();
        QCOMPARE(presenter->shortcut().toString(), QStringLiteral("F11"));
        QVERIFY(presenter->isCheckable());
        QVERIFY(presenter->toolTip().contains("F11"));
        QMenu *view = nullptr;
        for (QAction *a : window.menuBar()->actions())
            if (a->menu() && a->text().remove('&') == QLatin1String("View"))
                view = a->menu();
        QVERIFY(view);
        QVERIFY(view->actions().contains(presenter));
        auto *bar = window.findChild<QToolBar *>("mainToolBar");
        QVERIFY(bar && bar->actions().contains(presenter));
        // No other action of the window answers to F11, F7 or Shift+F7.
        int f11 = 0, f7 = 0, shiftF7 = 0;
        for (QAction *a : window.findChildren<QAction *>()) {
            f11 += a->shortcuts().contains(QKeySequence(Qt::Key_F11)) ? 1 : 0;
            f7 += a->shortcuts().contains(QKeySequence(Qt::Key_F7)) ? 1 : 0;
            shiftF7 += a->shortcuts().contains(QKeySequence(Qt::SHIFT | Qt::Key_F7)) ? 1 : 0;
        }
        QCOMPARE(f11, 1);
        QCOMPARE(f7, 1);
        QCOMPARE(shiftF7, 1);
    }

    void entersAndRestoresExactly()
    {
        MainWindow window;
        QVERIFY(window.openFile(examplePath("spirals.strata")));
        // A decision-boundary panel's dock, as another panel adds it: tabbed with training.
        auto *boundary = new QDockWidget(QStringLiteral("Decision boundary"), &window);
        boundary->setObjectName(QStringLiteral("boundaryDock"));
        boundary->setWidget(new QLabel(QStringLiteral("boundary")));
        window.addDockWidget(Qt::BottomDockWidgetArea, boundary);
        window.tabifyDockWidget(window.trainingDock(), boundary);
        window.trainingDock()->raise();
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTest::qWait(100);

        QVERIFY(window.tabifiedDockWidgets(window.trainingDock()).contains(boundary));
        const QByteArray state = window.saveState();
        const double font = QApplication::font().pointSizeF();
        const double factor = window.interfaceZoom()->factor();
        strata::widgets::MetricPlot *loss = window.dashboard()->lossPlot();
        QCOMPARE(loss->lineWidthScale(), 1.0);
        QVERIFY(!window.document()->isEditingLocked());

        QTest::keyClick(window.centralWidget(), Qt::Key_F11);
        QVERIFY(window.presenterMode()->isActive());
        QVERIFY(window.presenterMode()->action()->isChecked());
        // Fonts and dock sizes settle through queued events: waited for, not assumed done
        // within a fixed time (a loaded machine once took longer).
        QTRY_VERIFY2(QApplication::font().pointSizeF() >= 1.6 * font,
                     qPrintable(QString::number(QApplication::font().pointSizeF())));
        QTRY_VERIFY(window.dashboard()->controls()->font().pointSizeF() >= 1.6 * font);
        // The user's zoom is untouched, and not remembered as anything else.
        QCOMPARE(window.interfaceZoom()->factor(), factor);
        QCOMPARE(QSettings(QStringLiteral("Strata"), QStringLiteral("Strata"))
                     .value("view/textScale", 1.0)
                     .toDouble(),
                 factor);
        QVERIFY(loss->lineWidthScale() > 2);
        QVERIFY(window.dashboard()->accuracyPlot()->lineWidthScale() > 2);
        for (const QString &name : PresenterMode::editingDocks())
            if (QDockWidget *d = dock(window, name))
                QVERIFY2(d->isHidden(), qPrintable(name));
        QVERIFY(window.trainingDock()->isVisible());
        QVERIFY(boundary->isVisible());
        // Side by side, not tabbed: both in view, and large; the canvas still there.
        QVERIFY(!window.tabifiedDockWidgets(window.trainingDock()).contains(boundary));
        QTRY_VERIFY2(window.trainingDock()->height() > window.height() / 2,
                     qPrintable(QStringLiteral("%1 of %2")
                                    .arg(window.trainingDock()->height())
                                    .arg(window.height())));
        QVERIFY(window.view()->isVisible() && window.view()->height() > 50);
        QVERIFY(window.document()->isEditingLocked());
        QVERIFY(window.document()->lockReason().contains("Presenter mode"));
        QVERIFY(window.document()->lockReason().contains("F11"));
        QVERIFY(!window.document()->addNode("Dense", {0, 0}).isEmpty()); // refused

        window.presenterMode()->action()->trigger();
        QVERIFY(!window.presenterMode()->isActive());
        QTRY_COMPARE(window.saveState(), state);
        QCOMPARE(QApplication::font().pointSizeF(), font);
        QCOMPARE(loss->lineWidthScale(), 1.0);
        QVERIFY(!window.document()->isEditingLocked());
        QVERIFY(window.palette()->isEnabled());
        QVERIFY(window.trainingDock()->isVisible());
        // Tabbed with training again.
        QVERIFY(window.tabifiedDockWidgets(window.trainingDock()).contains(boundary));
    }

    void closingRemembersTheUsersLayoutNotThePresenters()
    {
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.presenterMode()->setActive(true);
            QVERIFY(dock(window, "paletteDock")->isHidden());
            QVERIFY(window.close());
            QVERIFY(!window.presenterMode()->isActive());
        }
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(!window.presenterMode()->isActive());
        for (const char *name : {"paletteDock", "inspectorDock", "problemsDock"})
            QVERIFY2(!dock(window, name)->isHidden(), name);
        QSettings(QStringLiteral("Strata"), QStringLiteral("Strata")).clear();
    }

    void leavingDuringARunKeepsTrainingsLock()
    {
        MainWindow window;
        QVERIFY(window.openFile(examplePath("spirals.strata")));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.presenterMode()->setActive(true);
        // Step from presenter mode: the step controls are the presenter's.
        window.dashboard()->stepBatch();
        QTRY_VERIFY_WITH_TIMEOUT(window.session()->isPaused(), 60000);
        QVERIFY(window.document()->lockReason().contains("Presenter mode"));
        window.presenterMode()->setActive(false);
        QVERIFY(window.document()->isEditingLocked());
        QCOMPARE(window.document()->lockReason(),
                 QStringLiteral("Training is paused: stop it to edit the model"));
        QVERIFY(window.session()->stop());
        QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isTraining(), 60000);
        QVERIFY(!window.document()->isEditingLocked());
        window.document()->undoStack()->setClean();
    }
};

QTEST_MAIN(TestPresenterMode)
#include "test_presenter_mode.moc"
