// The trainer's live profile (TrainerOptions::profile, Trainer::setProfiling, onProfile): the
// reports a running training hands out, period by period, and a profiled run that trains
// exactly what an unprofiled one does.

#include "qtest_strings.h"
#include "strata/errors.h"
#include "strata/network.h"
#include "strata/trainer.h"
#include "training_projects.h"
#include "weights_compare.h"

#include <QtTest>

#include <atomic>
#include <mutex>

using namespace strata;

namespace {

struct Collected
{
    std::mutex mutex;
    std::vector<std::shared_ptr<const ProfileReport>> reports;
};

TrainerOptions profiled(Collected &into, double period, int steps)
{
    TrainerOptions o;
    o.profile = true;
    o.profilePeriodSeconds = period;
    o.profileStepsPerPeriod = steps;
    o.onProfile = [&into](std::shared_ptr<const ProfileReport> r) {
        std::lock_guard lock(into.mutex);
        into.reports.push_back(std::move(r));
    };
    return o;
}

} // namespace

class TestLiveProfile : public QObject
{
    Q_OBJECT

private slots:
    void reportsComePeriodByPeriod()
    {
        // Spirals: 60 batches of 8 per epoch, 3 epochs. A period of 1 µs closes after each
        // step, so every step is timed and reported on its own.
        Collected c;
        Trainer trainer(test::spirals(3), "", profiled(c, 1e-6, 4));
        const FinishedEvent result = trainer.run();
        QCOMPARE(toString(result.reason), toString(FinishedEvent::Reason::Completed));
        QCOMPARE(c.reports.size(), size_t(3 * 60));
        const ProfileReport &last = *c.reports.back();
        QCOMPARE(last.epoch, 2);
        QCOMPARE(last.batch, 59);
        QCOMPARE(c.reports.front()->epoch, 0);
        QCOMPARE(c.reports.front()->batch, 0);
        QCOMPARE(last.steps.size(), size_t(1));
        QCOMPARE(last.batchSize, int64_t(8));
        QCOMPARE(last.nodes.size(), size_t(7));
        for (const NodeProfile &n : last.nodes)
            if (n.type == "Dense") {
                QVERIFY2(n.phaseMs(ProfilePhase::Forward) > 0, n.id.c_str());
                QVERIFY2(n.phaseMs(ProfilePhase::Backward) > 0, n.id.c_str());
                QVERIFY2(n.phaseMs(ProfilePhase::Update) > 0, n.id.c_str());
                QVERIFY2(n.memory.weights > 0, n.id.c_str());
            }
        QVERIFY(last.nodesMs() <= last.stepMs() * 1.0001);
        QVERIFY(!last.events.empty());
    }

    void aLongPeriodTimesItsFirstSteps()
    {
        // One period longer than the run: its report comes when the run ends, with the
        // period's first steps timed (the first three batches of the run).
        Collected c;
        Trainer trainer(test::spirals(1), "", profiled(c, 3600, 3));
        trainer.run();
        QCOMPARE(c.reports.size(), size_t(1));
        QCOMPARE(c.reports[0]->steps.size(), size_t(3));
        QCOMPARE(c.reports[0]->epoch, 0);
        QCOMPARE(c.reports[0]->batch, 2);

        Collected d;
        Trainer each(test::spirals(1), "", profiled(d, 1e-6, 3));
        each.run();
        for (const auto &r : d.reports)
            QVERIFY(r->steps.size() <= 3);
    }

    void profilingChangesNothingOfTheRun()
    {
        Collected c;
        Trainer plain(test::spirals(2), "", {});
        Trainer watched(test::spirals(2), "", profiled(c, 1e-3, 2));
        plain.run();
        watched.run();
        QVERIFY(!c.reports.empty());
        std::string why;
        QVERIFY2(test::bitwiseEqual(plain.network()->weightsToHost(),
                                    watched.network()->weightsToHost(), &why),
                 why.c_str());
        QCOMPARE(plain.history().back().loss, watched.history().back().loss);
    }

    void turnsOnAndOffDuringTheRun()
    {
        // Off at the start; on from the observer after the first epoch, off after the second:
        // the reports all come from the second epoch.
        Collected c;
        TrainerOptions o = profiled(c, 1e-6, 1);
        o.profile = false;
        Trainer *self = nullptr;
        o.observer = [&self](const TrainingEvent &e) {
            if (const auto *epoch = std::get_if<EpochEvent>(&e))
                self->setProfiling(epoch->metrics.epoch == 0);
        };
        Trainer trainer(test::spirals(3), "", o);
        self = &trainer;
        QVERIFY(!trainer.isProfiling());
        trainer.run();
        QCOMPARE(c.reports.size(), size_t(60));
        for (const auto &r : c.reports)
            QCOMPARE(r->epoch, 1);
        // No profiler stays attached: the trained network runs as before.
        QVERIFY(trainer.network() != nullptr);
    }

    void aDivergedRunEndsItsProfile()
    {
        Collected c;
        Project p = test::spirals(3);
        p.training.optimizer.lr = 1e30; // diverges in its first batches
        Trainer trainer(p, "", profiled(c, 1e-6, 1));
        const FinishedEvent result = trainer.run();
        QCOMPARE(toString(result.reason), toString(FinishedEvent::Reason::Diverged));
        QVERIFY(trainer.network() != nullptr);
    }

    void badSettingsAreRefused()
    {
        Collected c;
        QVERIFY_THROWS_EXCEPTION(Error, Trainer(test::spirals(1), "", profiled(c, 0, 1)));
        QVERIFY_THROWS_EXCEPTION(Error, Trainer(test::spirals(1), "", profiled(c, 1, 0)));
    }
};

QTEST_GUILESS_MAIN(TestLiveProfile)
#include "test_live_profile.moc"
