// Training with augmentation and the prefetching pipeline: the batches prepared on a thread
// of their own equal those prepared in line, a resumed run equals an uninterrupted one bit for
// bit, validation samples are never augmented, and data that cannot be augmented is refused
// with a message.

#include "../data/dataset_test_files.h"
#include "strata/backend.h"
#include "strata/network.h"
#include "strata/project_check.h"
#include "strata/trainer.h"
#include "train/batch_pipeline.h"
#include "training_projects.h"
#include "weights_compare.h"

#include <QtTest>

#include <random>

using namespace strata;
using strata::test::bitwiseEqual;

namespace {

QString reasonText(FinishedEvent::Reason r)
{
    return QString::fromStdString(toString(r));
}

// 240 pictures of 12 x 12: a bright horizontal bar (class 0) or vertical bar (class 1) at a
// random place, on a dark noisy ground; written as IDX files into dir.
void writeBars(const QTemporaryDir &dir)
{
    std::mt19937 gen(5);
    QByteArray pixels;
    std::vector<int> labels;
    for (int i = 0; i < 240; ++i) {
        const int label = i % 2;
        const int at = 2 + int(gen() % 8);
        for (int y = 0; y < 12; ++y)
            for (int x = 0; x < 12; ++x) {
                const bool bar = label == 0 ? y == at : x == at;
                pixels += char(bar ? 200 + gen() % 56 : gen() % 40);
            }
        labels.push_back(label);
    }
    using namespace strata::testdata;
    writeFile(dir, "images", idx({240, 12, 12}, pixels));
    writeFile(dir, "labels", idxLabels(labels));
}

Project barsProject(const QTemporaryDir &dir, int epochs)
{
    Project p;
    p.name = "bars";
    test::chain(p, {{"in", "Input", "in", {{"channels", 1}, {"height", 12}, {"width", 12}}},
                    {"conv", "Conv2D", "conv", {{"filters", 4}, {"kernel", 3}}},
                    {"relu", "ReLU", "relu", {}},
                    {"pool", "MaxPool2D", "pool", {{"pool", 2}}},
                    {"flat", "Flatten", "flat", {}},
                    {"fc", "Dense", "fc", {{"units", 2}}},
                    {"softmax", "Softmax", "softmax", {}}});
    p.dataset.kind = "idx";
    p.dataset.trainImages = dir.filePath("images").toStdString();
    p.dataset.trainLabels = dir.filePath("labels").toStdString();
    p.dataset.normalization = "scale";
    p.dataset.augmentation.horizontalFlip = true;
    p.dataset.augmentation.cropPadding = 2;
    p.dataset.augmentation.rotate = 10;
    p.dataset.augmentation.translate = 0.1;
    p.dataset.augmentation.brightness = 0.1;
    p.dataset.augmentation.contrast = 0.2;
    p.dataset.augmentation.noise = 0.02;
    p.training.epochs = epochs;
    p.training.batchSize = 16;
    p.training.validationSplit = 0.2;
    p.training.threads = 1; // bitwise reproducibility needs a fixed thread count
    p.training.optimizer.type = "adam";
    p.training.optimizer.lr = 0.01;
    return p;
}

std::vector<std::pair<std::string, Tensor>> trained(const Project &p, TrainerOptions o = {})
{
    Trainer t(p, ".", std::move(o));
    const FinishedEvent f = t.run();
    if (f.reason != FinishedEvent::Reason::Completed)
        qFatal("training failed: %s", f.message.c_str());
    return t.network()->weightsToHost();
}

} // namespace

class TestAugmentedTraining : public QObject
{
    Q_OBJECT

private slots:
    void prefetchedBatchesEqualThoseMadeInLine()
    {
        QTemporaryDir dir;
        writeBars(dir);
        const Project p = barsProject(dir, 3);
        TrainerOptions inLine, ahead;
        inLine.prefetch = TrainerOptions::Prefetch::Off;
        ahead.prefetch = TrainerOptions::Prefetch::On;
        const auto a = trained(p, inLine), b = trained(p, ahead);
        std::string why;
        QVERIFY2(bitwiseEqual(a, b, &why), why.c_str());
        // And augmentation changed what was learned.
        Project plain = p;
        plain.dataset.augmentation = {};
        QVERIFY(!bitwiseEqual(a, trained(plain), &why));
    }

    // The pipeline itself: batches made on its thread, in line by a team of two threads, and
    // in line by one are the same bytes, epoch after epoch; asking out of order is refused.
    void pipelineBatchesDoNotDependOnWhoMakesThem()
    {
        QTemporaryDir dir;
        writeBars(dir);
        const Project p = barsProject(dir, 1);
        const DatasetBundle data = loadDataset(p.dataset, ".");
        const Shape &shape = data.train.sampleShape;
        const auto augmenter = [&] {
            return Augmenter(p.dataset.augmentation, shape,
                             augmentRange(data.normalization, shape[0]));
        };
        std::vector<int64_t> order(size_t(data.train.size()));
        for (size_t i = 0; i < order.size(); ++i)
            order[i] = int64_t((i * 7) % order.size());
        const auto batches = [&](bool background, int threads) {
            setCpuThreads(threads);
            internal::BatchPipeline pipeline(data.train, 32, augmenter(), background);
            std::vector<std::vector<float>> out;
            for (uint64_t epoch = 1; epoch <= 2; ++epoch) {
                pipeline.startEpoch(order, epoch * 977, 0);
                for (int b = 0; b < pipeline.batches(); ++b) {
                    Tensor x, y;
                    pipeline.take(b, x, y);
                    out.push_back(x.toVector());
                    const std::vector<float> labels = y.toVector();
                    out.back().insert(out.back().end(), labels.begin(), labels.end());
                }
            }
            return out;
        };
        const auto ahead = batches(true, 2);
        QCOMPARE(batches(false, 2), ahead);
        QCOMPARE(batches(false, 1), ahead);
        setCpuThreads(0);
        QCOMPARE(ahead.size(), size_t(2 * 8)); // 240 samples: 8 batches of up to 32
        internal::BatchPipeline pipeline(data.train, 32, augmenter(), true);
        pipeline.startEpoch(order, 5, 0);
        Tensor x, y;
        QVERIFY_THROWS_EXCEPTION(std::logic_error, pipeline.take(1, x, y));
    }

