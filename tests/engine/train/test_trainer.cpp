// The trainer: learning, exact resume, the NaN guard, early stopping, keep-best, commands and
// the event stream.

#include "source_dir.h"
#include "strata/evaluation.h"
#include "strata/network.h"
#include "strata/safetensors.h"
#include "strata/trainer.h"
#include "weights_compare.h"

#include <QtTest>

#include <cmath>

using namespace strata;

static QString reasonText(FinishedEvent::Reason r)
{
    return QString::fromStdString(toString(r));
}

namespace {

using strata::test::bitwiseEqual;
using strata::test::sourceDir;

// Moons with a model that uses every RNG stream and non-trainable state: Dropout (dropout
// stream), BatchNorm (running statistics), shuffling (shuffle stream).
Project moonsProject(int epochs)
{
    Project p;
    p.name = "moons";
    Graph &g = p.graph;
    g.addNode({"x", "Input", "x", {{"features", 2}}});
    g.addNode({"fc1", "Dense", "fc1", {{"units", 16}}});
    g.addNode({"bn", "BatchNorm", "bn", nlohmann::json::object()});
    g.addNode({"relu", "ReLU", "relu", nlohmann::json::object()});
    g.addNode({"drop", "Dropout", "drop", {{"rate", 0.2}}});
    g.addNode({"fc2", "Dense", "fc2", {{"units", 2}}});
    g.addNode({"softmax", "Softmax", "softmax", nlohmann::json::object()});
    const char *chain[] = {"x", "fc1", "bn", "relu", "drop", "fc2", "softmax"};
    for (int i = 0; i + 1 < 7; ++i)
        g.connect({{chain[i], 0}, {chain[i + 1], 0}});
    p.dataset.kind = "builtin";
    p.dataset.name = "moons";
    p.dataset.samples = 300;
    p.dataset.noise = 0.1;
    p.training.epochs = epochs;
    p.training.batchSize = 16;
    p.training.validationSplit = 0.2;
    p.training.threads = 1; // bitwise reproducibility needs a fixed thread count
    p.training.optimizer.type = "adam";
    p.training.optimizer.lr = 0.01;
    p.training.schedule.type = "cosine";
    return p;
}

std::vector<std::pair<std::string, Tensor>> finalWeights(Trainer &t)
{
    return t.network()->weightsToHost();
}

} // namespace

class TestTrainer : public QObject
{
    Q_OBJECT

private slots:
    void orGateLearnsTheFourthRow()
    {
        const std::string path = sourceDir() + "/projects/or_gate.strata";
        Project p = loadProject(path);
        Trainer t(p, projectBaseDir(path), {});
        FinishedEvent f = t.run();
        QCOMPARE(reasonText(f.reason), reasonText(FinishedEvent::Reason::Completed));
        // Trained on (0,0), (0,1), (1,0) only; asked for (1,1).
        Tensor probs = predict(*t.network(), {1.0f, 1.0f}, 1, 1);
        QVERIFY2(probs.data()[0] > 0.5f, qPrintable(QString::number(probs.data()[0])));
        Tensor zero = predict(*t.network(), {0.0f, 0.0f}, 1, 1);
        QVERIFY(zero.data()[0] < 0.5f);
    }

    void eventStream()
    {
        Project p = moonsProject(3);
        std::vector<TrainingEvent> events;
        TrainerOptions o;
        o.observer = [&](const TrainingEvent &e) { events.push_back(e); };
        Trainer t(p, ".", o);
        t.run();
        // Log lines may come first ("Loading the dataset…"); then Started, and Finished last.
        auto firstOther = std::find_if(events.begin(), events.end(), [](const TrainingEvent &e) {
            return !std::holds_alternative<LogEvent>(e);
        });
        QVERIFY(firstOther != events.end());
        QVERIFY(std::holds_alternative<StartedEvent>(*firstOther));
        QVERIFY(std::holds_alternative<FinishedEvent>(events.back()));
        const auto &started = std::get<StartedEvent>(*firstOther);
        QCOMPARE(started.trainSamples, int64_t(240));
        QCOMPARE(started.validationSamples, int64_t(60));
        int batches = 0, epochs = 0;
        for (const auto &e : events) {
            batches += std::holds_alternative<BatchEvent>(e);
            if (auto *ep = std::get_if<EpochEvent>(&e)) {
                ++epochs;
                QVERIFY(ep->metrics.hasValidation);
                QCOMPARE(ep->metrics.confusion.size(), size_t(2));
                int64_t total = 0;
                for (const auto &row : ep->metrics.confusion)
                    for (int64_t v : row)
                        total += v;
                QCOMPARE(total, int64_t(60));
            }
        }
        QCOMPARE(epochs, 3);
        QCOMPARE(batches, 3 * started.batchesPerEpoch);
        QCOMPARE(started.batchesPerEpoch, 15);
    }

