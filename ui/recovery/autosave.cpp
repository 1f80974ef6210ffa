#include "ui/recovery/autosave.h"

#include "ui/document.h"
#include "ui/recovery/recovery_store.h"

#include <strata/folder_lock.h>
#include <strata/recovery_file.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <algorithm>

namespace strata::ui {

Autosave::Autosave(Document *document, const QString &root, QObject *parent)
    : QObject(parent), document_(document)
{
    // "<pid>-<random>": unique among the studios running now and those that ran before.
    QString lastError;
    for (int attempt = 0; attempt < 5 && !lock_; ++attempt) {
        const QString name =
            QStringLiteral("%1-%2")
                .arg(QCoreApplication::applicationPid())
                .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
        const QString folder = root + QLatin1Char('/') + name;
        try {
            lock_ = std::make_unique<FolderLock>(folder.toStdString());
            folder_ = folder;
        } catch (const Error &e) {
            lastError = QString::fromUtf8(e.what());
        }
    }
    if (!lock_)
        error_ = tr("Autosave is off: %1. Unsaved changes are not protected against a crash; "
                    "save often, or make the folder writable and restart Strata.")
                     .arg(lastError);

    timer_.setInterval(kDefaultIntervalMs);
    connect(&timer_, &QTimer::timeout, this, [this] { writeNow(); });
    if (lock_)
        timer_.start();
    connect(document_, &Document::modifiedChanged, this, [this](bool modified) {
        if (!modified)
            removeFile(); // saved, reopened or replaced: nothing left to recover
    });
    connect(document_, &Document::projectReset, this, [this] { exampleSource_.clear(); });
    connect(document_, &Document::filePathChanged, this, [this](const QString &path) {
        if (!path.isEmpty())
            exampleSource_.clear();
    });
}

Autosave::~Autosave()
{
    if (!lock_)
        return;
    if (!QFileInfo::exists(filePath()))
        QDir(folder_).removeRecursively(); // under the lock: nobody takes it meanwhile
    lock_.reset();
}

void Autosave::setInterval(int ms)
{
    timer_.setInterval(std::max(1, ms));
}

QString Autosave::filePath() const
{
    return folder_.isEmpty() ? QString()
                             : folder_ + QLatin1Char('/') + QLatin1String(RecoveryStore::kFileName);
}

bool Autosave::writeNow()
{
    if (!isActive())
        return false;
    if (!document_->isModified())
        return true;
    RecoveryFile recovery;
    recovery.project = document_->project();
    std::string state;
    try {
        state = toJson(recovery.project).dump();
    } catch (const std::exception &) {
        state.clear(); // text that is not UTF-8: writeRecoveryFile says so below
    }
    if (!state.empty() && state == lastWritten_ && QFileInfo::exists(filePath()))
        return true;
    if (!document_->filePath().isEmpty()) {
        recovery.origin = RecoveryFile::Origin::File;
        recovery.projectPath = QFileInfo(document_->filePath()).absoluteFilePath().toStdString();
    } else if (!exampleSource_.isEmpty()) {
        recovery.origin = RecoveryFile::Origin::Example;
        recovery.projectPath = exampleSource_.toStdString();
    }
    const QString at = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    recovery.autosavedAt = at.toStdString();
    try {
        writeRecoveryFile(filePath().toStdString(), recovery);
    } catch (const std::exception &e) {
        emit failed(tr("Autosave failed: %1. Your changes are only in memory until you save "
                       "them (File > Save).")
                        .arg(QString::fromUtf8(e.what())));
        return false;
    }
    lastWritten_ = state;
    lastAt_ = at;
    emit autosaved(filePath());
    return true;
}

void Autosave::finish()
{
    finished_ = true;
    timer_.stop();
    removeFile();
}

void Autosave::removeFile()
{
    lastWritten_.clear();
    lastAt_.clear();
    if (!folder_.isEmpty())
        QFile::remove(filePath());
}

} // namespace strata::ui