    void resumeIsBitwiseExact_data()
    {
        QTest::addColumn<int>("stopAfterBatches");
        QTest::newRow("at an epoch boundary") << 24; // 2 epochs of 12 batches
        QTest::newRow("mid-epoch") << 17;
        QTest::newRow("in the first epoch") << 5;
    }
    void resumeIsBitwiseExact()
    {
        QFETCH(int, stopAfterBatches);
        QTemporaryDir dir, out;
        writeBars(dir);
        const Project p = barsProject(dir, 4);
        const auto expected = trained(p); // prefetched (augmented: Auto)

        TrainerOptions first;
        first.outDir = out.path().toStdString();
        int seen = 0;
        Trainer *self = nullptr;
        first.observer = [&](const TrainingEvent &e) {
            if (std::holds_alternative<BatchEvent>(e) && ++seen == stopAfterBatches)
                self->stop();
        };
        Trainer interrupted(p, ".", first);
        self = &interrupted;
        const FinishedEvent f = interrupted.run();
        QCOMPARE(reasonText(f.reason), reasonText(FinishedEvent::Reason::Stopped));

        TrainerOptions second;
        second.resumeFrom = first.outDir + "/checkpoint.safetensors";
        second.prefetch = TrainerOptions::Prefetch::Off; // the way batches are made is free
        Trainer resumed(p, ".", second);
        const FinishedEvent g = resumed.run();
        QVERIFY2(g.reason == FinishedEvent::Reason::Completed, g.message.c_str());
        std::string why;
        QVERIFY2(bitwiseEqual(expected, resumed.network()->weightsToHost(), &why), why.c_str());
    }

    // With a learning rate too small to move a float nothing is learned: the validation loss
    // is the same with or without augmentation (its samples are never augmented), the
    // training loss is not.
    void validationSamplesAreNotAugmented()
    {
        QTemporaryDir dir;
        writeBars(dir);
        Project p = barsProject(dir, 1);
        p.training.optimizer.type = "sgd";
        p.training.optimizer.lr = 1e-30;
        Project plain = p;
        plain.dataset.augmentation = {};
        Trainer a(p, ".", {}), b(plain, ".", {});
        const FinishedEvent fa = a.run(), fb = b.run();
        QVERIFY2(fa.reason == FinishedEvent::Reason::Completed, fa.message.c_str());
        QVERIFY2(fb.reason == FinishedEvent::Reason::Completed, fb.message.c_str());
        QCOMPARE(a.history().back().valLoss, b.history().back().valLoss);
        QVERIFY(a.history().back().loss != b.history().back().loss);
        // The wait for batches is measured, and a part of the epoch.
        const EpochMetrics &m = a.history().back();
        QVERIFY(m.dataWaitSeconds >= 0 && m.dataWaitSeconds <= m.seconds);
    }

    void augmentedPicturesLearn()
    {
        QTemporaryDir dir;
        writeBars(dir);
        Project p = barsProject(dir, 12);
        p.dataset.augmentation.horizontalFlip = false; // bars stay bars when flipped, anyway
        Trainer t(p, ".", {});
        const FinishedEvent f = t.run();
        QCOMPARE(reasonText(f.reason), reasonText(FinishedEvent::Reason::Completed));
        QVERIFY2(t.history().back().valAccuracy > 0.9,
                 qPrintable(QString::number(t.history().back().valAccuracy)));
    }

    void tablesTakeNoiseButNotPictureTransforms()
    {
        Project p = test::spirals(2);
        p.dataset.augmentation.horizontalFlip = true;
        // The check before Train says so...
        const std::vector<ProjectProblem> problems = checkProject(p, analyze(p.graph), ".");
        const bool named = std::any_of(problems.begin(), problems.end(), [](const auto &q) {
            return q.message.find("needs pictures") != std::string::npos;
        });
        QVERIFY(named);
        // ...and so does a run started anyway.
        Trainer refused(p, ".", {});
        const FinishedEvent f = refused.run();
        QCOMPARE(reasonText(f.reason), reasonText(FinishedEvent::Reason::Failed));
        QVERIFY2(f.message.find("needs pictures") != std::string::npos, f.message.c_str());
        // Noise alone trains.
        p.dataset.augmentation = {};
        p.dataset.augmentation.noise = 0.05;
        QVERIFY(checkProject(p, analyze(p.graph), ".").empty());
        Trainer noisy(p, ".", {});
        QCOMPARE(reasonText(noisy.run().reason), reasonText(FinishedEvent::Reason::Completed));
    }
};

QTEST_GUILESS_MAIN(TestAugmentedTraining)
#include "test_augmented_training.moc"
