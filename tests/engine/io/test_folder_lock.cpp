// FolderLock: one training run per output folder. The lock is taken per open file, so two
// locks in one process behave as two processes would.

#include "strata/errors.h"
#include "strata/folder_lock.h"

#include <QtTest>

#include <unistd.h>

using namespace strata;

class TestFolderLock : public QObject
{
    Q_OBJECT

    QTemporaryDir dir_;

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void secondLockIsRefusedNamingTheHolder()
    {
        const std::string folder = dir_.filePath("run").toStdString();
        FolderLock first(folder); // creates the folder
        QVERIFY(QFileInfo(QString::fromStdString(folder)).isDir());
        try {
            FolderLock second(folder);
            QFAIL("a second lock on the same folder was granted");
        } catch (const Error &e) {
            const QString message = e.what();
            QVERIFY2(message.contains("another training run writes into this folder"),
                     qPrintable(message));
            QVERIFY2(message.contains("process " + QString::number(::getpid())),
                     qPrintable(message));
            QVERIFY2(message.startsWith(QString::fromStdString(folder)), qPrintable(message));
        }
    }

    void releasedLockCanBeTakenAgainAndLeavesNothing()
    {
        const QString folder = dir_.filePath("again");
        {
            FolderLock lock(folder.toStdString());
            QVERIFY(QFile::exists(folder + "/.strata-lock"));
        }
        QVERIFY(!QFile::exists(folder + "/.strata-lock"));
        FolderLock lock(folder.toStdString());
        QVERIFY(QFile::exists(folder + "/.strata-lock"));
    }

    void staleLockFileFromAKilledRunIsTaken()
    {
        // A run killed with SIGKILL leaves its lock file, but the system dropped the lock.
        const QString folder = dir_.filePath("stale");
        QVERIFY(QDir().mkpath(folder));
        QFile stale(folder + "/.strata-lock");
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.write("999999\n");
        stale.close();
        FolderLock lock(folder.toStdString());
        QFile now(folder + "/.strata-lock");
        QVERIFY(now.open(QIODevice::ReadOnly));
        QCOMPARE(now.readAll().trimmed().toLongLong(), static_cast<qint64>(::getpid()));
    }

    void temporariesOfKilledWritersAreRemoved()
    {
        // A checkpoint write killed with SIGKILL leaves "checkpoint.safetensors.tmp-PID-N".
        const QString folder = dir_.filePath("killed");
        QVERIFY(QDir().mkpath(folder));
        const QString ownPid = QString::number(::getpid());
        const QStringList names = {"checkpoint.safetensors.tmp-999999-0", // its writer is gone
                                   "metrics.csv.tmp-" + ownPid + "-3",    // a live writer's
                                   "notes.tmp-draft", "final.safetensors"};
        for (const QString &name : names) {
            QFile f(folder + "/" + name);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        FolderLock lock(folder.toStdString());
        QVERIFY(!QFile::exists(folder + "/checkpoint.safetensors.tmp-999999-0"));
        for (const QString &kept : names.mid(1))
            QVERIFY2(QFile::exists(folder + "/" + kept), qPrintable(kept));
    }

    void folderThatCannotBeMadeIsRefused()
    {
        const QString file = dir_.filePath("plain-file");
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        try {
            FolderLock lock((file + "/run").toStdString());
            QFAIL("a folder inside a file was accepted");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("cannot create the output folder"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestFolderLock)
#include "test_folder_lock.moc"
