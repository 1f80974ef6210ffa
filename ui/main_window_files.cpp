// MainWindow's file handling: open, save, recent files, the examples gallery and export.
// Errors are shown in a window-modal box and in the status bar; nothing is lost on failure.

#include "ui/document.h"
#include "ui/examples_dialog.h"
#include "ui/export_dialog.h"
#include "ui/main_window.h"
#include "ui/recovery/autosave.h"
#include "ui/session/training_session.h"
#include "ui/studio_settings.h"

#include <strata/dataset.h>
#include <strata/recovery_file.h>

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

namespace strata::ui {

namespace {

constexpr int kMaxRecentFiles = 8;

} // namespace

void MainWindow::showError(const QString &title, const QString &text)
{
    // Window-modal and non-blocking: the studio (and a test driving it) keeps running.
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("errorBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    statusBar()->showMessage(text, 10000);
}

bool MainWindow::refuseWhileTraining()
{
    if (!session_ || !session_->isTraining())
        return false;
    statusBar()->showMessage(
        tr("“%1” is training: stop it before opening another project").arg(session_->projectName()),
        8000);
    return true;
}

bool MainWindow::canReplaceProject()
{
    return !refuseWhileTraining() && maybeSave();
}

bool MainWindow::openFile(const QString &path)
{
    if (refuseWhileTraining())
        return false;
    try {
        document_->load(path);
    } catch (const std::exception &e) {
        showError(tr("Cannot open project"), QString::fromUtf8(e.what()));
        return false;
    }
    // What a save killed mid-write left beside it (never the file, never a live writer's).
    removeAbandonedSaves(toStd(path));
    addRecentFile(QFileInfo(path).absoluteFilePath());
    showLesson({});
    statusBar()->showMessage(tr("Opened %1").arg(QFileInfo(path).fileName()), 4000);
    return true;
}

bool MainWindow::openExample(const QString &path)
{
    if (refuseWhileTraining())
        return false;
    Project project;
    try {
        project = loadProject(toStd(path));
    } catch (const std::exception &e) {
        showError(tr("Cannot open example"), QString::fromUtf8(e.what()));
        return false;
    }
    document_->reset(std::move(project)); // untitled: Save asks where
    showLesson(lessonGuidePath(path));
    autosave_->setExampleSource(QFileInfo(path).absoluteFilePath());
    statusBar()->showMessage(tr("Opened a copy of the example %1; Save asks where to keep it")
                                 .arg(QFileInfo(path).fileName()),
                             6000);
    return true;
}

bool MainWindow::saveTo(const QString &path)
{
    // An untitled project (an example's copy) reads its relative dataset paths from the
    // examples' folder: saved in another folder, they are resolved first (one undoable
    // step), so that the copy still finds the example's data.
    const QString examples = examplesDir();
    if (document_->filePath().isEmpty() && QDir(QFileInfo(path).absolutePath()) != QDir(examples)) {
        const DatasetSpec &spec = document_->project().dataset;
        const DatasetSpec resolved = withResolvedPaths(spec, toStd(examples));
        if (toJson(resolved) != toJson(spec))
            document_->setDatasetSpec(resolved);
    }
    try {
        document_->save(path);
    } catch (const std::exception &e) {
        showError(tr("Cannot save project"), QString::fromUtf8(e.what()));
        return false;
    }
    addRecentFile(QFileInfo(path).absoluteFilePath());
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 4000);
    return true;
}

bool MainWindow::save()
{
    if (document_->filePath().isEmpty())
        return saveAs();
    return saveTo(document_->filePath());
}

bool MainWindow::saveAs()
{
    QString start = document_->filePath();
    if (start.isEmpty())
        start = QDir::homePath() + QLatin1Char('/') + document_->projectName() +
                QStringLiteral(".strata");
    QString path = QFileDialog::getSaveFileName(this, tr("Save Project As"), start,
                                                tr("Strata projects (*.strata)"));
    if (path.isEmpty())
        return false;
    if (!path.endsWith(QStringLiteral(".strata")))
        path += QStringLiteral(".strata");
    // A project still called by the default name takes the file's.
    if (document_->project().name == Project{}.name)
        document_->setProjectInfo(QFileInfo(path).completeBaseName(),
                                  toQString(document_->project().description));
    return saveTo(path);
}

void MainWindow::open()
{
    if (!canReplaceProject())
        return;
    const QString start = document_->filePath().isEmpty()
                              ? examplesDir()
                              : QFileInfo(document_->filePath()).absolutePath();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Project"), start,
                                                      tr("Strata projects (*.strata)"));
    if (!path.isEmpty())
        openFile(path);
}

void MainWindow::newProject()
{
    if (!canReplaceProject())
        return;
    document_->reset(strata::newProject());
    showLesson({});
}

void MainWindow::showExport()
{
    showExportOf(document_->project(), lastRunWeights());
}

void MainWindow::showExportOf(const strata::Project &project, const QString &weights)
{
    // Next to the project, unless it is one of the examples (they are not the user's).
    QString start = QFileInfo(document_->filePath()).absolutePath();
    if (document_->filePath().isEmpty() || QDir(start) == QDir(examplesDir()))
        start = QDir::homePath();
    auto *dialog = new ExportDialog(project, weights, start, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ExportDialog::exportFinished, this, [this](bool ok) {
        statusBar()->showMessage(ok ? tr("Export written") : tr("Export failed"), 6000);
    });
    dialog->open();
}

void MainWindow::showExamples()
{
    if (!canReplaceProject())
        return;
    ExamplesDialog dialog(examplesDir(), this);
    if (dialog.exec() == QDialog::Accepted && !dialog.selectedPath().isEmpty())
        openExample(dialog.selectedPath());
}

bool MainWindow::maybeSave()
{
    if (!document_->isModified())
        return true;
    const auto answer = QMessageBox::warning(
        this, tr("Unsaved changes"),
        tr("'%1' has unsaved changes. Save them first?").arg(document_->projectName()),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

QStringList MainWindow::recentFiles() const
{
    return studioSettings().value(QStringLiteral("recentFiles")).toStringList();
}

void MainWindow::addRecentFile(const QString &path)
{
    QStringList files = recentFiles();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecentFiles)
        files.removeLast();
    studioSettings().setValue(QStringLiteral("recentFiles"), files);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    if (!recentMenu_)
        return;
    // Not clear(): an entry may be rebuilding the menu from its own triggered() (opening a
    // recent file moves it to the top), and must outlive that call.
    for (QAction *action : recentMenu_->actions()) {
        recentMenu_->removeAction(action);
        action->deleteLater();
    }
    QStringList files = recentFiles();
    // Files moved or deleted since are left out of the menu.
    files.removeIf([](const QString &path) { return !QFileInfo::exists(path); });
    for (const QString &path : files) {
        QAction *action = recentMenu_->addAction(QFileInfo(path).fileName());
        action->setToolTip(path);
        action->setStatusTip(path);
        connect(action, &QAction::triggered, this, [this, path] {
            if (canReplaceProject())
                openFile(path);
        });
    }
    recentMenu_->setEnabled(!files.isEmpty());
}

} // namespace strata::ui
