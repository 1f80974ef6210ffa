// Weight snapshots and probes during training leave the run exactly as it would be without
// them; step commands train exactly one batch or one epoch, then pause.

#include "strata/dataset.h"
#include "strata/decision_boundary.h"
#include "strata/evaluation.h"
#include "strata/network.h"
#include "strata/probe.h"
#include "strata/trainer.h"
#include "training_projects.h"

#include <QtTest>

#include <atomic>
#include <cmath>
#include <cstring>
#include <map>
#include <thread>

using namespace strata;

namespace {

// Moons through every kind of training state: Dropout (its RNG stream), BatchNorm (running
// statistics), shuffling (the shuffle stream), Adam (optimizer state), a cosine schedule.
Project moons(int epochs)
{
    Project p;
    test::chain(p, {{"x", "Input", "x", {{"features", 2}}},
                    {"fc1", "Dense", "fc1", {{"units", 16}}},
                    {"bn", "BatchNorm", "bn", nlohmann::json::object()},
                    {"relu", "ReLU", "relu", nlohmann::json::object()},
                    {"drop", "Dropout", "drop", {{"rate", 0.2}}},
                    {"fc2", "Dense", "fc2", {{"units", 2}}},
                    {"softmax", "Softmax", "softmax", nlohmann::json::object()}});
    p.dataset.kind = "builtin";
    p.dataset.name = "moons";
    p.dataset.samples = 300;
    p.dataset.noise = 0.1;
    p.training.epochs = epochs;
    p.training.batchSize = 16; // 240 training samples: 15 batches an epoch
    p.training.validationSplit = 0.2;
    p.training.threads = 1; // bitwise reproducibility needs a fixed thread count
    p.training.optimizer.type = "adam";
    p.training.optimizer.lr = 0.01;
    p.training.schedule.type = "cosine";
    return p;
}

using Weights = std::vector<std::pair<std::string, Tensor>>;

Weights trainedWeights(TrainerOptions options)
{
    Trainer t(moons(3), ".", std::move(options));
    const FinishedEvent f = t.run();
    if (f.reason != FinishedEvent::Reason::Completed)
        throw std::runtime_error("training did not complete: " + f.message);
    return t.network()->weightsToHost();
}

// Each trainable node's ‖after − before‖ (L2 over its weights), as a StepEvent reports it.
std::map<std::string, double> changeNorms(const Network &network, const Weights &before,
                                          const Weights &after)
{
    std::map<std::string, double> sums;
    for (size_t i = 0; i < before.size(); ++i) {
        if (!network.parameters()[i].trainable)
            continue;
        const std::string &name = before[i].first;
        double &sum = sums[name.substr(0, name.rfind('.'))];
        for (int64_t k = 0; k < before[i].second.numel(); ++k) {
            const double d = double(after[i].second.data()[k]) - double(before[i].second.data()[k]);
            sum += d * d;
        }
    }
    for (auto &[node, sum] : sums)
        sum = std::sqrt(sum);
    return sums;
}

QString firstDifference(const Weights &a, const Weights &b)
{
    if (a.size() != b.size())
        return "different weight counts";
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].first != b[i].first || a[i].second.numel() != b[i].second.numel() ||
            std::memcmp(a[i].second.data(), b[i].second.data(),
                        sizeof(float) * static_cast<size_t>(a[i].second.numel())) != 0)
            return QString::fromStdString(a[i].first) + " differs";
    return {};
}

// Events from a trainer on its own thread, waited for one kind at a time.
class Recorder
{
public:
    TrainerOptions options()
    {
        TrainerOptions o;
        o.observer = [this](const TrainingEvent &e) { queue_.push(e); };
        return o;
    }
    // Waits until the trainer says "Paused" (true) or the run ends (false); keeps what came.
    bool waitForPause()
    {
        for (int i = 0; i < 600; ++i)
            for (TrainingEvent &e : queue_.waitAndDrain(50)) {
                seen.push_back(e);
                if (auto *l = std::get_if<LogEvent>(&e); l && l->message == "Paused")
                    return true;
                if (std::holds_alternative<FinishedEvent>(e))
                    return false;
            }
        return false;
    }
    // Keeps what has come so far, without waiting.
    void collect()
    {
        for (TrainingEvent &e : queue_.drain())
            seen.push_back(std::move(e));
    }
    template <typename Event> std::vector<Event> taken()
    {
        std::vector<Event> out;
        for (const TrainingEvent &e : seen)
            if (auto *x = std::get_if<Event>(&e))
                out.push_back(*x);
        seen.clear();
        return out;
    }
    std::vector<TrainingEvent> seen;

private:
    EventQueue queue_;
};

} // namespace

