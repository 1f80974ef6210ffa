// The main window's Runs dock: the open project's kept runs, wired to the training session
// (which keeps each run in the same store), the dashboard's plots (compared runs) and the
// files (open a run's model, export a run's weights).

#include "ui/main_window.h"

#include "strata/run_store.h"
#include "ui/document.h"
#include "ui/examples_dialog.h"
#include "ui/export_dialog.h"
#include "ui/runs/runs_panel.h"
#include "ui/session/training_session.h"
#include "ui/training/training_dashboard.h"
#include "widgets/metric_plot.h"

#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QMenu>
#include <QStatusBar>

namespace strata::ui {

void MainWindow::createRunsDock()
{
    runsPanel_ = new RunsPanel(session_, this);
    runsDock_ = addDock(tr("Runs"), QStringLiteral("runsDock"), runsPanel_, Qt::RightDockWidgetArea);
    tabifyDockWidget(inspectorDock_, runsDock_);
    inspectorDock_->raise();
    if (viewMenu_)
        viewMenu_->addAction(runsDock_->toggleViewAction());
    connect(runsPanel_, &RunsPanel::comparedRunsChanged, this,
            [this](const std::vector<widgets::RunCurve> &loss,
                   const std::vector<widgets::RunCurve> &accuracy) {
                if (TrainingDashboard *d = dashboard()) {
                    d->lossPlot()->setComparedRuns(loss);
                    d->accuracyPlot()->setComparedRuns(accuracy);
                }
            });
    connect(runsPanel_, &RunsPanel::statusMessage, this,
            [this](const QString &text) { statusBar()->showMessage(text, 8000); });
    connect(runsPanel_, &RunsPanel::openModelRequested, this,
            [this](strata::Project project, const QString &baseDir, const QString &runName) {
                if (!canReplaceProject())
                    return;
                // Untitled, so its data paths must not depend on a folder.
                project.dataset = withResolvedPaths(project.dataset, baseDir.toStdString());
                project.name += " (" + runName.toStdString() + ")";
                document_->reset(std::move(project));
                showLesson({});
                statusBar()->showMessage(
                    tr("Opened the model %1 trained, as a new project; Save asks where to keep it")
                        .arg(runName),
                    8000);
            });
    connect(runsPanel_, &RunsPanel::exportRequested, this,
            [this](const strata::Project &project, const QString &weights) {
                showExportOf(project, weights);
            });
    connect(document_, &Document::filePathChanged, this, &MainWindow::updateRunStore);
    connect(document_, &Document::projectReset, this, &MainWindow::updateRunStore);
    connect(document_, &Document::settingsChanged, this, &MainWindow::updateRunStore);
    // The model the runs are compared with: the open one, as it is edited.
    const auto current = [this] { runsPanel_->setCurrentProject(document_->project()); };
    connect(document_, &Document::analysisChanged, runsPanel_, current);
    connect(document_, &Document::projectReset, runsPanel_, current);
    current();
    updateRunStore();
}

void MainWindow::updateRunStore()
{
    QString path = document_->filePath();
    // An example's copy, a project never saved, or a bundled example opened as a file keeps
    // its runs under the user's data folder: the examples' folder is not the user's.
    const QString folder = QFileInfo(path).absolutePath();
    if (!path.isEmpty() &&
        (QDir(folder) == QDir(examplesDir()) ||
         QDir(folder) == QDir(examplesDir() + QLatin1Char('/') + QLatin1String(kLessonsFolder))))
        path.clear();
    const QString store = QString::fromStdString(
        runStoreFor(path.toStdString(), document_->project().name));
    if (session_)
        session_->setRunStore(store); // applies from the next run
    if (runsPanel_)
        runsPanel_->setStore(store);
}

QString MainWindow::lastRunWeights() const
{
    if (!session_ || session_->runFolder().isEmpty() || session_->isTraining())
        return {};
    const QString path = session_->runFolder() + QStringLiteral("/final.safetensors");
    return QFileInfo::exists(path) ? path : QString();
}

} // namespace strata::ui
