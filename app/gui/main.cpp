// strata: the desktop studio. With no argument it opens the default example (the two
// spirals, which train in seconds); with a .strata file it opens that file. --screenshot
// grabs the laid-out window to an image and quits, for documentation and headless checks;
// with --train-epochs it first presses Train and waits until that many epochs are plotted,
// so the image shows the studio mid-run.

#include "ui/editor/node_scene.h"
#include "ui/editor/node_view.h"
#include "ui/main_window.h"
#include "ui/training/training_dashboard.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QIcon>
#include <QTimer>

#include <cstdio>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Strata"));
    QApplication::setApplicationName(QStringLiteral("Strata"));
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));
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
    parser.process(app);

    strata::ui::MainWindow window;
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split(QLatin1Char('x'));
        if (wh.size() == 2)
            window.resize(wh[0].toInt(), wh[1].toInt());
    }
    const QStringList args = parser.positionalArguments();
    const QString path =
        args.isEmpty() ? strata::ui::MainWindow::examplesDir() + QStringLiteral("/spirals.strata")
                       : args.front();
    const bool opened = window.openFile(path);
    if (parser.isSet(select))
        window.scene()->selectNodes({parser.value(select)});
    window.show();
    // Frame the model once the window has its real size.
    QTimer::singleShot(0, &window, [&window] { window.view()->frameModel(); });

    if (parser.isSet(screenshot)) {
        const QString target = parser.value(screenshot);
        const int epochs = parser.isSet(trainEpochs) ? parser.value(trainEpochs).toInt() : 0;
        auto grab = [&window, &app, target, opened] {
            // Plots replot lazily; draw the latest points before the picture is taken.
            for (QCustomPlot *plot : window.findChildren<QCustomPlot *>())
                plot->replot();
            const bool saved = window.grab().save(target);
            if (!saved)
                std::fprintf(stderr, "strata: cannot write %s\n", qPrintable(target));
            app.exit(saved && opened ? 0 : 1);
        };
        // Let the docks and the canvas lay out (two event-loop turns and a short delay) before
        // framing the model and grabbing.
        QTimer::singleShot(400, &window, [&window, &app, grab, epochs] {
            window.view()->frameModel();
            strata::ui::TrainingDashboard *dashboard = window.dashboard();
            if (epochs <= 0 || !dashboard) {
                QTimer::singleShot(200, &window, grab);
                return;
            }
            window.trainingDock()->show();
            window.trainingDock()->raise();
            dashboard->startTraining();
            // Poll, never block: the GUI keeps drawing while the trainer runs.
            auto *poll = new QTimer(&window);
            const QDeadlineTimer deadline(5 * 60 * 1000);
            QObject::connect(poll, &QTimer::timeout, &window,
                             [poll, dashboard, epochs, deadline, grab, &app] {
                                 const bool enough = int(dashboard->epochs().size()) >= epochs;
                                 if (!enough && dashboard->isTraining() && !deadline.hasExpired())
                                     return;
                                 poll->stop();
                                 if (!enough) {
                                     std::fprintf(stderr,
                                                  "strata: training ended before epoch "
                                                  "%d\n",
                                                  epochs);
                                     app.exit(1);
                                     return;
                                 }
                                 // The plots replot on the next turn of the event loop.
                                 QTimer::singleShot(150, poll, grab);
                             });
            poll->start(50);
        });
    }
    return app.exec();
}