class TestTrainerProbes : public QObject
{
    Q_OBJECT

private slots:
    void snapshotsAndProbesLeaveTheWeightsBitwiseEqual()
    {
        const Weights plain = trainedWeights({});

        // A snapshot after every batch, each evaluated on a 100×100 grid on the training
        // thread itself, between two batches.
        TrainerOptions inline_;
        inline_.snapshotEvery = 1;
        Probe inlineProbe(moons(1));
        std::vector<SnapshotPtr> snapshots;
        inline_.onSnapshot = [&](SnapshotPtr s) {
            inlineProbe.load(s);
            evaluateGrid(inlineProbe, GridSpec{-2, 3, -2, 2, 100, 100},
                         inlineProbe.hiddenUnitNodes());
            snapshots.push_back(std::move(s));
        };
        QCOMPARE(firstDifference(trainedWeights(inline_), plain), QString());
        // 15 batches an epoch: 14 snapshots after batches, one at the epoch's end.
        QCOMPARE(snapshots.size(), size_t(45));
        for (size_t i = 0; i < snapshots.size(); ++i) {
            QCOMPARE(snapshots[i]->step, int64_t(i + 1));
            QCOMPARE(snapshots[i]->epoch, int(i / 15));
            QCOMPARE(snapshots[i]->batch, int(i % 15 + 1));
            QCOMPARE(snapshots[i]->epochEnd, i % 15 == 14);
        }
        // The last snapshot holds the trained weights.
        QCOMPARE(firstDifference(snapshots.back()->weights, plain), QString());

        // Probes on another thread, as the studio runs them, while training goes on.
        TrainerOptions threaded;
        threaded.snapshotEvery = 1;
        SnapshotMailbox mailbox;
        threaded.onSnapshot = [&](SnapshotPtr s) { mailbox.put(std::move(s)); };
        std::atomic<bool> done{false};
        std::atomic<int> probed{0};
        std::thread prober([&] {
            Probe probe(moons(1));
            // Until training is over and the last snapshot taken (a busy machine may finish
            // the run before this thread first looks).
            for (;;) {
                if (SnapshotPtr s = mailbox.take()) {
                    probe.load(s);
                    evaluateGrid(probe, GridSpec{-2, 3, -2, 2, 100, 100});
                    ++probed;
                } else if (done) {
                    break;
                } else {
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                }
            }
        });
        const Weights concurrent = trainedWeights(threaded);
        done = true;
        prober.join();
        QCOMPARE(firstDifference(concurrent, plain), QString());
        QVERIFY(probed > 0);
    }

    void snapshotsFollowTheirCadence()
    {
        TrainerOptions o;
        o.snapshotEvery = 4;
        std::vector<SnapshotPtr> snapshots;
        o.onSnapshot = [&](SnapshotPtr s) { snapshots.push_back(std::move(s)); };
        trainedWeights(o);
        // Per epoch of 15 batches: after 4, 8 and 12 steps since the last snapshot, and at
        // the end; the count restarts at each snapshot.
        std::vector<int64_t> steps;
        for (const auto &s : snapshots)
            steps.push_back(s->step);
        QCOMPARE(steps, (std::vector<int64_t>{4, 8, 12, 15, 19, 23, 27, 30, 34, 38, 42, 45}));
        TrainerOptions off;
        off.onSnapshot = [&](SnapshotPtr) { QFAIL("a snapshot with snapshotEvery 0"); };
        trainedWeights(off);
    }

    // Paused and resumed during the run (a panel covered and shown again): no snapshot
    // while off, the cadence again once on, and the weights the same as without snapshots.
    void snapshotsPauseDuringARun()
    {
        TrainerOptions o;
        o.snapshotEvery = 1;
        std::vector<int64_t> steps;
        o.onSnapshot = [&](SnapshotPtr s) { steps.push_back(s->step); };
        Trainer *trainer = nullptr;
        o.observer = [&](const TrainingEvent &e) {
            if (const auto *b = std::get_if<BatchEvent>(&e)) {
                if (b->step == 5)
                    trainer->setSnapshotting(false);
                if (b->step == 20)
                    trainer->setSnapshotting(true);
            }
        };
        Trainer t(moons(3), ".", o);
        trainer = &t;
        QVERIFY(t.isSnapshotting());
        QVERIFY(t.run().reason == FinishedEvent::Reason::Completed);
        // Steps 1-4, none from 5 (its snapshot comes after its event) to 19, then every step
        // to the end (an epoch's last step's snapshot is the epoch end's).
        std::vector<int64_t> want{1, 2, 3, 4};
        for (int64_t s = 20; s <= 45; ++s)
            want.push_back(s);
        QCOMPARE(steps, want);
        QCOMPARE(firstDifference(t.network()->weightsToHost(), trainedWeights({})), QString());
    }

    void stepBatchTrainsOneBatchThenPauses()
    {
        Recorder rec;
        Trainer t(moons(100), ".", rec.options());
        t.pause(); // before the first batch
        t.start();
        QVERIFY(rec.waitForPause());
        QVERIFY(rec.taken<BatchEvent>().empty());
        const Weights before = t.network()->weightsToHost();
        for (int step = 0; step < 3; ++step) {
            t.stepBatch();
            QVERIFY(rec.waitForPause());
            QVERIFY(t.isPaused());
            const auto batches = rec.taken<BatchEvent>();
            QCOMPARE(batches.size(), size_t(1));
            QCOMPARE(batches[0].epoch, 0);
            QCOMPARE(batches[0].batch, step);
            QCOMPARE(batches[0].step, int64_t(step + 1));
        }
        // Paused: nothing more arrives.
        QTest::qWait(100);
        rec.collect();
        QVERIFY(rec.taken<BatchEvent>().empty());
        t.stop();
        t.wait();
        QVERIFY(t.result().reason == FinishedEvent::Reason::Stopped);
        QVERIFY(!firstDifference(t.network()->weightsToHost(), before).isEmpty());
    }

