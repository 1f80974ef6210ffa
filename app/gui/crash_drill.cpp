#include "crash_drill.h"

#include "ui/document.h"
#include "ui/main_window.h"
#include "ui/training/training_dashboard.h"

#include <QRegularExpression>
#include <QTimer>

#include <cstdio>

namespace {

// The next description: "crash drill edit N+1" after "crash drill edit N", else edit 1.
QString nextDescription(const QString &current)
{
    static const QRegularExpression drill(QStringLiteral("^crash drill edit (\\d+)$"));
    const QRegularExpressionMatch m = drill.match(current);
    const qlonglong n = m.hasMatch() ? m.captured(1).toLongLong() : 0;
    return QStringLiteral("crash drill edit %1").arg(n + 1);
}

} // namespace

bool startCrashDrill(strata::ui::MainWindow &window, const QString &mode)
{
    using strata::ui::Document;
    if (mode != QLatin1String("idle") && mode != QLatin1String("save") &&
        mode != QLatin1String("train") && mode != QLatin1String("quit")) {
        std::fprintf(stderr,
                     "strata: STRATA_CRASH_DRILL=%s is not a drill; use idle, save, train or "
                     "quit\n",
                     qPrintable(mode));
        return false;
    }
    Document *document = window.document();
    const std::string state = strata::toJson(document->project()).dump();
    std::printf("ready %s\n", state.c_str());
    std::fflush(stdout);
    if (mode == QLatin1String("quit")) {
        QTimer::singleShot(0, &window, [&window] {
            if (!window.document()->filePath().isEmpty())
                window.save();
            window.close();
        });
        return true;
    }
    if (mode == QLatin1String("train") && window.dashboard())
        window.dashboard()->startTraining();
    auto *timer = new QTimer(&window);
    QObject::connect(timer, &QTimer::timeout, &window, [&window, document, mode] {
        const QString description =
            nextDescription(QString::fromStdString(document->project().description));
        document->setProjectInfo(document->projectName(), description);
        if (mode == QLatin1String("save") && !document->filePath().isEmpty())
            window.save();
    });
    timer->start(20);
    return true;
}
