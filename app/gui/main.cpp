// strata: the desktop studio. With no argument it opens the default example (the two
// spirals, which train in seconds); with a .strata file it opens that file. --screenshot
// grabs the laid-out window (with a dialog over it, the screen) to an image and quits, for
// documentation and headless checks;
// with --train-epochs it first presses Train and waits until that many epochs are plotted,
// so the image shows the studio mid-run (or until the run ends, if it ends sooner).
// --presenter starts in presenter mode (View > Presenter Mode, F11).
// At start it offers the unsaved work a studio that crashed or was killed left behind
// (--recovery); unsaved changes are autosaved every 30 s (--autosave-interval).

#include "bench_mode.h"
#include "crash_drill.h"

#include "strata/version.h"
#include "ui/editor/node_scene.h"
#include "ui/editor/node_view.h"
#include "ui/examples_dialog.h"
#include "ui/main_window.h"
#include "ui/presenter_mode.h"
#include "ui/recovery/autosave.h"
#include "ui/runs/runs_panel.h"
#include "ui/session/training_session.h"
#include "ui/training/training_dashboard.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QIcon>
#include <QScreen>
#include <QTimer>

#include <cstdio>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Strata"));
    QApplication::setApplicationName(QStringLiteral("Strata"));
    QApplication::setApplicationVersion(QString::fromLatin1(strata::version()));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/strata.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Strata: build neural networks by drag and drop, train them and watch "
                       "them learn."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("project"),
                                 QStringLiteral("A .strata project to open (default: the "
                                                "spirals example)."),
                                 QStringLiteral("[project]"));
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                  QStringLiteral("Save an image of the window to <path>, then "
                                                 "quit."),
                                  QStringLiteral("path"));
    parser.addOption(screenshot);
    QCommandLineOption size(QStringLiteral("size"),
                            QStringLiteral("Window size as WxH (default 1600x1000)."),
                            QStringLiteral("WxH"));
    parser.addOption(size);
    QCommandLineOption select(QStringLiteral("select"),
                              QStringLiteral("Select the layer with this id (shows it in the "
                                             "inspector; useful with --screenshot)."),
                              QStringLiteral("id"));
    parser.addOption(select);
    QCommandLineOption trainEpochs(QStringLiteral("train-epochs"),
                                   QStringLiteral("With --screenshot: press Train first and take "
                                                  "the image once <n> epochs are plotted."),
                                   QStringLiteral("n"));
    parser.addOption(trainEpochs);
    QCommandLineOption benchEpochs(QStringLiteral("bench-epochs"),
                                   QStringLiteral("Train the project for <n> epochs with the "
                                                  "dashboard in front, print samples/s per "
                                                  "epoch, then quit (the studio's speed)."),
                                   QStringLiteral("n"));
    parser.addOption(benchEpochs);
    QCommandLineOption examples(QStringLiteral("examples"),
                                QStringLiteral("Open the examples gallery over the window (with "
                                               "--screenshot: the picture is of the screen)."));
    parser.addOption(examples);
    QCommandLineOption showDock(QStringLiteral("show-dock"),
                                QStringLiteral("Show and raise the dock with this title or "
                                               "object name (e.g. \"Decision boundary\")."),
                                QStringLiteral("name"));
    parser.addOption(showDock);
    QCommandLineOption compareRuns(
        QStringLiteral("compare-runs"),
        QStringLiteral("Tick these kept runs of the project in the Runs panel, to draw their "
                       "curves on the dashboard: run ids or names separated by commas, or all."),
        QStringLiteral("runs"));
    parser.addOption(compareRuns);
    QCommandLineOption presenter(QStringLiteral("presenter"),
                                 QStringLiteral("Start in presenter mode (View > Presenter Mode, "
                                                "F11): large text and curves, editing locked."));
    parser.addOption(presenter);
    QCommandLineOption autosaveInterval(
        QStringLiteral("autosave-interval"),
        QStringLiteral("Autosave unsaved changes every <seconds> (default 30)."),
        QStringLiteral("seconds"));
    parser.addOption(autosaveInterval);
    QCommandLineOption recovery(
        QStringLiteral("recovery"),
        QStringLiteral("Unsaved work a crashed studio left: ask (default: the recovery dialog), "
                       "recover (the newest, without asking) or later (keep it, ask next "
                       "time)."),
        QStringLiteral("ask|recover|later"));
    parser.addOption(recovery);
    parser.process(app);

    using Recovery = strata::ui::MainWindow::RecoveryChoice;
    Recovery recoveryChoice = Recovery::Ask;
    if (parser.isSet(recovery)) {
        const QString choice = parser.value(recovery);
        if (choice == QLatin1String("recover"))
            recoveryChoice = Recovery::Recover;
        else if (choice == QLatin1String("later"))
            recoveryChoice = Recovery::Later;
        else if (choice != QLatin1String("ask")) {
            std::fprintf(stderr, "strata: --recovery %s: use ask, recover or later\n",
                         qPrintable(choice));
            return 2;
        }
    }
    double autosaveSeconds = strata::ui::Autosave::kDefaultIntervalMs / 1000.0;
    if (parser.isSet(autosaveInterval)) {
        bool ok = false;
        autosaveSeconds = parser.value(autosaveInterval).toDouble(&ok);
        if (!ok || !(autosaveSeconds >= 0.01 && autosaveSeconds <= 86400)) {
            std::fprintf(stderr,
                         "strata: --autosave-interval %s: give seconds between 0.01 and 86400\n",
                         qPrintable(parser.value(autosaveInterval)));
            return 2;
        }
    }

    strata::ui::MainWindow window;
    window.autosave()->setInterval(int(autosaveSeconds * 1000 + 0.5));
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split(QLatin1Char('x'));
        if (wh.size() == 2)
            window.resize(wh[0].toInt(), wh[1].toInt());
    }
    const QStringList args = parser.positionalArguments();
    const QString path =
        args.isEmpty() ? strata::ui::MainWindow::examplesDir() + QStringLiteral("/spirals.strata")
                       : args.front();
    // A bundled example or lesson opens as an untitled copy (Save never writes into the
    // installed files); any other project opens itself.
    const QString folder = QFileInfo(path).absoluteDir().canonicalPath();
    const QString examplesFolder = QDir(strata::ui::MainWindow::examplesDir()).canonicalPath();
    const bool bundled =
        !examplesFolder.isEmpty() &&
        (folder == examplesFolder ||
         folder == examplesFolder + QLatin1Char('/') + QLatin1String(strata::ui::kLessonsFolder));
    // Shown first: a lesson's guide is raised among the docks' tabs only once they exist.
    window.show();
    const bool opened = bundled ? window.openExample(path) : window.openFile(path);
    if (parser.isSet(select))
        window.scene()->selectNodes({parser.value(select)});
    if (parser.isSet(showDock) && !window.showDock(parser.value(showDock))) {
        std::fprintf(stderr,
                     "strata: --show-dock %s: no dock has that title or name (see the View "
                     "menu for the docks' titles)\n",
                     qPrintable(parser.value(showDock)));
        return 2;
    }
    if (parser.isSet(compareRuns)) {
        strata::ui::RunsPanel *runs = window.runsPanel();
        const QStringList wanted = parser.value(compareRuns).split(QLatin1Char(','));
        for (const strata::RunInfo &run : runs->runs())
            if (wanted.contains(QStringLiteral("all")) ||
                wanted.contains(QString::fromStdString(run.id)) ||
                wanted.contains(QString::fromStdString(run.name)))
                runs->setCompared(QString::fromStdString(run.id), true);
    }
    // Over the window once it is shown (the dialog, with Ask); the other choices act now.
    if (recoveryChoice == Recovery::Ask)
        QTimer::singleShot(0, &window, [&window] { window.offerRecovery(); });
    else
        window.offerRecovery(recoveryChoice);
    if (const QString drill = qEnvironmentVariable("STRATA_CRASH_DRILL"); !drill.isEmpty())
        if (!startCrashDrill(window, drill))
            return 2;
    // Frame the model once the window has its real size.
    QTimer::singleShot(0, &window, [&window] { window.view()->frameModel(); });
    // Once the first layout is in place: leaving presenter mode returns to it.
    if (parser.isSet(presenter))
        QTimer::singleShot(0, &window, [&window] { window.presenterMode()->setActive(true); });
    if (parser.isSet(examples)) {
        auto *gallery =
            new strata::ui::ExamplesDialog(strata::ui::MainWindow::examplesDir(), &window);
        gallery->setAttribute(Qt::WA_DeleteOnClose);
        QTimer::singleShot(100, gallery, [gallery] { gallery->show(); });
    }

    if (parser.isSet(benchEpochs)) {
        bool ok = false;
        const int n = parser.value(benchEpochs).toInt(&ok);
        if (!ok || n < 1) {
            std::fprintf(stderr, "strata: --bench-epochs expects a number of epochs (1 or "
                                 "more)\n");
            return 2;
        }
        if (!opened) {
            std::fprintf(stderr, "strata: the project did not open: nothing to benchmark\n");
            return 1;
        }
        startStudioBenchmark(window, app, n);
    }
    if (parser.isSet(screenshot)) {
        const QString target = parser.value(screenshot);
        const int epochs = parser.isSet(trainEpochs) ? parser.value(trainEpochs).toInt() : 0;
        const bool wholeScreen = parser.isSet(examples);
        auto grab = [&window, &app, target, opened, wholeScreen] {
            // Plots replot lazily; draw the latest points before the picture is taken.
            for (QCustomPlot *plot : window.findChildren<QCustomPlot *>())
                plot->replot();
            // A dialog over the window (the gallery, the recovery dialog) is in the picture of
            // the screen only.
            const bool screen = wholeScreen || window.recoveryDialog();
            const QPixmap picture =
                screen && window.screen() ? window.screen()->grabWindow(0) : window.grab();
            const bool saved = picture.save(target);
            if (!saved)
                std::fprintf(stderr, "strata: cannot write %s\n", qPrintable(target));
            app.exit(saved && opened ? 0 : 1);
        };
        // Let the docks and the canvas lay out (two event-loop turns and a short delay) before
        // framing the model and grabbing.
        const QString shownDock = parser.value(showDock);
        QTimer::singleShot(400, &window, [&window, &app, grab, epochs, shownDock] {
            window.view()->frameModel();
            strata::ui::TrainingDashboard *dashboard = window.dashboard();
            strata::ui::TrainingSession *session = window.session();
            if (epochs <= 0 || !dashboard || !session) {
                QTimer::singleShot(200, &window, grab);
                return;
            }
            window.trainingDock()->show();
            window.trainingDock()->raise();
            if (!shownDock.isEmpty()) // the dock asked for stays in front of its tab group
                window.showDock(shownDock);
            // Follow the session, never block: the GUI keeps drawing while the trainer runs.
            // `waiting` holds the connections; they end as soon as the outcome is known.
            auto *waiting = new QObject(&window);
            auto done = [waiting, session] {
                QObject::disconnect(session, nullptr, waiting, nullptr);
                waiting->deleteLater();
            };
            QObject::connect(session, &strata::ui::TrainingSession::epochFinished, waiting,
                             [&window, session, epochs, grab, done] {
                                 if (int(session->epochs().size()) < epochs)
                                     return;
                                 done();
                                 // The plots replot on the next turn of the event loop.
                                 QTimer::singleShot(150, &window, grab);
                             });
            auto giveUp = [epochs, &app, done](const char *why) {
                std::fprintf(stderr, "strata: %s before epoch %d\n", why, epochs);
                done();
                app.exit(1);
            };
            // A run that ends sooner (completed, stopped, diverged) is pictured as it ended.
            QObject::connect(session, &strata::ui::TrainingSession::finished, waiting,
                             [&window, epochs, grab, done] {
                                 std::fprintf(stderr,
                                              "strata: training ended before epoch %d; the "
                                              "picture shows how it ended\n",
                                              epochs);
                                 done();
                                 QTimer::singleShot(150, &window, grab);
                             });
            QTimer::singleShot(5 * 60 * 1000, waiting, [giveUp] { giveUp("timed out"); });
            dashboard->startTraining();
        });
    }
    return app.exec();
}
