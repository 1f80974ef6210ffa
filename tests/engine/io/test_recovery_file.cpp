// Recovery files: the studio's autosave of unsaved work. Round trip, atomic writing, a table
// of damaged and foreign files (each refused with a message naming the file and the fault),
// and the clean-up of temporaries that a killed save left beside a project.

#include "strata/project.h"
#include "strata/recovery_file.h"

#include "source_dir.h"

#include <QtTest>

#include <sys/wait.h>
#include <unistd.h>

using namespace strata;

namespace {

void writeText(const QString &path, const QByteArray &text)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(text);
}

RecoveryFile sample()
{
    RecoveryFile r;
    r.origin = RecoveryFile::Origin::File;
    r.projectPath = "/home/someone/models/spirals.strata";
    r.autosavedAt = "2026-12-03T06:23:01Z";
    r.project = loadProject(test::examplePath("spirals.strata").toStdString());
    r.project.description = "edited, not saved: ünïcödé";
    return r;
}

// A pid that is certainly gone: a child that has exited and been reaped.
pid_t deadPid()
{
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    return child;
}

} // namespace

class TestRecoveryFile : public QObject
{
    Q_OBJECT

    QTemporaryDir dir_;

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void roundTripKeepsEverything_data()
    {
        QTest::addColumn<int>("origin");
        QTest::newRow("file") << int(RecoveryFile::Origin::File);
        QTest::newRow("untitled") << int(RecoveryFile::Origin::Untitled);
        QTest::newRow("example") << int(RecoveryFile::Origin::Example);
    }
    void roundTripKeepsEverything()
    {
        QFETCH(int, origin);
        RecoveryFile r = sample();
        r.origin = RecoveryFile::Origin(origin);
        if (r.origin == RecoveryFile::Origin::Untitled)
            r.projectPath.clear();
        const std::string path = dir_.filePath("round.strata-recovery").toStdString();
        writeRecoveryFile(path, r);
        const RecoveryFile back = readRecoveryFile(path);
        QCOMPARE(int(back.origin), origin);
        QCOMPARE(back.projectPath, r.projectPath);
        QCOMPARE(back.autosavedAt, r.autosavedAt);
        QCOMPARE(toJson(back.project).dump(), toJson(r.project).dump());
        // Written whole or not at all: nothing but the file is left in the folder.
        const QStringList left = QDir(dir_.path()).entryList({"round*"}, QDir::Files);
        QCOMPARE(left, QStringList{"round.strata-recovery"});
    }

    void damagedOrForeignFilesAreRefusedWithTheirFault_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << QByteArray() << "the file is empty";
        QTest::newRow("truncated")
            << QByteArray("{\"format\": \"strata-recovery\", \"format_v") << "damaged or cut short";
        QTest::newRow("binary") << QByteArray("\x00\x01\x02garbage", 10) << "damaged or cut short";
        QTest::newRow("not a recovery file")
            << QByteArray("{\"format_version\": 1, \"name\": \"x\", \"model\": {}}")
            << "not a Strata recovery file";
        QTest::newRow("an array") << QByteArray("[1, 2]") << "not a Strata recovery file";
        QTest::newRow("newer version")
            << QByteArray("{\"format\": \"strata-recovery\", \"format_version\": 99, "
                          "\"whatever\": true}")
            << "written by a newer version of Strata (recovery format 99";
        QTest::newRow("no version")
            << QByteArray("{\"format\": \"strata-recovery\", \"origin\": \"untitled\", "
                          "\"project\": {}}")
            << "format_version: missing";
        QTest::newRow("no project") << QByteArray("{\"format\": \"strata-recovery\", "
                                                  "\"format_version\": 1, \"origin\": "
                                                  "\"untitled\"}")
                                    << "project: missing";
        QTest::newRow("file without its path")
            << QByteArray("{\"format\": \"strata-recovery\", \"format_version\": 1, \"origin\": "
                          "\"file\", \"project\": {}}")
            << "project_path: missing";
        QTest::newRow("bad origin") << QByteArray("{\"format\": \"strata-recovery\", "
                                                  "\"format_version\": 1, \"origin\": \"disk\", "
                                                  "\"project\": {}}")
                                    << "disk";
        QTest::newRow("malformed project")
            << QByteArray("{\"format\": \"strata-recovery\", \"format_version\": 1, \"origin\": "
                          "\"untitled\", \"project\": {\"format_version\": 1, \"name\": \"x\"}}")
            << "expected the model";
        QTest::newRow("unknown key") << QByteArray("{\"format\": \"strata-recovery\", "
                                                   "\"format_version\": 1, \"colour\": 3, "
                                                   "\"project\": {}}")
                                     << "colour";
    }
    void damagedOrForeignFilesAreRefusedWithTheirFault()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        const QString path = dir_.filePath("bad.strata-recovery");
        writeText(path, text);
        try {
            readRecoveryFile(path.toStdString());
            QFAIL("a damaged recovery file was accepted");
        } catch (const RecoveryFileError &e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.startsWith(path), qPrintable(message));
            QVERIFY2(message.contains(expected), qPrintable(message));
        }
    }

    void everyCutOfAGoodFileIsRefused()
    {
        // A truncated file (a disk that filled up, a copy cut short) is never half-read.
        const QString path = dir_.filePath("cut.strata-recovery");
        writeRecoveryFile(path.toStdString(), sample());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray whole = file.readAll();
        file.close();
        for (qsizetype n = 0; n < whole.size() - 2; n += 97) {
            writeText(path, whole.left(n));
            QVERIFY_THROWS_EXCEPTION(RecoveryFileError, readRecoveryFile(path.toStdString()));
        }
    }

    void missingFileIsRefused()
    {
        const QString path = dir_.filePath("nothing-here.strata-recovery");
        try {
            readRecoveryFile(path.toStdString());
            QFAIL("a missing file was read");
        } catch (const RecoveryFileError &e) {
            QVERIFY2(QString(e.what()).startsWith(path), e.what());
        }
    }

    void abandonedSavesOfAProjectAreRemovedAndNothingElse()
    {
        const QString folder = dir_.filePath("abandoned");
        QVERIFY(QDir().mkpath(folder));
        const QString project = folder + "/model.strata";
        const QString dead = QString::number(deadPid());
        const QString alive = QString::number(::getpid());
        writeText(project, "{}");
        writeText(project + ".tmp-" + dead + "-0", "{\"half");
        writeText(project + ".tmp-" + dead + "-7", "");
        writeText(project + ".tmp-" + alive + "-1", "{\"being written");
        writeText(folder + "/other.strata.tmp-" + dead + "-0", "{}");
        writeText(project + ".tmp-notes", "mine");
        QCOMPARE(removeAbandonedSaves(project.toStdString()), 2);
        QStringList left = QDir(folder).entryList(QDir::Files);
        left.sort();
        QStringList expected = {"model.strata", "model.strata.tmp-" + alive + "-1",
                                "model.strata.tmp-notes", "other.strata.tmp-" + dead + "-0"};
        expected.sort();
        QCOMPARE(left, expected);
    }
};

QTEST_GUILESS_MAIN(TestRecoveryFile)
#include "test_recovery_file.moc"
