// The studio killed with SIGKILL at random moments, 20 times, on a project with unsaved
// edits: while idle, while training, while saving. Each run is the studio binary itself
// (offscreen) with its crash drill (app/gui/crash_drill.h), which edits the project every
// 20 ms; autosave runs every 50 ms. After every kill:
//   - the project file is whole: it parses, and equals the file before that run or exactly a
//     state the studio saved (the state it opened with plus its numbered edit);
//   - the next start, told to recover (--recovery recover), opens exactly the state of the
//     recovery file the killed studio left;
//   - no temporary file of a dead process remains, in the project's folder or the data folder.
// Finally a studio that recovers, saves and closes normally leaves no recovery file at all,
// and two studios running at once never take each other's work.

#include "source_dir.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

namespace {

QString studioPath()
{
    return qEnvironmentVariable("STRATA_BINARY_DIR") + "/app/gui/strata";
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// A JSON object, or an empty one (with *ok false) when text is not one whole object.
QJsonObject parseObject(const QByteArray &text, bool *ok)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    *ok = error.error == QJsonParseError::NoError && doc.isObject();
    return doc.object();
}

// "crash drill edit N" → N; -1 for any other description.
int drillEdit(const QJsonObject &project)
{
    static const QRegularExpression drill("^crash drill edit (\\d+)$");
    const auto m = drill.match(project.value("description").toString());
    return m.hasMatch() ? m.captured(1).toInt() : -1;
}

QJsonObject withDescription(QJsonObject project, const QString &description)
{
    project["description"] = description;
    return project;
}

// Files under folder (recursively, hidden ones too) whose name matches pattern.
QStringList filesUnder(const QString &folder, const QString &pattern)
{
    QStringList found;
    QDirIterator it(folder, {pattern}, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        found << it.next();
    found.sort();
    return found;
}

// The temporaries ("<file>.tmp-<pid>-<n>") under folder that a process other than `live`
// left.
QStringList staleTemporaries(const QString &folder, qint64 live)
{
    QStringList stale;
    static const QRegularExpression tmp("\\.tmp-(\\d+)-\\d+$");
    for (const QString &path : filesUnder(folder, "*.tmp-*")) {
        const auto m = tmp.match(path);
        if (!m.hasMatch() || m.captured(1).toLongLong() != live)
            stale << path;
    }
    return stale;
}

} // namespace

class TestStudioCrashRecovery : public QObject
{
    Q_OBJECT

    QTemporaryDir dir_;
    QString project_;
    QString data_;

    QProcessEnvironment environment(const QString &drill) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.insert("XDG_DATA_HOME", data_); // the user's data folder: recovery files go there
        env.insert("XDG_CONFIG_HOME", dir_.filePath("config"));
        env.insert("XDG_RUNTIME_DIR", dir_.filePath("runtime"));
        env.remove("STRATA_RECOVERY_DIR");
        env.insert("STRATA_CRASH_DRILL", drill);
        return env;
    }

