// strata-cli train --precision: bf16 mixed precision trains and writes fp32 weights; a CPU
// without AVX512-BF16 (simulated with oneDNN's ONEDNN_MAX_CPU_ISA) and the reference backend
// refuse it by name; other values are usage errors.

#include "cli_process.h"

#include <QtTest>

namespace {

using strata::test::CliResult;

CliResult runWith(const QStringList &args, const QString &maxIsa = {})
{
    QProcess p;
    if (!maxIsa.isEmpty()) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("ONEDNN_MAX_CPU_ISA", maxIsa);
        p.setProcessEnvironment(env);
    }
    p.start(strata::test::cliPath(), args);
    if (!p.waitForFinished(300000)) {
        p.kill();
        p.waitForFinished();
        return {-1, {}, "timed out"};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// The dtypes named in a safetensors file's header.
QString headerOf(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray size = f.read(8);
    quint64 n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | quint8(size[i]);
    return QString::fromUtf8(f.read(qint64(n)));
}

// Whether this CPU runs bf16 natively, as the CLI reports it (empty: yes).
QString bf16Missing(const QString &dir)
{
    const CliResult r = runWith({"train", strata::test::examplePath("xor.strata"), "--out",
                                 dir + "/probe", "--epochs", "1", "--precision", "bf16"});
    return r.code == 0 ? QString() : r.err;
}

} // namespace

class TestCliPrecision : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir dir;
    QString xor_ = strata::test::examplePath("xor.strata");

private slots:
    void trainsInBf16()
    {
        if (const QString why = bf16Missing(dir.path()); !why.isEmpty()) {
            QVERIFY2(why.contains("AVX512-BF16"), qPrintable(why));
            QSKIP(qPrintable(why));
        }
        const QString out = dir.path() + "/bf16";
        const CliResult r = runWith(
            {"train", xor_, "--out", out, "--epochs", "30", "--precision", "bf16", "--quiet"});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains("Epoch 30/30"), qPrintable(r.out));
        QVERIFY2(r.out.contains("bf16 mixed precision"), qPrintable(r.out)); // "Training on"
        const QString header = headerOf(out + "/final.safetensors");
        QVERIFY2(header.contains("\"F32\"") && !header.contains("BF16"), qPrintable(header));
        QVERIFY(headerOf(out + "/checkpoint.safetensors").contains("\"F32\""));
        // The checkpoint continues in fp32.
        const CliResult resumed = runWith({"train", xor_, "--out", out + "-fp32", "--resume",
                                           out + "/checkpoint.safetensors", "--epochs", "40",
                                           "--precision", "fp32", "--quiet"});
        QVERIFY2(resumed.code == 0, qPrintable(resumed.out + resumed.err));
        QVERIFY2(resumed.out.contains("Epoch 40/40"), qPrintable(resumed.out));
    }

    void refusedByName_data()
    {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QString>("maxIsa");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("a CPU with AVX2 only") << QStringList{"--precision", "bf16"} << "AVX2" << 1
                                              << "needs a CPU with AVX512-BF16 or AMX";
        QTest::newRow("a CPU with AVX-512 but not its bf16")
            << QStringList{"--precision", "bf16"} << "AVX512_CORE_VNNI" << 1 << "AVX512-BF16";
        QTest::newRow("the reference backend")
            << QStringList{"--precision", "bf16", "--device", "reference"} << "" << 1
            << "computes in fp32 only";
        QTest::newRow("fp16") << QStringList{"--precision", "fp16"} << "" << 2
                              << "--precision: Unknown precision 'fp16': choose fp32 or bf16";
        QTest::newRow("upper case")
            << QStringList{"--precision", "BF16"} << "" << 2 << "choose fp32 or bf16";
        QTest::newRow("no value") << QStringList{"--precision"} << "" << 2 << "needs a value";
    }
    void refusedByName()
    {
        QFETCH(QStringList, extra);
        QFETCH(QString, maxIsa);
        QFETCH(int, code);
        QFETCH(QString, message);
        const CliResult r = runWith(
            QStringList{"train", xor_, "--out", dir.path() + "/refused", "--epochs", "1"} + extra,
            maxIsa);
        QCOMPARE(r.code, code);
        QVERIFY2((r.err + r.out).contains(message), qPrintable(r.err + r.out));
    }
};

QTEST_GUILESS_MAIN(TestCliPrecision)
#include "test_cli_precision.moc"
