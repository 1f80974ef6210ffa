// strata-cli stats: a stored run's weight and gradient statistics per tensor at an epoch, the
// layers' norms over the epochs, a weights file's statistics, and clear messages where there
// are none.

#include "cli_process.h"
#include "example_variant.h"

#include <QtTest>

using namespace strata::test;

class TestCliStats : public QObject
{
    Q_OBJECT

    QTemporaryDir dir_;
    QString project_;

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        project_ = dir_.path() + "/xor.strata";
        QVERIFY(writeExampleVariant("xor.strata", project_,
                                    {{"training", QJsonObject{{"epochs", 5}}}}));
    }

    void noRunYet()
    {
        const CliResult r = runCli({"stats", project_});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("no runs yet") && r.err.contains("--weights"), qPrintable(r.err));
    }

    void aRunsStatistics()
    {
        const CliResult t = runCli({"train", project_, "--quiet"});
        QVERIFY2(t.code == 0, qPrintable(t.out + t.err));
        const CliResult r = runCli({"stats", project_});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.startsWith("run-1, epoch 5: weights after it, gradients of its last batch"),
                 qPrintable(r.out));
        for (const char *tensor : {"hidden.weight", "hidden.bias", "out.weight", "out.bias"})
            QVERIFY2(r.out.contains(QString("\n") + tensor + " "), tensor);
        QVERIFY(r.out.contains("grad norm"));
        // The norms table: a header with the two layers, then one line per epoch.
        const QStringList lines = r.out.split('\n');
        const int header = int(lines.indexOf(QRegularExpression("^epoch +hidden +out *$")));
        QVERIFY2(header > 0, qPrintable(r.out));
        for (int e = 1; e <= 5; ++e)
            QVERIFY2(lines.value(header + e).startsWith(QString::number(e) + " "),
                     qPrintable(lines.value(header + e)));
        const CliResult second = runCli({"stats", project_, "--run", "run-1", "--epoch", "2"});
        QVERIFY2(second.code == 0, qPrintable(second.err));
        QVERIFY(second.out.startsWith("run-1, epoch 2:"));
        QVERIFY(second.out != r.out);
    }

    void aWeightsFile()
    {
        const CliResult r = runCli(
            {"stats", project_, "--weights", dir_.path() + "/xor.runs/run-1/final.safetensors"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("hidden.weight  4x2"));
        QVERIFY(!r.out.contains("grad norm")); // a weights file has no gradients
    }

    void badArguments_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("epoch out of range") << QStringList{"--epoch", "9"} << 2 << "1 to 5";
        QTest::newRow("unknown run") << QStringList{"--run", "run-7"} << 1 << "run-7";
        QTest::newRow("both sources")
            << QStringList{"--run", "run-1", "--weights", "x"} << 2 << "not both";
        QTest::newRow("missing weights file")
            << QStringList{"--weights", "/nonexistent.safetensors"} << 1
            << "/nonexistent.safetensors";
    }
    void badArguments()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        const CliResult r = runCli(QStringList{"stats", project_} + args);
        QCOMPARE(r.code, code);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliStats)
#include "test_cli_stats.moc"
