// Autosave and crash recovery in the studio: unsaved work is autosaved to a recovery file
// of its own (never over the project file); the next start offers what a crashed studio
// left; recovering, discarding and saving leave no stale recovery file; a clean close
// removes it; a studio that is running keeps its own; damaged recovery files are set aside
// with a message, never deleted.

#include "ui/document.h"
#include "ui/main_window.h"
#include "ui/recovery/autosave.h"
#include "ui/recovery/recovery_dialog.h"
#include "ui/recovery/recovery_store.h"

#include <strata/recovery_file.h>

#include "dialog_answer.h"
#include "source_dir.h"

#include <QApplication>
#include <QDirIterator>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QTimer>
#include <QtTest>

#include <functional>

using namespace strata;
using namespace strata::ui;
using strata::test::answerNextDialog;
using strata::test::readAll;
using strata::test::examplePath;

namespace {


// Every recovery file under root, and every temporary any writer left there.
QStringList filesUnder(const QString &root, const QStringList &patterns)
{
    QStringList found;
    QDirIterator it(root, patterns, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        found << it.next();
    return found;
}

std::string stateOf(const Project &project)
{
    return toJson(project).dump();
}

} // namespace

class TestRecovery : public QObject
{
    Q_OBJECT

    QTemporaryDir dir_;
    QString root_;    // the recovery folder of this test's studios
    QString project_; // a copy of the spirals example the tests edit
    int abandoned_ = 0;

    // Leaves what a studio killed with unsaved work leaves: its folder (with no one holding
    // its lock) and its recovery file.
    QString leaveAbandonedWork(const RecoveryFile &recovery)
    {
        const QString folder = root_ + QStringLiteral("/99999-dead%1").arg(++abandoned_);
        [&] { QVERIFY(QDir().mkpath(folder)); }();
        const QString file = folder + "/" + RecoveryStore::kFileName;
        writeRecoveryFile(file.toStdString(), recovery);
        return file;
    }
    RecoveryFile editedProject(const QString &description)
    {
        RecoveryFile r;
        r.origin = RecoveryFile::Origin::File;
        r.projectPath = project_.toStdString();
        r.autosavedAt = "2026-12-03T06:23:01Z";
        r.project = loadProject(project_.toStdString());
        r.project.description = description.toStdString();
        r.project.training.epochs = 7;
        return r;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        root_ = dir_.filePath("recovery");
        qputenv("STRATA_RECOVERY_DIR", root_.toUtf8());
    }
    void init()
    {
        QDir(root_).removeRecursively();
        project_ = dir_.filePath("spirals.strata");
        QFile::remove(project_);
        QVERIFY(QFile::copy(examplePath("spirals.strata"), project_));
        QFile(project_).setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    }

    void unsavedWorkIsAutosavedBesideNotOverTheProject()
    {
        MainWindow window;
        window.autosave()->setInterval(30);
        QVERIFY(window.openFile(project_));
        const QByteArray before = readAll(project_);
        QVERIFY(window.autosave()->isActive());
        QVERIFY2(window.autosave()->filePath().startsWith(root_),
                 qPrintable(window.autosave()->filePath()));

        // Nothing unsaved: nothing is written.
        QTest::qWait(150);
        QVERIFY(!QFileInfo::exists(window.autosave()->filePath()));

        QCOMPARE(window.document()->setProjectInfo("Spirals", "first edit"), QString());
        QTRY_VERIFY(QFileInfo::exists(window.autosave()->filePath()));
        RecoveryFile r = readRecoveryFile(window.autosave()->filePath().toStdString());
        QCOMPARE(int(r.origin), int(RecoveryFile::Origin::File));
        QCOMPARE(QString::fromStdString(r.projectPath), QFileInfo(project_).absoluteFilePath());
        QCOMPARE(stateOf(r.project), stateOf(window.document()->project()));
        QVERIFY(!r.autosavedAt.empty());
        QCOMPARE(readAll(project_), before); // never over the user's file

        // Later edits follow.
        QCOMPARE(window.document()->setProjectInfo("Spirals", "second edit"), QString());
        QTRY_COMPARE(
            readRecoveryFile(window.autosave()->filePath().toStdString()).project.description,
            std::string("second edit"));

        // Saving leaves nothing to recover; undoing back to the saved state neither.
        QVERIFY(window.save());
        QVERIFY(!QFileInfo::exists(window.autosave()->filePath()));
        QVERIFY(filesUnder(root_, {"*.strata-recovery", "*.tmp-*"}).isEmpty());
    }

