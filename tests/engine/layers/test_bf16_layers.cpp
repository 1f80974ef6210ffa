// Conv2D and Dense in bf16 mixed precision on the CPU: outputs, input gradients and weight
// gradients against the fp32 reference kernels, within what bf16's 8-bit mantissa allows;
// which CPUs the backend accepts bf16 on. The numeric checks are skipped on a CPU without
// AVX512-BF16 or AMX (the backend refuses bf16 there).

#include "backends/cpu/cpu_backend.h"
#include "layer_harness.h"

#include <QtTest>

#include <cmath>

using namespace strata;
using namespace strata::testing;

namespace {

// ‖a − b‖ / ‖b‖: bf16 rounds each product's inputs to 8 significant bits (relative error
// 2⁻⁹), so sums of many products land about 4e-3 from fp32; 1e-2 leaves room, and a wrong
// layout or a missed conversion lands near 1.
double relativeL2(const Tensor &a, const Tensor &b)
{
    if (a.numel() != b.numel())
        return INFINITY;
    double diff = 0, norm = 0;
    for (int64_t i = 0; i < a.numel(); ++i) {
        const double d = double(a.data()[i]) - double(b.data()[i]);
        diff += d * d;
        norm += double(b.data()[i]) * double(b.data()[i]);
    }
    return std::sqrt(diff / std::max(norm, 1e-30));
}

std::string bf16Missing()
{
    return internal::bf16Refusal(dnnl::get_effective_cpu_isa());
}

// The case in bf16 on the CPU against the fp32 reference: the largest relative L2 error over
// the output, the input gradients and the weight gradients, with the worst one named.
double bf16Error(LayerCase c, std::string *worst)
{
    c.precision = Precision::Bf16;
    LayerHarness fast(c, "cpu");
    c.precision = Precision::Fp32;
    c.inputBlock = 1; // the harness converts layouts, so the reference sees the same values
    c.blockedOutputAllowed = false;
    LayerHarness ref(c, "reference");
    fast.forward();
    ref.forward();
    Tensor gy(ref.output.shape());
    Rng rng(c.seed + 11);
    for (int64_t i = 0; i < gy.numel(); ++i)
        gy.data()[i] = rng.uniformFloat(-1, 1);
    fast.backward(gy);
    ref.backward(gy);
    double most = 0;
    auto note = [&](const std::string &what, const Tensor &a, const Tensor &b) {
        const double e = relativeL2(a, b);
        if (e > most || std::isnan(e)) {
            most = std::isnan(e) ? INFINITY : e;
            *worst = what + ": relative L2 error " + std::to_string(e);
        }
    };
    note("output", fast.output, ref.output);
    for (size_t i = 0; i < ref.inputGrads.size(); ++i)
        note("input gradient", fast.inputGrads[i], ref.inputGrads[i]);
    for (size_t i = 0; i < ref.weightGrads.size(); ++i)
        note(ref.weightSpecs[i].name + " gradient", fast.weightGrads[i], ref.weightGrads[i]);
    qInfo("%s", worst->c_str());
    return most;
}

LayerCase convCase(int filters, int kernel, int stride, const std::string &padding, bool bias,
                   int groups, Shape input)
{
    LayerCase c;
    c.node = Node{"conv",
                  "Conv2D",
                  "conv",
                  {{"filters", filters},
                   {"kernel", kernel},
                   {"stride", stride},
                   {"padding", padding},
                   {"bias", bias},
                   {"groups", groups}}};
    c.inputShapes = {std::move(input)};
    return c;
}

} // namespace

