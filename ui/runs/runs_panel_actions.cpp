// The Runs panel's actions on the selected runs: the diff of two, the labels, delete, resume,
// open and export.

#include "ui/runs/runs_panel.h"

#include "strata/errors.h"
#include "ui/session/training_session.h"

#include <QFileInfo>
#include <QMessageBox>
#include <QTableWidget>
#include <QTextBrowser>

namespace strata::ui {

void RunsPanel::updateDiff()
{
    diffLines_.clear();
    const QModelIndexList rows = table_->selectionModel()->selectedRows();
    if (rows.size() != 2) {
        diff_->clear();
        return;
    }
    int a = rows[0].row(), b = rows[1].row();
    if (a > b)
        std::swap(a, b);
    const RunInfo &first = runs_[static_cast<size_t>(a)];
    const RunInfo &second = runs_[static_cast<size_t>(b)];
    const QString names = tr("From %1 to %2")
                              .arg(QString::fromStdString(first.name),
                                   QString::fromStdString(second.name));
    try {
        const RunStore store(store_.toStdString());
        for (const std::string &line : diffProjects(store.project(first), store.project(second)))
            diffLines_ << QString::fromStdString(line);
    } catch (const std::exception &e) {
        diff_->setPlainText(names + QStringLiteral(": ") + QString::fromStdString(e.what()));
        return;
    }
    QString html = QStringLiteral("<b>%1</b>").arg(names.toHtmlEscaped());
    if (diffLines_.isEmpty())
        html += tr(": the same model, data and settings (only the run's randomness or length "
                   "can differ).");
    else {
        html += QStringLiteral("<ul style='margin-left:-20px'>");
        for (const QString &line : diffLines_)
            html += QStringLiteral("<li>%1</li>").arg(line.toHtmlEscaped());
        html += QStringLiteral("</ul>");
    }
    diff_->setHtml(html);
}

void RunsPanel::showError(const QString &what, const std::exception &e)
{
    QMessageBox::warning(this, what, QString::fromStdString(e.what()));
}

bool RunsPanel::labelSelected(const QString &failure,
                              const std::function<void(RunStore &, const std::string &)> &edit)
{
    const RunInfo *run = selectedRun();
    if (!run)
        return false;
    try {
        RunStore store(store_.toStdString());
        edit(store, run->id);
    } catch (const std::exception &e) {
        showError(failure, e);
        return false;
    }
    refresh();
    return true;
}

bool RunsPanel::renameSelected(const QString &name)
{
    return labelSelected(tr("Cannot rename the run"), [&](RunStore &store, const std::string &id) {
        store.rename(id, name.trimmed().toStdString());
    });
}

bool RunsPanel::setTagsOfSelected(const QStringList &tags)
{
    std::vector<std::string> list;
    for (const QString &t : tags)
        list.push_back(t.toStdString());
    return labelSelected(tr("Cannot tag the run"),
                         [&](RunStore &store, const std::string &id) { store.setTags(id, list); });
}

bool RunsPanel::setNoteOfSelected(const QString &note)
{
    return labelSelected(tr("Cannot save the note"), [&](RunStore &store, const std::string &id) {
        store.setNote(id, note.toStdString());
    });
}

bool RunsPanel::deleteSelected(bool confirm)
{
    const RunInfo *run = selectedRun();
    if (!run)
        return false;
    const QString name = QString::fromStdString(run->name);
    if (confirm &&
        QMessageBox::question(this, tr("Delete run"),
                              tr("Delete %1 and everything it wrote (weights, checkpoints, "
                                 "metrics)? This cannot be undone.")
                                  .arg(name),
                              QMessageBox::Yes | QMessageBox::Cancel,
                              QMessageBox::Cancel) != QMessageBox::Yes)
        return false;
    try {
        RunStore(store_.toStdString()).remove(run->id);
    } catch (const std::exception &e) {
        showError(tr("Cannot delete the run"), e);
        return false;
    }
    emit statusMessage(tr("Deleted %1").arg(name));
    refresh();
    return true;
}

bool RunsPanel::resumeSelected()
{
    const RunInfo *run = selectedRun();
    if (!run || !session_ || session_->isTraining())
        return false;
    if (session_->runStore() != store_)
        session_->setRunStore(store_);
    const QString name = QString::fromStdString(run->name);
    if (!session_->resumeRun(QString::fromStdString(run->id)))
        return false; // the session said why (error())
    emit statusMessage(tr("Resuming %1 from its last checkpoint").arg(name));
    return true;
}

void RunsPanel::openSelectedModel()
{
    const RunInfo *run = selectedRun();
    if (!run)
        return;
    try {
        const RunStore store(store_.toStdString());
        emit openModelRequested(store.project(*run), QString::fromStdString(store.baseDir(*run)),
                                QString::fromStdString(run->name));
    } catch (const std::exception &e) {
        showError(tr("Cannot open the run's model"), e);
    }
}

void RunsPanel::exportSelected()
{
    const RunInfo *run = selectedRun();
    if (!run)
        return;
    try {
        const RunStore store(store_.toStdString());
        emit exportRequested(store.project(*run),
                             QString::fromStdString(run->folder) +
                                 QStringLiteral("/final.safetensors"));
    } catch (const std::exception &e) {
        showError(tr("Cannot export the run"), e);
    }
}

} // namespace strata::ui
