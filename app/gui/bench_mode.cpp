#include "bench_mode.h"

#include "strata/project.h"
#include "ui/document.h"
#include "ui/main_window.h"
#include "ui/session/training_session.h"

#include <QApplication>
#include <QDockWidget>
#include <QTimer>

#include <cstdio>
#include <memory>
#include <vector>

void startStudioBenchmark(strata::ui::MainWindow &window, QApplication &app, int epochs)
{
    using strata::ui::TrainingSession;
    QTimer::singleShot(400, &window, [&window, &app, epochs] {
        TrainingSession *session = window.session();
        window.trainingDock()->show();
        window.trainingDock()->raise();
        strata::Project project = window.document()->project();
        project.training.epochs = epochs;
        const QString path = window.document()->filePath();
        const QString base =
            path.isEmpty() ? strata::ui::MainWindow::examplesDir()
                           : QString::fromStdString(strata::projectBaseDir(path.toStdString()));
        auto rates = std::make_shared<std::vector<double>>();
        QObject::connect(session, &TrainingSession::epochFinished, &window,
                         [rates, epochs](const strata::EpochMetrics &m) {
                             rates->push_back(m.samplesPerSecond);
                             std::printf("epoch %d/%d: %.3f s, %.0f samples/s\n", m.epoch + 1,
                                         epochs, m.seconds, m.samplesPerSecond);
                             std::fflush(stdout);
                         });
        QObject::connect(session, &TrainingSession::finished, &window,
                         [rates, &app](const strata::FinishedEvent &result) {
                             // The first epoch holds the kernels' warm-up: the mean is over
                             // the others when there are others.
                             const size_t first = rates->size() > 1 ? 1 : 0;
                             double sum = 0;
                             for (size_t i = first; i < rates->size(); ++i)
                                 sum += (*rates)[i];
                             const size_t n = rates->size() - first;
                             if (n > 0)
                                 std::printf("studio: %.0f samples/s (mean of epochs %zu-%zu)\n",
                                             sum / double(n), first + 1, rates->size());
                             const bool completed =
                                 result.reason == strata::FinishedEvent::Reason::Completed;
                             if (!completed)
                                 std::fprintf(stderr, "strata: %s\n", result.message.c_str());
                             app.exit(completed ? 0 : 1);
                         });
        if (!session->start(project, base)) {
            std::fprintf(stderr, "strata: the benchmark could not start training\n");
            app.exit(1);
        }
    });
}
