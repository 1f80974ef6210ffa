// strata-cli train when it is told to stop: SIGTERM and SIGHUP (what docker stop, schedulers
// and a closed terminal send) stop it like Ctrl-C, after a checkpoint; it says only what it
// wrote; and a second run into a folder that a run is writing is refused at once.

#include "cli_process.h"

#include <QtTest>

#include <csignal>

using namespace strata::test;

namespace {

// A training run in the background, long enough to be stopped mid-run.
class BackgroundRun
{
public:
    explicit BackgroundRun(const QString &outDir)
    {
        process_.start(cliPath(), {"train", examplePath("spirals.strata"), "--out", outDir,
                                   "--epochs", "1000000"});
    }
    ~BackgroundRun()
    {
        if (process_.state() != QProcess::NotRunning) {
            process_.kill();
            process_.waitForFinished();
        }
    }
    // Waits until the first epoch line is out; false when it never comes.
    bool waitForFirstEpoch()
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 120000) {
            if (process_.state() == QProcess::NotRunning)
                return false;
            process_.waitForReadyRead(200);
            out_ += QString::fromUtf8(process_.readAllStandardOutput());
            if (out_.contains("Epoch 1/"))
                return true;
        }
        return false;
    }
    qint64 pid() const { return process_.processId(); }
    // Sends the signal and returns the exit code (-1: it did not end within a minute).
    int stopWith(int signal)
    {
        ::kill(static_cast<pid_t>(process_.processId()), signal);
        if (!process_.waitForFinished(60000))
            return -1;
        out_ += QString::fromUtf8(process_.readAllStandardOutput());
        err_ = QString::fromUtf8(process_.readAllStandardError());
        return process_.exitStatus() == QProcess::NormalExit ? process_.exitCode() : -2;
    }
    const QString &out() const { return out_; }
    const QString &err() const { return err_; }

private:
    QProcess process_;
    QString out_, err_;
};

} // namespace

class TestCliStopping : public QObject
{
    Q_OBJECT

    QTemporaryDir dir_;

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void stopSignalsWriteACheckpoint_data()
    {
        QTest::addColumn<int>("signal");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("SIGTERM") << int(SIGTERM) << "SIGTERM" << 143;
        QTest::newRow("SIGHUP") << int(SIGHUP) << "SIGHUP" << 129;
        QTest::newRow("SIGINT") << int(SIGINT) << "Ctrl-C" << 130;
    }
    void stopSignalsWriteACheckpoint()
    {
        QFETCH(int, signal);
        QFETCH(QString, name);
        QFETCH(int, exitCode);
        const QString out = dir_.filePath(name);
        BackgroundRun run(out);
        QVERIFY2(run.waitForFirstEpoch(), qPrintable(run.out()));
        QCOMPARE(run.stopWith(signal), exitCode);
        QVERIFY2(run.out().contains("Stopping after this batch (" + name + ")"),
                 qPrintable(run.out()));
        QVERIFY(QFile::exists(out + "/checkpoint.safetensors"));
        // It says what it wrote, and only that: no final weights for a stopped run.
        QVERIFY2(run.out().contains("Wrote into " + out + ": "), qPrintable(run.out()));
        QVERIFY2(run.out().contains("checkpoint.safetensors"), qPrintable(run.out()));
        QVERIFY2(!run.out().contains("final.safetensors"), qPrintable(run.out()));
        QVERIFY(!QFile::exists(out + "/final.safetensors"));
        // Nothing temporary is left behind, and the lock is gone.
        const QStringList left = QDir(out).entryList(QDir::Files | QDir::Hidden);
        for (const QString &f : left)
            QVERIFY2(!f.contains(".tmp") && f != ".strata-lock", qPrintable(left.join(", ")));
        // The checkpoint is whole: its weights evaluate.
        CliResult eval = runCli(
            {"eval", examplePath("spirals.strata"), "--weights", out + "/checkpoint.safetensors"});
        QVERIFY2(eval.code == 0, qPrintable(eval.err));
    }

    void secondRunIntoTheSameFolderIsRefused()
    {
        const QString out = dir_.filePath("shared");
        BackgroundRun first(out);
        QVERIFY2(first.waitForFirstEpoch(), qPrintable(first.out()));
        CliResult second =
            runCli({"train", examplePath("xor.strata"), "--out", out, "--epochs", "1"});
        QVERIFY(second.code != 0);
        QVERIFY2(second.err.contains("another training run writes into this folder"),
                 qPrintable(second.err));
        QVERIFY2(second.err.contains("process " + QString::number(first.pid())),
                 qPrintable(second.err));
        // The first run was not disturbed: it still stops cleanly with its checkpoint.
        QCOMPARE(first.stopWith(SIGTERM), 143);
        QVERIFY(QFile::exists(out + "/checkpoint.safetensors"));
        // Once it ended, the folder is free again.
        CliResult third =
            runCli({"train", examplePath("xor.strata"), "--out", out, "--epochs", "1"});
        QVERIFY2(third.code == 0, qPrintable(third.err));
    }
};

QTEST_GUILESS_MAIN(TestCliStopping)
#include "test_cli_stopping.moc"