    void stepEpochTrainsToTheEpochsEndThenPauses()
    {
        Recorder rec;
        Trainer t(moons(100), ".", rec.options());
        t.pause();
        t.start();
        QVERIFY(rec.waitForPause());
        t.stepBatch(); // into the first epoch
        QVERIFY(rec.waitForPause());
        rec.taken<BatchEvent>();
        t.stepEpoch(); // the rest of epoch 1
        QVERIFY(rec.waitForPause());
        const auto epochs = [&] {
            std::vector<EpochEvent> out;
            for (const auto &e : rec.seen)
                if (auto *x = std::get_if<EpochEvent>(&e))
                    out.push_back(*x);
            return out;
        }();
        QCOMPARE(rec.taken<BatchEvent>().size(), size_t(14));
        QCOMPARE(epochs.size(), size_t(1));
        QCOMPARE(epochs[0].metrics.epoch, 0);
        t.stepEpoch(); // a whole epoch
        QVERIFY(rec.waitForPause());
        const auto batches = rec.taken<BatchEvent>();
        QCOMPARE(batches.size(), size_t(15));
        QCOMPARE(batches.front().epoch, 1);
        QCOMPARE(batches.front().batch, 0);
        QCOMPARE(batches.back().batch, 14);
        QCOMPARE(t.history().size(), size_t(2));
        // Resume cancels stepping: training goes on past the next epoch's end.
        t.stepEpoch();
        t.resume();
        for (int i = 0; i < 400 && t.history().size() < 4; ++i)
            QTest::qWait(25);
        QVERIFY(t.history().size() >= 4);
        t.stop();
        t.wait();
    }

    void stepsReportTheLossBeforeAndAfterAndEachLayersChange()
    {
        Recorder rec;
        const Project project = moons(100);
        const Dataset train = loadDataset(project.dataset, ".").train.slice(0, 240);
        Trainer t(project, ".", rec.options());
        t.stepBatch(); // from idle: the run's first batch, then a pause
        t.start();
        QVERIFY(rec.waitForPause());
        auto steps = rec.taken<StepEvent>();
        QCOMPARE(steps.size(), size_t(1));
        QVERIFY(steps[0].kind == StepEvent::Kind::Batch);
        QCOMPARE(steps[0].epoch, 0);
        QCOMPARE(steps[0].batch, 0);
        QCOMPARE(steps[0].batches, 15);
        QVERIFY(std::isfinite(steps[0].lossBefore) && steps[0].lossBefore > 0);
        QVERIFY(steps[0].lossAfter != steps[0].lossBefore);

        // A whole-epoch step from here (the rest of epoch 1): the losses are the training
        // set's in inference mode, the changes each node's weight movement.
        const Weights before = t.network()->weightsToHost();
        const double lossBefore = evaluateDataset(*t.network(), train, 16).loss;
        t.stepEpoch();
        QVERIFY(rec.waitForPause());
        steps = rec.taken<StepEvent>();
        QCOMPARE(steps.size(), size_t(1));
        const StepEvent &e = steps[0];
        QVERIFY(e.kind == StepEvent::Kind::Epoch);
        QCOMPARE(e.epoch, 0);
        QCOMPARE(e.batch, 14);
        QVERIFY(std::fabs(e.lossBefore - lossBefore) < 1e-9);
        const Weights after = t.network()->weightsToHost();
        QVERIFY(std::fabs(e.lossAfter - evaluateDataset(*t.network(), train, 16).loss) < 1e-9);
        const std::map<std::string, double> expected = changeNorms(*t.network(), before, after);
        // fc1, the BatchNorm's scale and shift, fc2; no entry for weightless layers.
        QCOMPARE(e.changes.size(), size_t(3));
        for (size_t i = 0; i < e.changes.size(); ++i) {
            QVERIFY(expected.count(e.changes[i].node));
            QCOMPARE(e.changes[i].name, e.changes[i].node); // moons() names nodes by id
            QVERIFY(e.changes[i].norm > 0);
            QVERIFY(std::fabs(e.changes[i].norm - expected.at(e.changes[i].node)) <
                    1e-6 * std::max(1.0, e.changes[i].norm));
            if (i > 0)
                QVERIFY(e.changes[i - 1].norm >= e.changes[i].norm);
        }
        t.stop();
        t.wait();
    }

    void trainingWithoutStepsReportsNoStep()
    {
        int steps = 0;
        TrainerOptions options;
        options.observer = [&](const TrainingEvent &e) {
            steps += std::holds_alternative<StepEvent>(e) ? 1 : 0;
        };
        trainedWeights(options);
        QCOMPARE(steps, 0);
    }
};

QTEST_GUILESS_MAIN(TestTrainerProbes)
#include "test_trainer_probes.moc"
