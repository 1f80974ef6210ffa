// bf16 mixed precision as a training setting: an MLP and an MNIST-like CNN learn in bf16 and
// compute what fp32 computes within bf16's rounding; checkpoints and exports stay fp32, and a
// checkpoint resumes in either precision; the setting's JSON form; devices that refuse it.
// The numeric tests are skipped on a CPU without AVX512-BF16 or AMX.

#include "source_dir.h"
#include "strata/backend.h"
#include "strata/export.h"
#include "strata/network.h"
#include "strata/trainer.h"

#include <QtTest>

#include <cmath>
#include <fstream>
#include <set>

using namespace strata;

namespace {

std::string bf16Missing()
{
    return createBackend("cpu")->precisionRefusal(Precision::Bf16);
}

// Two spirals through two hidden Dense layers (as the example).
Project mlp(int epochs)
{
    Project p = loadProject(test::sourceDir() + "/projects/spirals.strata");
    p.training.epochs = epochs;
    p.training.threads = 2;
    return p;
}

// The Keras MNIST CNN (two convolutions, max pooling, two Dense layers) on 1,024 Fashion-MNIST
// images, with Adam so that two epochs show learning.
Project cnn(int epochs)
{
    Project p = loadProject(test::sourceDir() + "/projects/keras_mnist_cnn.strata");
    p.dataset.limit = 1024;
    p.training.optimizer = OptimizerSpec{};
    p.training.epochs = epochs;
    p.training.threads = 2;
    return p;
}

// ‖a − b‖ / ‖b‖.
double relativeL2(const Tensor &a, const Tensor &b)
{
    double diff = 0, norm = 0;
    for (int64_t i = 0; i < b.numel(); ++i) {
        const double d = double(a.data()[i]) - double(b.data()[i]);
        diff += d * d;
        norm += double(b.data()[i]) * double(b.data()[i]);
    }
    return std::sqrt(diff / std::max(norm, 1e-30));
}

// The dtype of every tensor in a safetensors file, read from its header (the reader converts
// BF16 to float, so it cannot tell).
std::set<std::string> dtypesIn(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    uint64_t size = 0;
    in.read(reinterpret_cast<char *>(&size), 8);
    std::string header(size, ' ');
    in.read(header.data(), static_cast<std::streamsize>(size));
    std::set<std::string> dtypes;
    const nlohmann::json tensors = nlohmann::json::parse(header);
    for (const auto &[name, entry] : tensors.items())
        if (name != "__metadata__")
            dtypes.insert(entry.at("dtype").get<std::string>());
    return dtypes;
}

FinishedEvent train(const Project &p, TrainerOptions options, std::vector<EpochMetrics> *history,
                    std::vector<std::pair<std::string, Tensor>> *weights = nullptr)
{
    Trainer t(p, test::sourceDir() + "/projects", options);
    FinishedEvent f = t.run();
    if (history)
        *history = t.history();
    if (weights && t.network())
        *weights = t.network()->weightsToHost();
    return f;
}

} // namespace