    // Starts the studio on the project with the drill and waits for its "ready" line: the
    // project state it opened (after recovering). Fails the test if it does not come.
    void start(QProcess &studio, const QString &drill, QJsonObject *opened)
    {
        studio.setProcessEnvironment(environment(drill));
        studio.setProcessChannelMode(QProcess::SeparateChannels);
        studio.start(studioPath(),
                     {project_, "--autosave-interval", "0.05", "--recovery", "recover"});
        QVERIFY2(studio.waitForStarted(20000), qPrintable(studio.errorString()));
        QByteArray line;
        QElapsedTimer clock;
        clock.start();
        while (!line.endsWith('\n') && clock.elapsed() < 60000) {
            if (!studio.canReadLine() && !studio.waitForReadyRead(1000)) {
                QVERIFY2(studio.state() == QProcess::Running,
                         qPrintable("the studio ended before it was ready: " +
                                    studio.readAllStandardError()));
                continue;
            }
            line = studio.readLine();
        }
        QVERIFY2(line.startsWith("ready "), qPrintable("no ready line from the studio: " + line +
                                                       studio.readAllStandardError()));
        bool ok = false;
        *opened = parseObject(line.mid(6), &ok);
        QVERIFY2(ok, line.constData());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        QVERIFY2(QFileInfo(studioPath()).isExecutable(), qPrintable(studioPath()));
        data_ = dir_.filePath("data");
        QVERIFY(QDir().mkpath(data_));
        QVERIFY(QDir().mkpath(dir_.filePath("runtime")));
        QFile::setPermissions(dir_.filePath("runtime"),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QVERIFY(QDir().mkpath(dir_.filePath("project")));
        project_ = dir_.filePath("project/spirals.strata");
        QVERIFY(QFile::copy(strata::test::examplePath("spirals.strata"), project_));
        QFile(project_).setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    }

    void killedTwentyTimesLosesNothing()
    {
        const quint32 seed = qEnvironmentVariableIsSet("STRATA_CRASH_SEED")
                                 ? quint32(qEnvironmentVariableIntValue("STRATA_CRASH_SEED"))
                                 : QRandomGenerator::global()->generate();
        qInfo("seed %u (set STRATA_CRASH_SEED to repeat)", seed);
        QRandomGenerator random(seed);
        const char *modes[] = {"idle", "train", "save"};
        int recovered = 0;
        int saved = 0;
        int leftTemporaries = 0; // kills that came mid-write
        QString previousMode;
        for (int run = 0; run < 20; ++run) {
            const QString mode = modes[run % 3];
            const QByteArray fileBefore = readAll(project_);
            bool ok = false;
            const QJsonObject before = parseObject(fileBefore, &ok);
            QVERIFY(ok);

            // What the killed studio left to recover (the recovery file is written whole).
            const QStringList left = filesUnder(data_, "*.strata-recovery");
            QVERIFY2(left.size() <= 1, qPrintable(left.join(", ")));
            // A studio killed with unsaved edits, 300 ms or more after its first edit, has
            // autosaved them; one that saved after every edit may have nothing unsaved.
            if (previousMode == "idle" || previousMode == "train")
                QVERIFY2(!left.isEmpty(),
                         qPrintable("nothing autosaved in run " + QString::number(run - 1)));
            QJsonObject autosaved;
            if (!left.isEmpty()) {
                const QJsonObject recovery = parseObject(readAll(left.front()), &ok);
                QVERIFY2(ok, qPrintable("a damaged recovery file: " + left.front()));
                autosaved = recovery.value("project").toObject();
                QVERIFY(!autosaved.isEmpty());
                QCOMPARE(recovery.value("origin").toString(), QString("file"));
                QCOMPARE(recovery.value("project_path").toString(),
                         QFileInfo(project_).absoluteFilePath());
            }

            QProcess studio;
            QJsonObject opened;
            start(studio, mode, &opened);
            if (QTest::currentTestFailed())
                return;
            const qint64 pid = studio.processId();
            if (!left.isEmpty()) {
                // The next start offered (and, told to, recovered) the last autosaved state.
                QCOMPARE(opened, autosaved);
                QVERIFY2(!QFileInfo::exists(left.front()),
                         qPrintable("the recovered file stays: " + left.front()));
                ++recovered;
            } else {
                // The file as read (the studio fills in defaults the file leaves out).
                QCOMPARE(opened.value("name"), before.value("name"));
                QCOMPARE(opened.value("description"), before.value("description"));
                QCOMPARE(opened.value("model"), before.value("model"));
            }
            // What the killed studio was writing is gone once the next one has started.
            QCOMPARE(staleTemporaries(dir_.path(), pid), QStringList());

            // Kill it at a random moment.
            QTest::qWait(int(300 + random.bounded(1000)));
            QCOMPARE(studio.state(), QProcess::Running);
            ::kill(pid_t(pid), SIGKILL);
            QVERIFY(studio.waitForFinished(20000));
            QCOMPARE(studio.exitStatus(), QProcess::CrashExit);
            if (!staleTemporaries(dir_.path(), -1).isEmpty())
                ++leftTemporaries; // the next start must remove them

            // The project file is whole: the one before, or exactly a state the studio saved.
            const QJsonObject after = parseObject(readAll(project_), &ok);
            QVERIFY2(ok, qPrintable("the project file is damaged after run " +
                                    QString::number(run) + " (" + mode + ")"));
            if (after != before) {
                QCOMPARE(mode, QString("save"));
                const int edit = drillEdit(after);
                QVERIFY2(edit > drillEdit(opened),
                         qPrintable(after.value("description").toString()));
                QCOMPARE(after, withDescription(opened, after.value("description").toString()));
                ++saved;
            }
            previousMode = mode;
        }
        qInfo("%d starts recovered the killed studio's work; %d kills came after a save; %d "
              "mid-write",
              recovered, saved, leftTemporaries);
        // Every run that saves (every 20 ms, for 300 ms or more) changed the file.
        QCOMPARE(saved, 6);

        // A studio that recovers, saves and closes normally leaves nothing behind.
        const QStringList left = filesUnder(data_, "*.strata-recovery");
        QJsonObject autosaved;
        if (!left.isEmpty()) {
            bool ok = false;
            autosaved = parseObject(readAll(left.front()), &ok).value("project").toObject();
        }
        QProcess studio;
        QJsonObject opened;
        start(studio, "quit", &opened);
        if (QTest::currentTestFailed())
            return;
        if (!left.isEmpty())
            QCOMPARE(opened, autosaved);
        QVERIFY(studio.waitForFinished(30000));
        QCOMPARE(studio.exitStatus(), QProcess::NormalExit);
        QCOMPARE(studio.exitCode(), 0);
        bool ok = false;
        QCOMPARE(parseObject(readAll(project_), &ok), opened);
        QCOMPARE(filesUnder(data_, "*.strata-recovery"), QStringList());
        QCOMPARE(staleTemporaries(dir_.path(), -1), QStringList());
        // No recovery file was ever damaged, so none was set aside.
        QDirIterator dirs(data_, QDir::Dirs | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
        while (dirs.hasNext())
            QVERIFY2(dirs.next().section('/', -1) != "set-aside", qPrintable(dirs.filePath()));
    }

    void twoStudiosNeverTakeEachOthersWork()
    {
        // One studio with autosaved unsaved work, alive: a second one started meanwhile,
        // told to recover, finds nothing to recover (the first one's folder is locked).
        QDir(data_).removeRecursively();
        bool ok = false;
        const QJsonObject file = parseObject(readAll(project_), &ok);
        QVERIFY(ok);
        QProcess first;
        QJsonObject opened;
        start(first, "idle", &opened);
        if (QTest::currentTestFailed())
            return;
        QTRY_COMPARE_WITH_TIMEOUT(filesUnder(data_, "*.strata-recovery").size(), 1, 20000);
        const QString firstsWork = filesUnder(data_, "*.strata-recovery").front();

        QProcess second;
        start(second, "idle", &opened);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(opened.value("description"), file.value("description"));
        QVERIFY(QFileInfo::exists(firstsWork));
        QCOMPARE(first.state(), QProcess::Running);
        // Each autosaves its own.
        QTRY_COMPARE_WITH_TIMEOUT(filesUnder(data_, "*.strata-recovery").size(), 2, 20000);
        ::kill(pid_t(first.processId()), SIGKILL);
        ::kill(pid_t(second.processId()), SIGKILL);
        QVERIFY(first.waitForFinished(20000));
        QVERIFY(second.waitForFinished(20000));
    }
};

QTEST_GUILESS_MAIN(TestStudioCrashRecovery)
#include "test_studio_crash_recovery.moc"