class TestBf16Layers : public QObject
{
    Q_OBJECT

private slots:
    void conv2DMatchesFp32_data()
    {
        QTest::addColumn<int>("filters");
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("stride");
        QTest::addColumn<QString>("padding");
        QTest::addColumn<bool>("bias");
        QTest::addColumn<int>("groups");
        QTest::addColumn<int>("channels");
        QTest::addColumn<bool>("blocked"); // blocked input and output layouts allowed
        QTest::newRow("3x3 valid, bias") << 16 << 3 << 1 << "valid" << true << 1 << 8 << false;
        QTest::newRow("3x3 same, no bias") << 32 << 3 << 1 << "same" << false << 1 << 16 << false;
        QTest::newRow("5x5 stride 2") << 16 << 5 << 2 << "same" << true << 1 << 3 << false;
        QTest::newRow("grouped") << 16 << 3 << 1 << "same" << true << 2 << 16 << false;
        QTest::newRow("blocked layouts") << 32 << 3 << 1 << "same" << true << 1 << 16 << true;
    }
    void conv2DMatchesFp32()
    {
        if (const std::string why = bf16Missing(); !why.empty())
            QSKIP(why.c_str());
        QFETCH(int, filters);
        QFETCH(int, kernel);
        QFETCH(int, stride);
        QFETCH(QString, padding);
        QFETCH(bool, bias);
        QFETCH(int, groups);
        QFETCH(int, channels);
        QFETCH(bool, blocked);
        LayerCase c = convCase(filters, kernel, stride, padding.toStdString(), bias, groups,
                               {4, channels, 12, 12});
        if (blocked) {
            c.inputBlock = 16;
            c.blockedOutputAllowed = true;
        }
        std::string worst;
        const double err = bf16Error(c, &worst);
        QVERIFY2(err < 1e-2, worst.c_str());
        QVERIFY2(err > 0, "bf16 gave fp32's exact results: did it compute in fp32?");
    }

    void denseMatchesFp32_data()
    {
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("inputs");
        QTest::addColumn<int>("units");
        QTest::addColumn<bool>("bias");
        QTest::newRow("small, bias") << 8 << 53 << 37 << true;
        QTest::newRow("no bias") << 16 << 64 << 10 << false;
        // The shape that takes the transposed GEMM in fp32 (dense_cpu.cpp).
        QTest::newRow("large weights, small batch") << 8 << 1024 << 1024 << true;
    }
    void denseMatchesFp32()
    {
        if (const std::string why = bf16Missing(); !why.empty())
            QSKIP(why.c_str());
        QFETCH(int, batch);
        QFETCH(int, inputs);
        QFETCH(int, units);
        QFETCH(bool, bias);
        LayerCase c;
        c.node = Node{"fc", "Dense", "fc", {{"units", units}, {"bias", bias}}};
        c.inputShapes = {{batch, inputs}};
        std::string worst;
        const double err = bf16Error(c, &worst);
        QVERIFY2(err < 1e-2, worst.c_str());
        QVERIFY2(err > 0, "bf16 gave fp32's exact results: did it compute in fp32?");
    }

    void refusalNamesTheMissingInstructionSet()
    {
        using I = dnnl::cpu_isa;
        QVERIFY(internal::bf16Refusal(I::avx512_core_bf16).empty());
        QVERIFY(internal::bf16Refusal(I::avx512_core_amx).empty());
        for (I isa : {I::avx2, I::avx512_core, I::avx512_core_vnni, I::avx2_vnni}) {
            const QString why = QString::fromStdString(internal::bf16Refusal(isa));
            QVERIFY2(why.contains("AVX512-BF16") && why.contains("AMX"), qPrintable(why));
            QVERIFY2(why.contains("choose fp32"), qPrintable(why));
        }
        QVERIFY(QString::fromStdString(internal::bf16Refusal(I::avx2)).contains("is AVX2"));
    }

    void referenceBackendRefusesBf16()
    {
        const auto reference = createBackend("reference");
        QVERIFY(reference->precisionRefusal(Precision::Fp32).empty());
        const QString why = QString::fromStdString(reference->precisionRefusal(Precision::Bf16));
        QVERIFY2(why.contains("fp32 only") && why.contains("CPU"), qPrintable(why));
        const auto cpu = createBackend("cpu");
        QVERIFY(cpu->precisionRefusal(Precision::Fp32).empty());
        QCOMPARE(cpu->precisionRefusal(Precision::Bf16), bf16Missing());
    }
};

QTEST_GUILESS_MAIN(TestBf16Layers)
#include "test_bf16_layers.moc"