    void recoverOpensTheAutosavedStateUnsavedAndSaveRemovesEveryRecoveryFile()
    {
        const RecoveryFile left = editedProject("recovered edit");
        const QString leftFile = leaveAbandonedWork(left);
        const QByteArray before = readAll(project_);

        MainWindow window;
        QCOMPARE(window.offerRecovery(), 1);
        RecoveryDialog *dialog = window.recoveryDialog();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QCOMPARE(dialog->count(), 1);
        const QString entry = dialog->findChild<QListWidget *>("recoveryList")->item(0)->text();
        QVERIFY2(entry.contains("Two spirals (classroom)"), qPrintable(entry)); // which project
        QVERIFY2(entry.contains(QDir::toNativeSeparators(project_)), qPrintable(entry));
        const QString localTime = QDateTime::fromString("2026-12-03T06:23:01Z", Qt::ISODate)
                                      .toLocalTime()
                                      .toString("HH:mm:ss");
        QVERIFY2(entry.contains("autosaved") && entry.contains(localTime), qPrintable(entry));

        dialog->findChild<QPushButton *>("recoverButton")->click();
        QTRY_VERIFY(!window.recoveryDialog());

        // The autosaved state, as unsaved work of the original file.
        Document *doc = window.document();
        QCOMPARE(stateOf(doc->project()), stateOf(left.project));
        QVERIFY(doc->isModified());
        QCOMPARE(doc->filePath(), project_);
        QVERIFY2(window.windowTitle().contains("recovered, not saved"),
                 qPrintable(window.windowTitle()));
        QVERIFY(window.windowTitle().contains("*"));
        QCOMPARE(readAll(project_), before);
        // Autosaved again under this studio's name; the old file is gone.
        QVERIFY(!QFileInfo::exists(leftFile));
        QVERIFY(!QFileInfo::exists(QFileInfo(leftFile).absolutePath()));
        QCOMPARE(filesUnder(root_, {"*.strata-recovery"}),
                 QStringList{window.autosave()->filePath()});
        QCOMPARE(stateOf(readRecoveryFile(window.autosave()->filePath().toStdString()).project),
                 stateOf(left.project));

        // Save writes to the original path and leaves no recovery file anywhere.
        QVERIFY(window.save());
        QCOMPARE(stateOf(loadProject(project_.toStdString())), stateOf(left.project));
        QVERIFY(!doc->isModified());
        QVERIFY2(!window.windowTitle().contains("recovered"), qPrintable(window.windowTitle()));
        QVERIFY(filesUnder(root_, {"*.strata-recovery", "*.tmp-*"}).isEmpty());
        QVERIFY(filesUnder(dir_.path(), {"*.tmp-*"}).isEmpty());
    }

    void recoveredUntitledWorkAsksWhereOnSave()
    {
        RecoveryFile left = editedProject("never saved");
        left.origin = RecoveryFile::Origin::Example;
        left.projectPath = examplePath("spirals.strata").toStdString();
        leaveAbandonedWork(left);
        const QByteArray example = readAll(examplePath("spirals.strata"));

        MainWindow window;
        QCOMPARE(window.offerRecovery(MainWindow::RecoveryChoice::Recover), 1);
        QVERIFY(!window.recoveryDialog());
        QCOMPARE(stateOf(window.document()->project()), stateOf(left.project));
        QVERIFY(window.document()->filePath().isEmpty());
        QVERIFY(window.document()->isModified());
        QVERIFY2(window.windowTitle().contains("not saved (recovered)*"),
                 qPrintable(window.windowTitle()));
        // Its own autosave still says it is a copy of the example.
        const RecoveryFile again = readRecoveryFile(window.autosave()->filePath().toStdString());
        QCOMPARE(int(again.origin), int(RecoveryFile::Origin::Example));

        const QString path = dir_.filePath("mine.strata");
        answerNextDialog<QFileDialog>([path](QFileDialog *dialog) {
            auto *name = dialog->findChild<QLineEdit *>("fileNameEdit");
            QVERIFY(name);
            name->setText(path);
            static_cast<QDialog *>(dialog)->accept();
        });
        QVERIFY(window.save());
        QCOMPARE(window.document()->filePath(), path);
        QCOMPARE(stateOf(loadProject(path.toStdString())), stateOf(left.project));
        QCOMPARE(readAll(examplePath("spirals.strata")), example);
        QVERIFY(filesUnder(root_, {"*.strata-recovery"}).isEmpty());
    }

