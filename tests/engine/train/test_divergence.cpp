// Divergence that stays finite: with a learning rate of 1e6 the examples used to "complete"
// with chance accuracy and weights near 1e16, overwriting every checkpoint. Now the run stops
// with a message that suggests a smaller learning rate, and the last checkpoint stays a good
// one. At their normal settings the examples never raise the alarm.

#include "source_dir.h"
#include "strata/safetensors.h"
#include "strata/trainer.h"
#include "train/divergence.h"

#include <QtTest>

#include <cmath>

using namespace strata;
using strata::internal::DivergenceWatch;
using strata::test::sourceDir;

namespace {

// The largest weight magnitude in a checkpoint or weights file (0 when it has none).
double maxAbsWeight(const std::string &path)
{
    double m = 0;
    for (const auto &[name, t] : readSafetensors(path).tensors)
        for (int64_t i = 0; i < t.numel(); ++i)
            m = std::max(m, static_cast<double>(std::fabs(t.data()[i])));
    return m;
}

QString reasonOf(FinishedEvent::Reason reason)
{
    return QString::fromStdString(toString(reason));
}

} // namespace

class TestDivergence : public QObject
{
    Q_OBJECT

private slots:
    void watchRules()
    {
        DivergenceWatch ce(LossKind::CrossEntropy, 10); // chance ln 10 = 2.30
        QVERIFY(!ce.onBatchLoss(2.3));                  // the first read sets the reference
        // A few spikes far above are not divergence...
        for (int i = 0; i < DivergenceWatch::kReadsAbove - 1; ++i)
            QVERIFY(!ce.onBatchLoss(50));
        QVERIFY(!ce.onBatchLoss(1.0)); // ...and a normal read resets the count.
        for (int i = 0; i < DivergenceWatch::kReadsAbove - 1; ++i)
            QVERIFY(!ce.onBatchLoss(50));
        const auto why = ce.onBatchLoss(50);
        QVERIFY(why);
        QVERIFY2(why->find("the loss rose to 50, far above its first value 2.3 and chance "
                           "2.303, for 8 reads in a row") != std::string::npos,
                 why->c_str());

        DivergenceWatch bce(LossKind::BinaryCrossEntropy, 2);
        QVERIFY(!bce.onEpochEnd(0.7, 3.0)); // nothing read yet, ordinary weights
        QVERIFY(!bce.onBatchLoss(0.7));
        QVERIFY(!bce.onEpochEnd(3.0, 40.0)); // below 4 × 0.69 + 1
        QVERIFY(bce.onEpochEnd(6.0, 40.0));  // far above, over a whole epoch
        const auto weights = bce.onEpochEnd(0.1, 3e16);
        QVERIFY(weights);
        QVERIFY2(weights->find("weights grew to 3e+16") != std::string::npos, weights->c_str());

        DivergenceWatch mse(LossKind::MeanSquaredError, 1); // no chance level: the first read
        QVERIFY(!mse.onBatchLoss(0.01));
        QVERIFY(!mse.onEpochEnd(1.0, 1.0)); // 4 × 0.01 + 1 = 1.04
        QVERIFY(mse.onEpochEnd(1e10, 1.0));
    }

    // A learning rate of 1e6 on every example whose data Strata generates.
    void hugeLearningRateStops_data()
    {
        QTest::addColumn<QString>("example");
        QTest::addColumn<QString>("optimizer");
        for (const char *name : {"or_gate", "xor", "spirals", "keras_mlp_dummy"})
            for (const char *optimizer : {"sgd", "adam"})
                QTest::newRow(qPrintable(QString("%1, %2").arg(name, optimizer)))
                    << name << optimizer;
    }
    void hugeLearningRateStops()
    {
        QFETCH(QString, example);
        QFETCH(QString, optimizer);
        Project p = loadProject(sourceDir() + "/projects/" + example.toStdString() + ".strata");
        p.training.optimizer.type = optimizer.toStdString();
        p.training.optimizer.momentum = 0;
        p.training.optimizer.lr = 1e6;
        p.training.epochs = std::min(p.training.epochs, 60);
        p.training.earlyStoppingPatience = 0;
        QTemporaryDir dir;
        TrainerOptions o;
        o.outDir = dir.path().toStdString();
        Trainer t(p, sourceDir() + "/projects", o);
        const FinishedEvent f = t.run();
        QCOMPARE(reasonOf(f.reason), reasonOf(FinishedEvent::Reason::Diverged));
        QVERIFY2(f.message.find("Lower the learning rate (now 1e+06)") != std::string::npos,
                 f.message.c_str());
        // No final weights for a diverged run, and the checkpoint (if an epoch ended before
        // the alarm) holds weights no diverged run has.
        QVERIFY(!QFile::exists(dir.filePath("final.safetensors")));
        const std::string checkpoint = o.outDir + "/checkpoint.safetensors";
        if (QFile::exists(QString::fromStdString(checkpoint)))
            QVERIFY2(maxAbsWeight(checkpoint) < DivergenceWatch::kMaxWeight, f.message.c_str());
        qInfo("%s", f.message.c_str());
    }

    // No false alarms: each generated-data example at its own settings trains to its end.
    void examplesAtTheirSettingsComplete_data()
    {
        QTest::addColumn<QString>("example");
        for (const char *name : {"or_gate", "xor", "spirals", "keras_mlp_dummy"})
            QTest::newRow(name) << name;
    }
    void examplesAtTheirSettingsComplete()
    {
        QFETCH(QString, example);
        Project p = loadProject(sourceDir() + "/projects/" + example.toStdString() + ".strata");
        Trainer t(p, sourceDir() + "/projects", TrainerOptions{});
        const FinishedEvent f = t.run();
        QVERIFY2(f.reason == FinishedEvent::Reason::Completed ||
                     f.reason == FinishedEvent::Reason::EarlyStopped,
                 f.message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestDivergence)
#include "test_divergence.moc"
