// MainWindow's autosave and crash recovery: offering the work that studios which ended
// without closing left behind, recovering it as an unsaved document, and leaving no stale
// recovery file once work is recovered, discarded or saved.

#include "ui/document.h"
#include "ui/main_window.h"
#include "ui/recovery/autosave.h"
#include "ui/recovery/recovery_dialog.h"

#include <strata/recovery_file.h>

#include <QDir>
#include <QFileInfo>
#include <QStatusBar>

namespace strata::ui {

RecoveryDialog *MainWindow::recoveryDialog() const
{
    return recoveryDialog_;
}

int MainWindow::offerRecovery(RecoveryChoice choice)
{
    if (!autosave_->error().isEmpty())
        showError(tr("Autosave is off"), autosave_->error());
    if (recoveryDialog_) // already offered; the dialog is still open
        return int(pendingRecovery_.size());
    RecoveryStore::Found found = RecoveryStore(RecoveryStore::defaultRoot()).claimAbandoned();
    const int count = int(found.pending.size());
    if (found.pending.empty() && found.setAside.empty())
        return 0;
    if (choice != RecoveryChoice::Ask) {
        if (!found.setAside.empty()) {
            QStringList notes;
            for (const SetAsideRecovery &bad : found.setAside)
                notes << (bad.movedTo.isEmpty()
                              ? tr("%1 (it could not be moved aside; remove it yourself once "
                                   "you no longer need it)")
                                    .arg(bad.reason)
                              : tr("%1 (moved to %2)")
                                    .arg(bad.reason, QDir::toNativeSeparators(bad.movedTo)));
            showError(tr("Cannot read autosaved work"),
                      tr("Some autosaved work cannot be read and was set aside:\n\n%1")
                          .arg(notes.join(QStringLiteral("\n\n"))));
        }
        if (choice == RecoveryChoice::Recover && !found.pending.empty())
            recover(std::move(found.pending.front()));
        // The rest stays for the next start (their claims end with `found`).
        return count;
    }
    pendingRecovery_ = std::move(found.pending);
    auto *dialog = new RecoveryDialog(pendingRecovery_, found.setAside, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    recoveryDialog_ = dialog;
    connect(dialog, &RecoveryDialog::recoverRequested, this, [this](int row) {
        if (row < 0 || row >= int(pendingRecovery_.size()))
            return;
        PendingRecovery chosen = std::move(pendingRecovery_[size_t(row)]);
        pendingRecovery_.erase(pendingRecovery_.begin() + row);
        recover(std::move(chosen));
        if (!pendingRecovery_.empty())
            statusBar()->showMessage(
                tr("%n more piece(s) of unsaved work will be offered at the next start", nullptr,
                   int(pendingRecovery_.size())),
                10000);
    });
    connect(dialog, &RecoveryDialog::discardRequested, this, [this, dialog](int row) {
        if (row < 0 || row >= int(pendingRecovery_.size()))
            return;
        QString why;
        if (!RecoveryStore::remove(pendingRecovery_[size_t(row)], &why)) {
            showError(tr("Cannot discard autosaved work"), why);
            return;
        }
        pendingRecovery_.erase(pendingRecovery_.begin() + row);
        dialog->removeRow(row);
        statusBar()->showMessage(tr("Discarded the autosaved work"), 6000);
    });
    // However the dialog ends, what was neither recovered nor discarded waits for the next
    // start.
    connect(dialog, &QDialog::finished, this, [this] {
        for (PendingRecovery &p : pendingRecovery_)
            RecoveryStore::release(p);
        pendingRecovery_.clear();
    });
    dialog->open();
    return count;
}

bool MainWindow::recover(PendingRecovery pending)
{
    if (!canReplaceProject()) { // training, or unsaved changes the user keeps
        RecoveryStore::release(pending);
        return false;
    }
    const RecoveryFile &r = pending.recovery;
    const QString projectPath = QString::fromStdString(r.projectPath);
    const QString filePath = r.origin == RecoveryFile::Origin::File ? projectPath : QString();
    forgetRecoveredSource(); // an earlier recovery, if any, is this document's to replace
    document_->recover(r.project, filePath);
    if (r.origin == RecoveryFile::Origin::Example)
        autosave_->setExampleSource(projectPath);
    if (!filePath.isEmpty())
        removeAbandonedSaves(filePath.toStdString()); // what the killed save left beside it
    recoveredAt_ = QString::fromStdString(r.autosavedAt);
    recoveredSource_ = std::move(pending);
    // Autosaved again under this studio's own name before the old file goes, so a crash now
    // loses nothing.
    if (autosave_->writeNow())
        forgetRecoveredSource();
    updateTitle();
    statusBar()->showMessage(
        filePath.isEmpty() ? tr("Recovered unsaved work of “%1”; Save asks where to keep it")
                                 .arg(document_->projectName())
                           : tr("Recovered unsaved work of “%1”; Save writes it to %2")
                                 .arg(document_->projectName(), QDir::toNativeSeparators(filePath)),
        10000);
    return true;
}

void MainWindow::forgetRecoveredSource()
{
    if (!recoveredSource_)
        return;
    QString why;
    if (!RecoveryStore::remove(*recoveredSource_, &why))
        statusBar()->showMessage(tr("The old recovery file stays: %1").arg(why), 10000);
    recoveredSource_.reset();
}

} // namespace strata::ui