class TestBf16Training : public QObject
{
    Q_OBJECT

private slots:
    void learnsInBf16_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("mlp") << "mlp";
        QTest::newRow("mnist cnn") << "cnn";
    }
    // Trains in bf16 (the loss falls), then the trained weights give the same outputs in a
    // bf16 network as in an fp32 one, within bf16's rounding.
    void learnsInBf16()
    {
        if (const std::string why = bf16Missing(); !why.empty())
            QSKIP(why.c_str());
        QFETCH(QString, model);
        Project p = model == "mlp" ? mlp(4) : cnn(2);
        p.training.precision = "bf16";
        std::vector<EpochMetrics> history;
        std::vector<std::pair<std::string, Tensor>> weights;
        QElapsedTimer clock;
        clock.start();
        const FinishedEvent f = train(p, {}, &history, &weights);
        qInfo("trained in %lld ms", static_cast<long long>(clock.elapsed()));
        QVERIFY2(f.reason == FinishedEvent::Reason::Completed, f.message.c_str());
        QVERIFY(std::isfinite(history.back().loss));
        QVERIFY2(
            history.back().loss < 0.9 * history.front().loss,
            qPrintable(QString("loss %1 → %2").arg(history.front().loss).arg(history.back().loss)));

        auto cpu = createBackend("cpu");
        const LossKind loss = parseLossKind(p.training.loss);
        Network fp32(p.graph, *cpu, loss, InitConvention::Keras, 1);
        Network bf16(p.graph, *cpu, loss, InitConvention::Keras, 1);
        bf16.setPrecision(Precision::Bf16);
        QVERIFY(bf16.precision() == Precision::Bf16);
        fp32.loadWeights(weights);
        bf16.loadWeights(weights);
        Shape shape = fp32.inputShape();
        shape.insert(shape.begin(), 32);
        Tensor x(shape);
        Rng rng(3);
        for (int64_t i = 0; i < x.numel(); ++i)
            x.data()[i] = rng.uniformFloat(0, 1);
        fp32.evaluate(x);
        bf16.evaluate(x);
        const double err = relativeL2(bf16.probabilities(), fp32.probabilities());
        qInfo("bf16 against fp32 outputs: relative L2 error %.2g", err);
        QVERIFY2(err < 1e-2, qPrintable(QString::number(err)));
        QVERIFY(err > 0); // it did compute in bf16
    }

    // Stopped after 2 of 4 epochs in one precision, continued from its checkpoint in the
    // other. Checkpoints, final weights and exports hold fp32 tensors either way.
    void checkpointResumesAcrossPrecisions_data()
    {
        QTest::addColumn<QString>("first");
        QTest::addColumn<QString>("second");
        QTest::newRow("bf16 then fp32") << "bf16"
                                        << "fp32";
        QTest::newRow("fp32 then bf16") << "fp32"
                                        << "bf16";
    }
    void checkpointResumesAcrossPrecisions()
    {
        if (const std::string why = bf16Missing(); !why.empty())
            QSKIP(why.c_str());
        QFETCH(QString, first);
        QFETCH(QString, second);
        QTemporaryDir dir;
        const std::string out = dir.path().toStdString();
        Project p = mlp(4);
        p.training.precision = first.toStdString();
        TrainerOptions before;
        before.outDir = out;
        before.epochs = 2;
        std::vector<EpochMetrics> h1;
        FinishedEvent f = train(p, before, &h1);
        QVERIFY2(f.reason == FinishedEvent::Reason::Completed, f.message.c_str());
        QCOMPARE(dtypesIn(out + "/checkpoint.safetensors"), std::set<std::string>{"F32"});
        QCOMPARE(dtypesIn(out + "/final.safetensors"), std::set<std::string>{"F32"});

        TrainerOptions after;
        after.resumeFrom = out + "/checkpoint.safetensors";
        after.precision = second.toStdString();
        std::vector<EpochMetrics> h2;
        f = train(p, after, &h2);
        QVERIFY2(f.reason == FinishedEvent::Reason::Completed, f.message.c_str());
        QCOMPARE(h2.size(), size_t(4));
        QVERIFY(std::isfinite(h2.back().loss));
        QVERIFY(h2.back().loss < h1.front().loss);

        const std::string exported = out + "/model.safetensors";
        exportSafetensors(p, loadWeights(out + "/final.safetensors"), exported);
        QCOMPARE(dtypesIn(exported), std::set<std::string>{"F32"});
    }

    void refusedWhereNotNative()
    {
        Project p = mlp(1);
        p.training.precision = "bf16";
        TrainerOptions options;
        options.device = "reference";
        FinishedEvent f = train(p, options, nullptr);
        QCOMPARE(int(f.reason), int(FinishedEvent::Reason::Failed));
        QVERIFY2(QString::fromStdString(f.message).contains("fp32 only"), f.message.c_str());
        // On the CPU it is refused only where the CPU lacks AVX512-BF16 and AMX, by name.
        if (const std::string why = bf16Missing(); !why.empty()) {
            f = train(p, {}, nullptr);
            QCOMPARE(int(f.reason), int(FinishedEvent::Reason::Failed));
            QVERIFY2(QString::fromStdString(f.message).contains("AVX512-BF16"), f.message.c_str());
        }
    }

    void precisionNames()
    {
        QVERIFY(parsePrecision("fp32") == Precision::Fp32);
        QVERIFY(parsePrecision("bf16") == Precision::Bf16);
        QCOMPARE(toString(Precision::Bf16), std::string("bf16"));
        for (const char *bad : {"fp16", "BF16", "", "bfloat16"}) {
            try {
                parsePrecision(bad);
                QFAIL(bad);
            } catch (const Error &e) {
                QVERIFY2(QString(e.what()).contains("choose fp32 or bf16"), e.what());
            }
        }
    }

    // Written only when not fp32, so projects saved before stay byte-identical.
    void projectJson()
    {
        TrainingSpec spec;
        QVERIFY(!toJson(spec).contains("precision"));
        spec.precision = "bf16";
        const nlohmann::json j = toJson(spec);
        QCOMPARE(j.at("precision").get<std::string>(), std::string("bf16"));
        QCOMPARE(trainingSpecFromJson(j, "/training").precision, std::string("bf16"));
        for (const std::string &file : test::exampleProjectFiles()) {
            const nlohmann::json saved = toJson(loadProject(file));
            QVERIFY2(!saved.at("training").contains("precision"), file.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestBf16Training)
#include "test_bf16_training.moc"
