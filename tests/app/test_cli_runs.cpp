// strata-cli's run store: train writes a new run beside the project, a run killed with
// SIGKILL mid-epoch is listed as crashed with its checkpoint intact, and `--resume RUN` ends it
// with weights bitwise equal to a run never interrupted.

#include "cli_process.h"
#include "example_variant.h"

#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <csignal>

using namespace strata::test;

class TestCliRuns : public QObject
{
    Q_OBJECT

    QTemporaryDir dir_;
    QString project_; // spirals, big enough that an epoch takes a moment

    QByteArray bytes(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    QJsonArray runs()
    {
        const CliResult r = runCli({"runs", project_, "--json"});
        if (r.code != 0)
            return {};
        return QJsonDocument::fromJson(r.out.toUtf8()).object()["runs"].toArray();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        project_ = dir_.path() + "/big.strata";
        QVERIFY(writeExampleVariant("spirals.strata", project_,
                                    {{"dataset", QJsonObject{{"samples", 150000}}},
                                     {"training", QJsonObject{{"epochs", 4}, {"threads", 1}}}}));
    }

    void noRunsYet()
    {
        const CliResult r = runCli({"runs", project_});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("No runs yet"), qPrintable(r.out));
        QVERIFY(!QFileInfo::exists(dir_.path() + "/big.runs"));
    }

    void killedRunResumesExactly()
    {
        // The whole run, never interrupted: run-1.
        const CliResult whole = runCli({"train", project_, "--quiet"});
        QVERIFY2(whole.code == 0, qPrintable(whole.out + whole.err));
        QVERIFY2(whole.out.contains("Run run-1 in "), qPrintable(whole.out));
        const QString store = dir_.path() + "/big.runs";
        QVERIFY(QFileInfo::exists(store + "/run-1/final.safetensors"));

        // run-2, killed with SIGKILL in its second epoch.
        QProcess killed;
        killed.start(cliPath(), {"train", project_});
        QVERIFY(killed.waitForStarted());
        QString out;
        QElapsedTimer clock;
        clock.start();
        while (!out.contains("Epoch 1/4 -") && clock.elapsed() < 120000 &&
               killed.state() == QProcess::Running) {
            killed.waitForReadyRead(100);
            out += QString::fromUtf8(killed.readAllStandardOutput());
        }
        QVERIFY2(out.contains("Epoch 1/4 -"), qPrintable(out));
        QTest::qWait(150);
        QVERIFY2(killed.state() == QProcess::Running, "the run ended before it could be killed");
        ::kill(static_cast<pid_t>(killed.processId()), SIGKILL);
        QVERIFY(killed.waitForFinished(30000));
        QCOMPARE(killed.exitStatus(), QProcess::CrashExit);

        const CliResult list = runCli({"runs", project_});
        QCOMPARE(list.code, 0);
        QVERIFY2(list.out.contains(QRegularExpression(R"(run-2\s+crashed\s+[1-3]/4)")),
                 qPrintable(list.out));
        QVERIFY2(list.out.contains(QRegularExpression(R"(run-1\s+finished\s+4/4)")),
                 qPrintable(list.out));
        QJsonArray json = runs();
        QCOMPARE(json.size(), 2);
        QCOMPARE(json[1].toObject()["status"].toString(), QString("crashed"));
        QVERIFY(json[1].toObject()["resumable"].toBool());
        QVERIFY(json[0].toObject()["best_accuracy"].toDouble() > 0.5);

        const CliResult resumed = runCli({"train", project_, "--resume", "run-2"});
        QVERIFY2(resumed.code == 0, qPrintable(resumed.out + resumed.err));
        QVERIFY2(resumed.out.contains("Resuming run-2 (crashed"), qPrintable(resumed.out));
        QVERIFY2(resumed.out.contains("Resumed from"), qPrintable(resumed.out));
        QVERIFY2(resumed.out.contains("Epoch 4/4"), qPrintable(resumed.out));
        QVERIFY(!resumed.out.contains("Epoch 1/4"));
        const QByteArray final1 = bytes(store + "/run-1/final.safetensors");
        QVERIFY(!final1.isEmpty());
        QVERIFY2(bytes(store + "/run-2/final.safetensors") == final1,
                 "the resumed run's weights differ from the uninterrupted run's");
        json = runs();
        QCOMPARE(json[1].toObject()["status"].toString(), QString("finished"));
        QCOMPARE(json[1].toObject()["epochs"].toInt(), 4);
        // The crashed session's time counts in the run's duration.
        QVERIFY(json[1].toObject()["seconds"].toDouble() >
                json[0].toObject()["seconds"].toDouble() * 0.2);
    }

