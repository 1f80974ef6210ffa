#pragma once
// The dialog a start shows when an earlier studio ended without saving (it crashed or was
// killed): each piece of unsaved work with its project (file, untitled, or copy of an
// example) and when it was autosaved; Recover, Discard (confirmed) or Decide Later. Closing
// it any other way is Decide Later: the work stays for the next start. Recovery files that
// could not be read are listed with why and where they were moved. The dialog only shows
// and asks; the main window acts.

#include "ui/recovery/recovery_store.h"

#include <QDialog>

class QLabel;
class QListWidget;
class QPushButton;

namespace strata::ui {

class RecoveryDialog : public QDialog
{
    Q_OBJECT

public:
    RecoveryDialog(const std::vector<PendingRecovery> &pending,
                   const std::vector<SetAsideRecovery> &setAside, QWidget *parent = nullptr);

    // The entry's text as listed ("Two spirals — spirals.strata\nautosaved ...").
    static QString describe(const RecoveryFile &recovery);
    int count() const;
    int currentRow() const;
    void setCurrentRow(int row);
    // Takes an entry off the list (it was discarded); closes the dialog when none is left.
    void removeRow(int row);

signals:
    void recoverRequested(int row);
    // Emitted once the user confirmed the discard.
    void discardRequested(int row);

private:
    void confirmDiscard();

    QListWidget *list_;
    QLabel *setAsideNote_;
    QPushButton *recoverButton_;
    QPushButton *discardButton_;
    QPushButton *laterButton_;
};

} // namespace strata::ui
