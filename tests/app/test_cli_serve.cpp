// strata-cli serve as a user runs it: the address it prints, predictions equal to
// strata-cli predict's for the same rows, a damaged weights file refused on stderr while the
// model keeps answering, SIGTERM ending it cleanly, and bad arguments, a port in use and
// missing files each told with a non-zero exit code.

#include "cli_process.h"
#include "raw_http.h"

#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <csignal>

using strata::test::cliPath;
using strata::test::examplePath;
using strata::test::httpRequest;
using strata::test::runCli;

namespace {

// strata-cli serve started, with the port it printed.
struct Served
{
    std::unique_ptr<QProcess> process = std::make_unique<QProcess>();
    int port = 0;
    QString out;
};

Served startServe(const QStringList &args)
{
    Served s;
    s.process->start(cliPath(), QStringList{"serve"} + args);
    const QRegularExpression address("http://127\\.0\\.0\\.1:(\\d+)/v1/models/");
    for (int i = 0; i < 600 && s.port == 0; ++i) {
        if (!s.process->waitForReadyRead(100) && s.process->state() != QProcess::Running)
            break;
        s.out += QString::fromUtf8(s.process->readAllStandardOutput());
        const auto m = address.match(s.out);
        if (m.hasMatch())
            s.port = m.captured(1).toInt();
    }
    return s;
}

int stopServe(Served &s)
{
    ::kill(pid_t(s.process->processId()), SIGTERM);
    if (!s.process->waitForFinished(20000)) {
        s.process->kill();
        s.process->waitForFinished();
        return -1;
    }
    s.out += QString::fromUtf8(s.process->readAllStandardOutput());
    return s.process->exitStatus() == QProcess::NormalExit ? s.process->exitCode() : -2;
}

} // namespace

class TestCliServe : public QObject
{
    Q_OBJECT

    QTemporaryDir dir_;
    QString project_, weights_;
    QString file(const QString &name) const { return dir_.filePath(name); }

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        project_ = examplePath("spirals.strata");
        weights_ = file("spirals.safetensors");
        const auto r = runCli({"export", project_, "--format", "safetensors", "--out", weights_});
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }

    void predictsAsPredictDoes()
    {
        QFile csv(file("rows.csv"));
        QVERIFY(csv.open(QIODevice::WriteOnly));
        csv.write("0.5,-1\n2,0.25\n-3,1.5\n");
        csv.close();
        const auto predicted =
            runCli({"predict", project_, "--weights", weights_, "--input", csv.fileName()});
        QVERIFY2(predicted.code == 0, qPrintable(predicted.err));
        const QStringList lines = predicted.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 4); // a header and three rows

        Served s = startServe({project_, "--weights", weights_, "--port", "0", "--watch", "0.1"});
        QVERIFY2(s.port > 0, qPrintable(s.out + s.process->readAllStandardError()));
        QVERIFY(s.out.contains("Only this machine can connect"));
        // The program starts itself again for OpenMP's wait policy (engine/startup/): by its
        // own name, so that ps, top and pkill see "strata-cli", not "exe".
        QFile comm(QStringLiteral("/proc/%1/comm").arg(s.process->processId()));
        if (comm.open(QIODevice::ReadOnly))
            QCOMPARE(QString::fromUtf8(comm.readAll()).trimmed(), QStringLiteral("strata-cli"));
        const auto a = httpRequest(s.port, "POST", "/v1/models/spirals:predict",
                                   R"({"instances": [[0.5, -1], [2, 0.25], [-3, 1.5]]})");
        QCOMPARE(a.status, 200);
        const QJsonArray predictions =
            QJsonDocument::fromJson(QByteArray::fromStdString(a.body))["predictions"].toArray();
        QCOMPARE(predictions.size(), 3);
        for (int i = 0; i < 3; ++i) {
            const QStringList want = lines[i + 1].split(',');
            const QJsonArray got = predictions[i].toObject()["probabilities"].toArray();
            QCOMPARE(got.size(), want.size());
            for (int c = 0; c < got.size(); ++c)
                QVERIFY(std::abs(got[c].toDouble() - want[c].toDouble()) < 6e-7);
        }

        // A damaged file is refused, said on stderr, and the model keeps answering.
        QFile::remove(file("served.safetensors"));
        QVERIFY(QFile::copy(weights_, file("served.safetensors")));
        Served w = startServe({project_, "--weights", file("served.safetensors"), "--port", "0",
                               "--watch", "0.1", "--name", "spiral-model"});
        QVERIFY(w.port > 0);
        QFile damaged(file("served.safetensors"));
        QVERIFY(damaged.open(QIODevice::WriteOnly | QIODevice::Truncate));
        damaged.write("not weights");
        damaged.close();
        QString err;
        for (int i = 0; i < 100 && !err.contains("refused"); ++i) {
            w.process->waitForReadyRead(100);
            err += QString::fromUtf8(w.process->readAllStandardError());
        }
        QVERIFY2(err.contains("version 1 keeps serving"), qPrintable(err));
        QCOMPARE(httpRequest(w.port, "POST", "/v1/models/spiral-model:predict",
                             R"({"instances": [[0.5, -1]]})")
                     .status,
                 200);
        QCOMPARE(stopServe(w), 0);
        QCOMPARE(stopServe(s), 0);
        QVERIFY(s.out.contains("Stopped."));
    }

    void portInUse()
    {
        Served s = startServe({project_, "--weights", weights_, "--port", "0", "--watch", "0"});
        QVERIFY(s.port > 0);
        const auto r = runCli(
            {"serve", project_, "--weights", weights_, "--port", QString::number(s.port)}, 30000);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("in use"), qPrintable(r.err));
        QCOMPARE(stopServe(s), 0);
    }

    void badArguments_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("says");
        QTest::newRow("no weights") << QStringList{"@project"} << 2 << "needs --weights";
        QTest::newRow("no project") << QStringList{"--weights", "@weights"} << 2 << "one project";
        QTest::newRow("bad port") << QStringList{"@project", "--weights", "@weights", "--port",
                                                 "70000"}
                                  << 2 << "--port takes";
        QTest::newRow("bad watch")
            << QStringList{"@project", "--weights", "@weights", "--watch", "soon"} << 2
            << "--watch takes seconds";
        QTest::newRow("unknown option")
            << QStringList{"@project", "--weights", "@weights", "--batch", "4"} << 2 << "batch";
        QTest::newRow("missing weights")
            << QStringList{"@project", "--weights", "@missing"} << 1 << "missing.safetensors";
        QTest::newRow("bad name") << QStringList{"@project", "--weights", "@weights", "--name",
                                                 "a/b"}
                                  << 1 << "cannot be a model's name";
        QTest::newRow("not an address")
            << QStringList{"@project", "--weights", "@weights", "--host", "203.0.113.7"} << 1
            << "cannot listen";
    }

    void badArguments()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, says);
        for (QString &a : args)
            a = a == "@project"   ? project_
                : a == "@weights" ? weights_
                : a == "@missing" ? file("missing.safetensors")
                                  : a;
        const auto r = runCli(QStringList{"serve"} + args, 30000);
        QCOMPARE(r.code, code);
        QVERIFY2(r.err.contains(says), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliServe)
#include "test_cli_serve.moc"
