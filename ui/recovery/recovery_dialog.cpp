#include "ui/recovery/recovery_dialog.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

namespace strata::ui {

namespace {

QString whenAutosaved(const std::string &iso)
{
    const QDateTime at = QDateTime::fromString(QString::fromStdString(iso), Qt::ISODate);
    if (!at.isValid())
        return QObject::tr("autosaved at an unknown time");
    const QDateTime local = at.toLocalTime();
    const QString time = local.time().toString(QStringLiteral("HH:mm:ss"));
    if (local.date() == QDate::currentDate())
        return QObject::tr("autosaved today at %1").arg(time);
    if (local.date() == QDate::currentDate().addDays(-1))
        return QObject::tr("autosaved yesterday at %1").arg(time);
    return QObject::tr("autosaved on %1 at %2").arg(local.date().toString(Qt::ISODate), time);
}

} // namespace

QString RecoveryDialog::describe(const RecoveryFile &recovery)
{
    const QString name = QString::fromStdString(recovery.project.name);
    const QString path = QDir::toNativeSeparators(QString::fromStdString(recovery.projectPath));
    QString where;
    switch (recovery.origin) {
    case RecoveryFile::Origin::File:
        where = tr("changes to %1").arg(path);
        break;
    case RecoveryFile::Origin::Example:
        where = tr("an unsaved copy of the example %1").arg(QFileInfo(path).fileName());
        break;
    case RecoveryFile::Origin::Untitled:
        where = tr("a project that was never saved");
        break;
    }
    return tr("%1 — %2\n%3").arg(name, where, whenAutosaved(recovery.autosavedAt));
}

RecoveryDialog::RecoveryDialog(const std::vector<PendingRecovery> &pending,
                               const std::vector<SetAsideRecovery> &setAside, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("recoveryDialog"));
    setWindowTitle(tr("Recover Unsaved Work"));
    auto *layout = new QVBoxLayout(this);

    // The title again, in the dialog: not every window manager shows a dialog's title bar.
    auto *heading = new QLabel(tr("Recover unsaved work"), this);
    QFont bold = heading->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    heading->setFont(bold);
    layout->addWidget(heading);

    auto *intro = new QLabel(this);
    intro->setWordWrap(true);
    intro->setText(
        pending.empty()
            ? tr("Strata ended without closing properly last time, but none of its autosaved "
                 "work could be read.")
            : tr("Strata ended without closing properly last time (it crashed or was stopped). "
                 "This unsaved work was autosaved. <b>Recover</b> opens it as an unsaved "
                 "project; save it to keep it. <b>Decide Later</b> keeps it for the next "
                 "start."));
    layout->addWidget(intro);

    list_ = new QListWidget(this);
    list_->setObjectName(QStringLiteral("recoveryList"));
    list_->setAlternatingRowColors(true);
    for (const PendingRecovery &p : pending) {
        auto *item = new QListWidgetItem(describe(p.recovery), list_);
        item->setToolTip(tr("Recovery file: %1").arg(QDir::toNativeSeparators(p.file)));
    }
    list_->setCurrentRow(0);
    list_->setVisible(!pending.empty());
    // As tall as its entries, up to five; more scroll.
    if (!pending.empty()) {
        const int rows = std::min(int(pending.size()), 5);
        list_->setFixedHeight(list_->sizeHintForRow(0) * rows + 2 * list_->frameWidth() + 4);
    }
    layout->addWidget(list_);

    setAsideNote_ = new QLabel(this);
    setAsideNote_->setObjectName(QStringLiteral("setAsideNote"));
    setAsideNote_->setWordWrap(true);
    setAsideNote_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QStringList notes;
    for (const SetAsideRecovery &bad : setAside)
        notes << (bad.movedTo.isEmpty()
                      ? tr("Cannot read %1: %2. It could not be moved aside either; remove it "
                           "yourself once you no longer need it.")
                            .arg(QDir::toNativeSeparators(bad.file), bad.reason)
                      : tr("Cannot read a recovery file: %1. It was moved to %2; open it in a "
                           "text editor to copy what you need, or delete it.")
                            .arg(bad.reason, QDir::toNativeSeparators(bad.movedTo)));
    setAsideNote_->setText(notes.join(QStringLiteral("\n\n")));
    setAsideNote_->setStyleSheet(QStringLiteral("color: #8a5300;"));
    setAsideNote_->setVisible(!notes.isEmpty());
    layout->addWidget(setAsideNote_);

    auto *buttons = new QDialogButtonBox(this);
    recoverButton_ = buttons->addButton(tr("Recover"), QDialogButtonBox::AcceptRole);
    recoverButton_->setObjectName(QStringLiteral("recoverButton"));
    discardButton_ = buttons->addButton(tr("Discard…"), QDialogButtonBox::DestructiveRole);
    discardButton_->setObjectName(QStringLiteral("discardButton"));
    laterButton_ = buttons->addButton(pending.empty() ? tr("Close") : tr("Decide Later"),
                                      QDialogButtonBox::RejectRole);
    laterButton_->setObjectName(QStringLiteral("laterButton"));
    recoverButton_->setDefault(true);
    recoverButton_->setVisible(!pending.empty());
    discardButton_->setVisible(!pending.empty());
    layout->addWidget(buttons);

    connect(recoverButton_, &QPushButton::clicked, this, [this] {
        const int row = currentRow();
        if (row < 0)
            return;
        emit recoverRequested(row); // before accept(): finished() releases what is left
        accept();
    });
    connect(discardButton_, &QPushButton::clicked, this, &RecoveryDialog::confirmDiscard);
    connect(laterButton_, &QPushButton::clicked, this, &QDialog::reject);
    connect(list_, &QListWidget::itemDoubleClicked, recoverButton_, &QPushButton::click);
    setMinimumWidth(640);
    adjustSize();
}

int RecoveryDialog::count() const
{
    return list_->count();
}

int RecoveryDialog::currentRow() const
{
    return list_->currentRow();
}

void RecoveryDialog::setCurrentRow(int row)
{
    list_->setCurrentRow(row);
}

void RecoveryDialog::removeRow(int row)
{
    delete list_->takeItem(row);
    if (list_->count() == 0)
        accept();
}

void RecoveryDialog::confirmDiscard()
{
    const int row = currentRow();
    if (row < 0)
        return;
    auto *box = new QMessageBox(
        QMessageBox::Warning, tr("Discard Unsaved Work"),
        tr("Discard this unsaved work for good?\n\n%1").arg(list_->item(row)->text()),
        QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("confirmDiscardBox"));
    QPushButton *discard = box->addButton(tr("Discard"), QMessageBox::DestructiveRole);
    discard->setObjectName(QStringLiteral("confirmDiscardButton"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, row, discard](QAbstractButton *b) {
        if (b == discard)
            emit discardRequested(row);
    });
    box->open();
}

} // namespace strata::ui