    void resumeIsBitwiseExact_data()
    {
        QTest::addColumn<int>("stopAfterBatches"); // batch events, one per read
        QTest::addColumn<int>("readEvery");
        QTest::newRow("at an epoch boundary") << 30 << 0; // 2 epochs of 15 batches
        QTest::newRow("mid-epoch") << 22 << 0;
        QTest::newRow("in the first epoch (no best value yet)") << 7 << 0;
        // Reads every 4 batches: 4 events an epoch; the 6th is after batch 8 of epoch 2.
        QTest::newRow("mid-epoch, late guard") << 6 << 4;
    }
    void resumeIsBitwiseExact()
    {
        QFETCH(int, stopAfterBatches);
        QFETCH(int, readEvery);
        QTemporaryDir dir;
        Project p = moonsProject(4);

        Trainer straight(p, ".", {});
        straight.run();
        auto expected = finalWeights(straight);

        TrainerOptions first;
        first.outDir = dir.path().toStdString();
        first.readEvery = readEvery;
        int seen = 0;
        Trainer *self = nullptr;
        first.observer = [&](const TrainingEvent &e) {
            if (std::holds_alternative<BatchEvent>(e) && ++seen == stopAfterBatches)
                self->stop();
        };
        Trainer interrupted(p, ".", first);
        self = &interrupted;
        FinishedEvent f = interrupted.run();
        QCOMPARE(reasonText(f.reason), reasonText(FinishedEvent::Reason::Stopped));

        TrainerOptions second;
        second.readEvery = readEvery;
        second.resumeFrom = first.outDir + "/checkpoint.safetensors";
        Trainer resumed(p, ".", second);
        FinishedEvent g = resumed.run();
        QVERIFY2(g.reason == FinishedEvent::Reason::Completed, g.message.c_str());
        QCOMPARE(resumed.history().size(), size_t(4));
        std::string why;
        QVERIFY2(bitwiseEqual(expected, finalWeights(resumed), &why), why.c_str());
        QCOMPARE(resumed.history().back().loss, straight.history().back().loss);
    }

    // After the first epoch an absurd learning rate makes the weights overflow. readEvery 0
    // checks every step before it is applied; 4 reads the guard every 4 batches, as on a
    // device.
    void nanGuard_data()
    {
        QTest::addColumn<int>("readEvery");
        QTest::newRow("every step") << 0;
        QTest::newRow("late, every 4 batches") << 4;
    }
    void nanGuard()
    {
        QFETCH(int, readEvery);
        QTemporaryDir dir;
        Project p = moonsProject(5);
        p.training.optimizer.type = "sgd";
        p.training.optimizer.lr = 0.1;
        p.training.schedule.type = "constant";
        TrainerOptions o;
        o.outDir = dir.path().toStdString();
        o.readEvery = readEvery;
        Trainer *self = nullptr;
        std::vector<int> secondEpochBatches;
        o.observer = [&](const TrainingEvent &e) {
            if (auto *ep = std::get_if<EpochEvent>(&e); ep && ep->metrics.epoch == 0)
                self->setLearningRate(1e38);
            if (auto *b = std::get_if<BatchEvent>(&e); b && b->epoch == 1)
                secondEpochBatches.push_back(b->batch);
        };
        Trainer t(p, ".", o);
        self = &t;
        FinishedEvent f = t.run();
        QCOMPARE(reasonText(f.reason), reasonText(FinishedEvent::Reason::Diverged));
        QVERIFY2(f.message.find("learning rate") != std::string::npos, f.message.c_str());
        QCOMPARE(t.history().size(), size_t(1));
        // Within one step: every batch before the first non-finite one was reported, and no
        // later one ran. Late: the first unclean read names the batches since the last one.
        const std::string where =
            readEvery == 0
                ? "epoch 2, batch " + std::to_string(secondEpochBatches.size() + 1) + ":"
                : "epoch 2, batches " + std::to_string(4 * secondEpochBatches.size() + 1) + " to " +
                      std::to_string(4 * secondEpochBatches.size() + 4) + ":";
        QVERIFY2(f.message.find(where) != std::string::npos, (where + " in " + f.message).c_str());
        // The network holds the last good step's (late: the last clean read's) weights.
        for (const auto &[name, w] : t.network()->weightsToHost())
            for (int64_t i = 0; i < w.numel(); ++i)
                QVERIFY2(std::isfinite(w.data()[i]), name.c_str());
        // The checkpoint is the last good one, from the end of epoch 1.
        SafetensorsFile c = readSafetensors(o.outDir + "/checkpoint.safetensors");
        auto state = nlohmann::json::parse(c.metadata.at("strata_checkpoint"));
        QCOMPARE(state.at("epoch").get<int>(), 1);
        for (const auto &[name, w] : c.tensors)
            for (int64_t i = 0; i < w.numel(); ++i)
                QVERIFY2(std::isfinite(w.data()[i]), name.c_str());
    }

