#include "ui/recovery/recovery_store.h"

#include <strata/folder_lock.h>

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QObject>
#include <QStandardPaths>

#include <algorithm>

namespace strata::ui {

RecoveryStore::RecoveryStore(QString root) : root_(std::move(root))
{
}

QString RecoveryStore::defaultRoot()
{
    const QString fromEnvironment = qEnvironmentVariable("STRATA_RECOVERY_DIR");
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/recovery");
}

QString RecoveryStore::setAsideFolder() const
{
    return root_ + QStringLiteral("/set-aside");
}

namespace {

// Moves an unreadable recovery file to the set-aside folder under a name that says where it
// came from and when; returns its new path, or "" if it could not be moved.
QString setAside(const QString &file, const QString &folderName, const QString &target)
{
    if (!QDir().mkpath(target))
        return {};
    const QString stamp =
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString moved = target + QLatin1Char('/') + folderName + QLatin1Char('-') + stamp +
                    QStringLiteral(".strata-recovery");
    for (int n = 2; QFileInfo::exists(moved); ++n)
        moved = target + QLatin1Char('/') + folderName + QLatin1Char('-') + stamp +
                QLatin1Char('-') + QString::number(n) + QStringLiteral(".strata-recovery");
    return QFile::rename(file, moved) ? moved : QString();
}

} // namespace

RecoveryStore::Found RecoveryStore::claimAbandoned() const
{
    Found found;
    const QDir root(root_);
    const QStringList folders = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString &name : folders) {
        if (name == QFileInfo(setAsideFolder()).fileName())
            continue;
        const QString folder = root.filePath(name);
        std::shared_ptr<FolderLock> claim;
        try {
            claim = std::make_shared<FolderLock>(folder.toStdString());
        } catch (const Error &) {
            continue; // a studio that is running holds it (or it vanished meanwhile)
        }
        const QString file = folder + QLatin1Char('/') + QLatin1String(kFileName);
        if (!QFileInfo::exists(file)) {
            // Nothing was autosaved before that studio ended: nothing to offer.
            QDir(folder).removeRecursively(); // under the lock: nobody takes it meanwhile
            continue;
        }
        try {
            PendingRecovery pending{folder, file, readRecoveryFile(file.toStdString()), claim};
            found.pending.push_back(std::move(pending));
        } catch (const Error &e) {
            SetAsideRecovery bad{file, setAside(file, name, setAsideFolder()),
                                 QString::fromUtf8(e.what())};
            if (!bad.movedTo.isEmpty())
                QDir(folder).removeRecursively();
            found.setAside.push_back(std::move(bad));
        }
    }
    std::stable_sort(found.pending.begin(), found.pending.end(),
                     [](const PendingRecovery &a, const PendingRecovery &b) {
                         return a.recovery.autosavedAt > b.recovery.autosavedAt;
                     });
    return found;
}

bool RecoveryStore::remove(PendingRecovery &pending, QString *why)
{
    if (pending.folder.isEmpty())
        return true;
    // The recovery file goes first: a folder without one is never offered again.
    if (QFileInfo::exists(pending.file) && !QFile::remove(pending.file)) {
        if (why)
            *why = QObject::tr("cannot remove %1; check the folder's permissions")
                       .arg(QDir::toNativeSeparators(pending.file));
        return false;
    }
    QDir(pending.folder).removeRecursively(); // still under the claim
    pending.claim.reset();
    pending.folder.clear();
    return true;
}

void RecoveryStore::release(PendingRecovery &pending)
{
    pending.claim.reset();
}

} // namespace strata::ui