    void labelsAndDelete()
    {
        QCOMPARE(runCli({"runs", project_, "--rename", "run-1", "baseline"}).code, 0);
        QCOMPARE(runCli({"runs", project_, "--tag", "baseline=adam, first"}).code, 0);
        QCOMPARE(runCli({"runs", project_, "--note", "run-2=killed on purpose"}).code, 0);
        QJsonArray json = runs();
        QCOMPARE(json[0].toObject()["name"].toString(), QString("baseline"));
        QCOMPARE(json[0].toObject()["tags"].toArray(), (QJsonArray{"adam", "first"}));
        QCOMPARE(json[1].toObject()["note"].toString(), QString("killed on purpose"));
        const CliResult table = runCli({"runs", project_});
        QVERIFY2(table.out.contains(QRegularExpression(R"(baseline\s+finished.*adam, first)")),
                 qPrintable(table.out));
        const CliResult taken = runCli({"runs", project_, "--rename", "run-2", "baseline"});
        QCOMPARE(taken.code, 1);
        QVERIFY2(taken.err.contains("already called"), qPrintable(taken.err));
        const CliResult badTag = runCli({"runs", project_, "--tag", "baseline"});
        QCOMPARE(badTag.code, 2);
        // A copy to delete: the resumed run's folder stays for the others.
        QVERIFY(runCli({"train", project_, "--epochs", "1", "--quiet"}).code == 0);
        QCOMPARE(runs().size(), 3);
        const CliResult deleted = runCli({"runs", project_, "--delete", "run-3"});
        QVERIFY2(deleted.code == 0, qPrintable(deleted.err));
        QCOMPARE(runs().size(), 2);
        QVERIFY(!QFileInfo::exists(dir_.path() + "/big.runs/run-3"));
    }

    void runsOfAnEditedModel()
    {
        // The project file's model changes after its runs: each run says so.
        QJsonObject p = QJsonDocument::fromJson(bytes(project_)).object();
        QJsonObject model = p["model"].toObject();
        QJsonArray nodes = model["nodes"].toArray();
        for (int i = 0; i < nodes.size(); ++i) {
            QJsonObject node = nodes[i].toObject();
            if (node["id"] == "fc1") {
                node["params"] = QJsonObject{{"units", 64}};
                nodes[i] = node;
            }
        }
        model["nodes"] = nodes;
        p["model"] = model;
        const QString edited = dir_.path() + "/big.strata";
        const QByteArray before = bytes(edited);
        QFile f(edited);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QJsonDocument(p).toJson());
        f.close();
        const CliResult r = runCli({"runs", project_});
        QVERIFY2(r.out.contains("its model differs from the project's now (1 change: fc1 (Dense): "
                                "units 32 → 64)"),
                 qPrintable(r.out));
        QCOMPARE(runs()[0].toObject()["model_changes"].toArray().size(), 1);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(before);
    }

    void outFolderStillWorks()
    {
        const QString out = dir_.path() + "/elsewhere";
        const CliResult r =
            runCli({"train", examplePath("xor.strata"), "--epochs", "3", "--out", out});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(QFileInfo::exists(out + "/final.safetensors"));
        QVERIFY(!QFileInfo::exists(out + "/run.json"));
        QVERIFY(!QFileInfo::exists(examplePath("xor.runs")));
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown run") << QStringList{"--resume", "run-9"} << 1
                                     << "no run called 'run-9'";
        QTest::newRow("negative keep") << QStringList{"--keep-checkpoints", "-1"} << 2
                                       << "non-negative";
        QTest::newRow("failing device") << QStringList{"--device", "cuda:7"} << 1 << "cuda";
    }
    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        const int before = runs().size();
        const CliResult r = runCli(QStringList{"train", project_} + args);
        QCOMPARE(r.code, code);
        QVERIFY2((r.err + r.out).contains(message), qPrintable(r.err + r.out));
        // A run that never started leaves nothing in the store.
        QCOMPARE(runs().size(), before);
    }

    void runsOfAMissingProject()
    {
        const CliResult r = runCli({"runs", dir_.path() + "/none.strata"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("none.strata"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliRuns)
#include "test_cli_runs.moc"