    // Reads of the totals (one batch event each) follow readEvery, the last batch of an epoch
    // always read; the weights are those of a run that reads every batch, bit for bit.
    void readsFollowTheCadence()
    {
        Project p = moonsProject(2);
        Trainer everyBatch(p, ".", {});
        everyBatch.run();
        TrainerOptions o;
        o.readEvery = 4;
        std::vector<int> batches;
        o.observer = [&](const TrainingEvent &e) {
            if (auto *b = std::get_if<BatchEvent>(&e))
                batches.push_back(b->batch);
        };
        Trainer t(p, ".", o);
        QCOMPARE(reasonText(t.run().reason), reasonText(FinishedEvent::Reason::Completed));
        QCOMPARE(batches, (std::vector<int>{3, 7, 11, 14, 3, 7, 11, 14})); // 15 batches an epoch
        std::string why;
        QVERIFY2(bitwiseEqual(finalWeights(everyBatch), finalWeights(t), &why), why.c_str());
        for (size_t e = 0; e < 2; ++e)
            QVERIFY(std::abs(t.history()[e].loss - everyBatch.history()[e].loss) < 1e-9);
    }

    void earlyStoppingAfterPatience()
    {
        Project p = moonsProject(20);
        // No Dropout or BatchNorm: nothing may change between epochs.
        p.graph.removeNode("drop");
        p.graph.removeNode("bn");
        p.graph.connect({{"fc1", 0}, {"relu", 0}});
        p.graph.connect({{"relu", 0}, {"fc2", 0}});
        p.training.optimizer.type = "sgd";
        p.training.optimizer.lr = 1e-30; // the weights cannot move: val_loss never improves
        p.training.schedule.type = "constant";
        p.training.earlyStoppingPatience = 3;
        Trainer t(p, ".", {});
        FinishedEvent f = t.run();
        QCOMPARE(reasonText(f.reason), reasonText(FinishedEvent::Reason::EarlyStopped));
        QCOMPARE(f.epochsRun, 4); // the first epoch sets the best, three more without gain
        QVERIFY(f.message.find("val_loss") != std::string::npos);
    }

    void keepBestRestoresBestWeights()
    {
        Project p = moonsProject(6);
        p.training.keepBest = true;
        std::vector<std::string> logs;
        TrainerOptions o;
        o.observer = [&](const TrainingEvent &e) {
            if (auto *l = std::get_if<LogEvent>(&e))
                logs.push_back(l->message);
        };
        Trainer t(p, ".", o);
        FinishedEvent f = t.run();
        QVERIFY(f.bestEpoch >= 0);
        const bool restored = std::any_of(logs.begin(), logs.end(), [](const std::string &s) {
            return s.find("Restored the weights of epoch") != std::string::npos;
        });
        QVERIFY(restored);
    }

    void pauseResumeStopFromAnotherThread()
    {
        Project p = moonsProject(10000);
        EventQueue q;
        TrainerOptions o;
        o.observer = [&](const TrainingEvent &e) { q.push(e); };
        Trainer t(p, ".", o);
        t.start();
        auto waitFor = [&](auto predicate) {
            for (int i = 0; i < 200; ++i)
                for (const auto &e : q.waitAndDrain(50))
                    if (predicate(e))
                        return true;
            return false;
        };
        QVERIFY(
            waitFor([](const TrainingEvent &e) { return std::holds_alternative<BatchEvent>(e); }));
        t.pause();
        QVERIFY(waitFor([](const TrainingEvent &e) {
            auto *l = std::get_if<LogEvent>(&e);
            return l && l->message == "Paused";
        }));
        q.drain();
        QTest::qWait(100);
        // Paused: no batches arrive.
        for (const auto &e : q.drain())
            QVERIFY(!std::holds_alternative<BatchEvent>(e));
        t.resume();
        QVERIFY(
            waitFor([](const TrainingEvent &e) { return std::holds_alternative<BatchEvent>(e); }));
        t.stop();
        QVERIFY(waitFor(
            [](const TrainingEvent &e) { return std::holds_alternative<FinishedEvent>(e); }));
        t.wait();
        QCOMPARE(reasonText(t.result().reason), reasonText(FinishedEvent::Reason::Stopped));
    }

