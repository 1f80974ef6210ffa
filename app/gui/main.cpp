// strata: the desktop studio. With no argument it opens the default example (the two
// spirals, which train in seconds); with a .strata file it opens that file. --screenshot
// grabs the laid-out window to an image and quits, for documentation and headless checks.

#include "ui/editor/node_scene.h"
#include "ui/editor/node_view.h"
#include "ui/main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
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
        // Let the docks and the canvas lay out (two event-loop turns and a short delay) before
        // framing the model and grabbing.
        QTimer::singleShot(400, &window, [&window, &app, target, opened] {
            window.view()->frameModel();
            QTimer::singleShot(200, &window, [&window, &app, target, opened] {
                const bool saved = window.grab().save(target);
                if (!saved)
                    std::fprintf(stderr, "strata: cannot write %s\n", qPrintable(target));
                app.exit(saved && opened ? 0 : 1);
            });
        });
    }
    return app.exec();
}