    void discardRemovesTheRecoveryFileAfterConfirming()
    {
        const QString first = leaveAbandonedWork(editedProject("one"));
        const QString second = leaveAbandonedWork(editedProject("two"));
        MainWindow window;
        QVERIFY(window.openFile(project_));
        QCOMPARE(window.offerRecovery(), 2);
        RecoveryDialog *dialog = window.recoveryDialog();
        QVERIFY(dialog);
        dialog->setCurrentRow(0);

        // Cancel at the confirmation discards nothing.
        dialog->findChild<QPushButton *>("discardButton")->click();
        auto *box = dialog->findChild<QMessageBox *>("confirmDiscardBox");
        QVERIFY(box);
        box->button(QMessageBox::Cancel)->click();
        QCOMPARE(dialog->count(), 2);
        QVERIFY(QFileInfo::exists(first) && QFileInfo::exists(second));

        dialog->findChild<QPushButton *>("discardButton")->click();
        QTRY_VERIFY(dialog->findChild<QMessageBox *>("confirmDiscardBox"));
        dialog->findChild<QMessageBox *>("confirmDiscardBox")
            ->findChild<QPushButton *>("confirmDiscardButton")
            ->click();
        QCOMPARE(dialog->count(), 1);
        QCOMPARE(filesUnder(root_, {"*.strata-recovery"}).size(), 1);

        // Discarding the last one closes the dialog; the open project is untouched.
        dialog->findChild<QPushButton *>("discardButton")->click();
        QTRY_VERIFY(dialog->findChild<QMessageBox *>("confirmDiscardBox"));
        dialog->findChild<QMessageBox *>("confirmDiscardBox")
            ->findChild<QPushButton *>("confirmDiscardButton")
            ->click();
        QTRY_VERIFY(!window.recoveryDialog());
        QVERIFY(filesUnder(root_, {"*.strata-recovery"}).isEmpty());
        QVERIFY(!window.document()->isModified());
        QCOMPARE(window.document()->filePath(), project_);
        // Only this studio's own folder is left.
        QCOMPARE(QDir(root_).entryList(QDir::Dirs | QDir::NoDotAndDotDot),
                 QStringList{QFileInfo(window.autosave()->folder()).fileName()});
    }

    void decideLaterKeepsTheWorkForTheNextStart()
    {
        const QString left = leaveAbandonedWork(editedProject("later"));
        const QByteArray bytes = readAll(left);
        {
            MainWindow window;
            QCOMPARE(window.offerRecovery(), 1);
            window.recoveryDialog()->findChild<QPushButton *>("laterButton")->click();
            QTRY_VERIFY(!window.recoveryDialog());
            QCOMPARE(readAll(left), bytes);
        }
        {
            // Closing the dialog any other way (Escape, the title bar) is Decide Later too.
            MainWindow window;
            QCOMPARE(window.offerRecovery(), 1);
            window.recoveryDialog()->reject();
            QTRY_VERIFY(!window.recoveryDialog());
            QCOMPARE(readAll(left), bytes);
        }
        MainWindow window;
        QCOMPARE(window.offerRecovery(MainWindow::RecoveryChoice::Later), 1);
        QCOMPARE(readAll(left), bytes);
    }

    void aRunningStudiosWorkIsNeverTaken()
    {
        // Another studio, alive, with unsaved work (FolderLock locks per open file, so a
        // second Document and Autosave here behave as another process would).
        Document other;
        QVERIFY(other.setProjectInfo("Other", "alive").isEmpty());
        Autosave otherAutosave(&other, root_);
        QVERIFY(otherAutosave.writeNow());
        QVERIFY(QFileInfo::exists(otherAutosave.filePath()));

        MainWindow window;
        QCOMPARE(window.offerRecovery(), 0);
        QVERIFY(!window.recoveryDialog());
        QVERIFY(QFileInfo::exists(otherAutosave.filePath()));
    }