    void stopMessageCountsCompletedEpochs()
    {
        // The message counts as the studio's progress does: epochs completed, then the
        // batches of the unfinished one; and it says where the checkpoint went.
        QTemporaryDir dir;
        TrainerOptions o;
        o.outDir = dir.path().toStdString();
        int seen = 0, batches = 0;
        Trainer *self = nullptr;
        o.observer = [&](const TrainingEvent &e) {
            if (auto *s = std::get_if<StartedEvent>(&e))
                batches = s->batchesPerEpoch;
            if (std::holds_alternative<BatchEvent>(e) && ++seen == 20)
                self->stop();
        };
        Trainer t(moonsProject(4), ".", o);
        self = &t;
        const FinishedEvent f = t.run();
        QCOMPARE(batches, 15); // 240 training samples in batches of 16
        QCOMPARE(f.epochsRun, 1);
        const std::string expected = "Stopped after 1 of 4 epochs and 5 of 15 batches of epoch 2; "
                                     "checkpoint written to " +
                                     o.outDir + "/checkpoint.safetensors";
        QCOMPARE(QString::fromStdString(f.message), QString::fromStdString(expected));
        QVERIFY(QFileInfo::exists(QString::fromStdString(o.outDir + "/checkpoint.safetensors")));
    }

    void learningRateMessagesUseShortNumbers()
    {
        std::vector<std::string> logs;
        TrainerOptions o;
        Trainer *self = nullptr;
        int seen = 0;
        o.observer = [&](const TrainingEvent &e) {
            if (auto *l = std::get_if<LogEvent>(&e))
                logs.push_back(l->message);
            if (std::holds_alternative<BatchEvent>(e) && ++seen == 1)
                self->setLearningRate(0.001);
        };
        Trainer t(moonsProject(1), ".", o);
        self = &t;
        t.run();
        QVERIFY(std::find(logs.begin(), logs.end(), "Learning rate set to 0.001") != logs.end());
    }

    void stopBeforeTheRunBeginsIsKept()
    {
        // A stop from another thread can come before the run's thread has begun (a studio
        // closed right after Train): it must still stop the run, at its first batch.
        Project p = moonsProject(10000);
        Trainer t(p, ".", {});
        t.stop();
        FinishedEvent f = t.run();
        QCOMPARE(reasonText(f.reason), reasonText(FinishedEvent::Reason::Stopped));
        QVERIFY2(f.message.find("Stopped after 0 of 10000 epochs") == 0, f.message.c_str());
        // It ended with that run: the next run of the same trainer is not stopped by it.
        TrainerOptions o;
        o.epochs = 1;
        Trainer again(moonsProject(1), ".", o);
        again.stop();
        again.run();
        QCOMPARE(reasonText(again.run().reason), reasonText(FinishedEvent::Reason::Completed));
    }

    void incompatibleDatasetIsReported()
    {
        Project p = moonsProject(1);
        p.graph.find("x")->params = {{"features", 3}};
        Trainer t(p, ".", {});
        FinishedEvent f = t.run();
        QCOMPARE(reasonText(f.reason), reasonText(FinishedEvent::Reason::Failed));
        QVERIFY2(f.message.find("Input") != std::string::npos, f.message.c_str());
    }

    void missingGpuIsAMessage()
    {
        Project p = moonsProject(1);
        TrainerOptions o;
        o.device = "cuda:0";
        Trainer t(p, ".", o);
        FinishedEvent f = t.run();
        QCOMPARE(reasonText(f.reason), reasonText(FinishedEvent::Reason::Failed));
        QVERIFY2(f.message.find("cuda") != std::string::npos, f.message.c_str());
    }
};

QTEST_APPLESS_MAIN(TestTrainer)
#include "test_trainer.moc"
