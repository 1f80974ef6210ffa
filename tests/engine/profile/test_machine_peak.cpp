// The machine's measured fp32 and bf16 peaks, and the layers' achieved GFLOP/s described against
// it.

#include "strata/backend.h"
#include "strata/errors.h"
#include "strata/machine_peak.h"
#include "strata/profile.h"

#include <QtTest>

using namespace strata;

class TestMachinePeak : public QObject
{
    Q_OBJECT

private slots:
    void measuresAProduct()
    {
        const MachinePeak peak = measureFp32Peak(1, 0.05);
        QCOMPARE(peak.threads, 1);
        QVERIFY(peak.gflops > 0.1); // any CPU of this century
        QVERIFY(peak.gflops < 1e5); // and no clock that stood still
        QVERIFY(peak.seconds >= 0.05);
    }

    // bf16 products with fp32 accumulation, or a refusal naming what the CPU lacks.
    void measuresABf16ProductOrSaysWhyNot()
    {
        const std::string missing = createBackend("cpu")->precisionRefusal(Precision::Bf16);
        try {
            const MachinePeak peak = measurePeak(Precision::Bf16, 1, 0.05);
            QVERIFY2(missing.empty(), "measured bf16 where the backend refuses it");
            QVERIFY(peak.precision == Precision::Bf16);
            QCOMPARE(peak.threads, 1);
            QVERIFY(peak.gflops > 0.1);
            QVERIFY(peak.gflops < 1e5);
        } catch (const BackendError &e) {
            QCOMPARE(std::string(e.what()), missing);
            QVERIFY2(QString(e.what()).contains("AVX512-BF16"), e.what());
        }
        QVERIFY(measurePeak(Precision::Fp32, 1, 0.01).precision == Precision::Fp32);
    }

    void describesTheLayersAgainstIt()
    {
        ProfileReport report;
        NodeProfile small, big, none;
        small.name = small.id = "small";
        small.type = "Dense";
        small.flops = 1e6;
        small.ms[size_t(ProfilePhase::Forward)] = 1; // 1 GFLOP/s
        big.name = big.id = "big";
        big.type = "Conv2D";
        big.flops = 5e7;
        big.ms[size_t(ProfilePhase::Forward)] = 1; // 50 GFLOP/s
        none.name = none.id = "relu";
        none.type = "ReLU";
        report.nodes = {small, big, none};
        MachinePeak peak;
        peak.gflops = 100;
        peak.threads = 2;
        peak.seconds = 0.5;
        const QString text = QString::fromStdString(describeAgainstPeak(report, peak));
        QVERIFY2(text.contains("fp32 peak on 2 threads: 100.0 GFLOP/s"), qPrintable(text));
        QVERIFY(text.contains("50.0% of the peak"));
        QVERIFY(text.contains("1.0% of the peak"));
        QVERIFY(text.indexOf("big") < text.indexOf("small")); // the most FLOPs first
        QVERIFY(!text.contains("relu"));                      // no FLOPs timed: no rate
        peak.precision = Precision::Bf16;
        const QString bf16 = QString::fromStdString(describeAgainstPeak(report, peak));
        QVERIFY2(bf16.contains("bf16 peak on 2 threads"), qPrintable(bf16));
    }
};

QTEST_GUILESS_MAIN(TestMachinePeak)
#include "test_machine_peak.moc"