    void closingCleanlyLeavesNoRecoveryFileEvenWithDontSave()
    {
        auto *window = new MainWindow;
        window->autosave()->setInterval(20);
        QVERIFY(window->openFile(project_));
        const QByteArray before = readAll(project_);
        QCOMPARE(window->document()->setProjectInfo("Spirals", "not wanted"), QString());
        QTRY_VERIFY(QFileInfo::exists(window->autosave()->filePath()));
        window->show();
        answerNextDialog<QMessageBox>(
            [](QMessageBox *box) { box->button(QMessageBox::Discard)->click(); });
        QVERIFY(window->close());
        QTest::qWait(100); // the autosave timer would have fired by now
        QVERIFY(filesUnder(root_, {"*.strata-recovery"}).isEmpty());
        delete window;
        QCOMPARE(readAll(project_), before);
        QVERIFY(QDir(root_).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
    }

    void aWindowGoneWithoutAskingKeepsItsWork()
    {
        QString kept;
        {
            MainWindow window;
            QVERIFY(window.openFile(project_));
            QCOMPARE(window.document()->setProjectInfo("Spirals", "kept"), QString());
            QVERIFY(window.autosave()->writeNow());
            kept = window.autosave()->filePath();
        }
        QVERIFY(QFileInfo::exists(kept));
        MainWindow window;
        QCOMPARE(window.offerRecovery(MainWindow::RecoveryChoice::Recover), 1);
        QCOMPARE(window.document()->project().description, std::string("kept"));
    }

    void damagedRecoveryFilesAreSetAsideWithAMessage()
    {
        const QString cut = leaveAbandonedWork(editedProject("cut short"));
        const QByteArray whole = readAll(cut);
        {
            QFile file(cut);
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write(whole.left(whole.size() / 2));
        }
        const QByteArray cutBytes = readAll(cut);
        const QString newer = leaveAbandonedWork(editedProject("newer"));
        {
            QFile file(newer);
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write("{\"format\": \"strata-recovery\", \"format_version\": 9, \"future\": 1}");
        }
        const QString good = leaveAbandonedWork(editedProject("good"));

        MainWindow window;
        QCOMPARE(window.offerRecovery(), 1);
        RecoveryDialog *dialog = window.recoveryDialog();
        QVERIFY(dialog);
        QCOMPARE(dialog->count(), 1); // the readable one is still offered
        auto *note = dialog->findChild<QLabel *>("setAsideNote");
        QVERIFY(note && note->isVisibleTo(dialog));
        QVERIFY2(note->text().contains("cut short"), qPrintable(note->text()));
        QVERIFY2(note->text().contains("newer version of Strata"), qPrintable(note->text()));
        QVERIFY2(note->text().contains("moved to"), qPrintable(note->text()));

        // Moved aside whole, never deleted; their folders are gone.
        const QStringList aside =
            QDir(root_ + "/set-aside").entryList({"*.strata-recovery"}, QDir::Files);
        QCOMPARE(aside.size(), 2);
        QList<QByteArray> contents;
        for (const QString &name : aside)
            contents << readAll(root_ + "/set-aside/" + name);
        QVERIFY(contents.contains(cutBytes));
        QVERIFY(note->text().contains(QDir::toNativeSeparators(root_ + "/set-aside/")));
        QVERIFY(!QFileInfo::exists(cut) && !QFileInfo::exists(newer));
        QVERIFY(QFileInfo::exists(good));
        dialog->reject();

        // Set aside once: the next start offers only the good one, silently.
        MainWindow next;
        QCOMPARE(next.offerRecovery(), 1);
        QVERIFY(next.recoveryDialog());
        QVERIFY(!next.recoveryDialog()
                     ->findChild<QLabel *>("setAsideNote")
                     ->isVisibleTo(next.recoveryDialog()));
    }

    void onlyDamagedFilesAreReportedWithoutAnOffer()
    {
        const QString cut = leaveAbandonedWork(editedProject("x"));
        QFile file(cut);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("{\"format\": \"strata-rec");
        file.close();
        MainWindow window;
        QCOMPARE(window.offerRecovery(), 0);
        QVERIFY(window.recoveryDialog());
        QVERIFY(!window.recoveryDialog()
                     ->findChild<QPushButton *>("recoverButton")
                     ->isVisibleTo(window.recoveryDialog()));
        QVERIFY(window.recoveryDialog()
                    ->findChild<QLabel *>("setAsideNote")
                    ->text()
                    .contains("damaged or cut short"));
        QCOMPARE(QDir(root_ + "/set-aside").entryList(QDir::Files).size(), 1);
    }

    void dialogPicture()
    {
        // The dialog as a user sees it, for the documentation (written only when asked).
        const QString target = qEnvironmentVariable("STRATA_RECOVERY_SCREENSHOT");
        if (target.isEmpty())
            QSKIP("set STRATA_RECOVERY_SCREENSHOT to a .png path to write the picture");
        // Where a user keeps projects (the files need not exist for the dialog).
        RecoveryFile changed = editedProject("edited after the last save");
        changed.projectPath = "/home/ada/models/spirals.strata";
        changed.autosavedAt =
            QDateTime::currentDateTimeUtc().addSecs(-240).toString(Qt::ISODate).toStdString();
        leaveAbandonedWork(changed);
        RecoveryFile untitled = editedProject("x");
        untitled.origin = RecoveryFile::Origin::Untitled;
        untitled.projectPath.clear();
        untitled.project.name = "My first classifier";
        untitled.autosavedAt =
            QDateTime::currentDateTimeUtc().addDays(-1).toString(Qt::ISODate).toStdString();
        leaveAbandonedWork(untitled);
        MainWindow window;
        window.show();
        QCOMPARE(window.offerRecovery(), 2);
        QTest::qWait(200);
        QVERIFY(window.recoveryDialog()->grab().save(target));
    }
};

QTEST_MAIN(TestRecovery)
#include "test_recovery.moc"
