// Learning-rate schedules: closed forms, plateau reductions, the override rule, checkpoint
// state and the JSON spec.

#include "optim/optimizer.h"
#include "strata/errors.h"

#include <QtTest>

#include <cmath>

using namespace strata;

namespace {

ScheduleSpec spec(const char *json)
{
    return scheduleSpecFromJson(nlohmann::json::parse(json), "/training/schedule");
}

} // namespace

class TestSchedules : public QObject
{
    Q_OBJECT

private slots:
    void constant()
    {
        LrSchedule s(ScheduleSpec{}, 0.01, 5);
        for (int epoch : {0, 1, 4, 100})
            QCOMPARE(s.lrForEpoch(epoch), 0.01);
        QCOMPARE(s.onEpochEnd(0.5), 0.01);
    }

    void step_data()
    {
        QTest::addColumn<int>("epoch");
        QTest::addColumn<double>("lr");
        // base 0.1, step_size 3, gamma 0.5: 0.1 * 0.5^floor(epoch / 3)
        QTest::newRow("0") << 0 << 0.1;
        QTest::newRow("2") << 2 << 0.1;
        QTest::newRow("3") << 3 << 0.05;
        QTest::newRow("5") << 5 << 0.05;
        QTest::newRow("6") << 6 << 0.025;
        QTest::newRow("10") << 10 << 0.0125;
    }
    void step()
    {
        QFETCH(int, epoch);
        QFETCH(double, lr);
        LrSchedule s(spec(R"({"type":"step","step_size":3,"gamma":0.5})"), 0.1, 20);
        QVERIFY(std::abs(s.lrForEpoch(epoch) - lr) < 1e-12);
    }

    void cosine_data()
    {
        QTest::addColumn<int>("tMax");
        QTest::addColumn<int>("epoch");
        QTest::addColumn<double>("lr");
        // 0.001 + (0.1 - 0.001) (1 + cos(pi epoch / 10)) / 2; t_max 0 takes the 10 epochs.
        QTest::newRow("start") << 0 << 0 << 0.1;
        QTest::newRow("epoch 3") << 0 << 3 << 0.07959536998847742; // cos(0.3 pi) = 0.5878
        QTest::newRow("half way") << 0 << 5 << 0.0505;
        QTest::newRow("end") << 0 << 10 << 0.001;
        // PyTorch's closed form rises again past t_max: cos(1.5 pi) = 0.
        QTest::newRow("past t_max") << 10 << 15 << 0.0505;
        QTest::newRow("explicit t_max") << 20 << 10 << 0.0505;
    }
    void cosine()
    {
        QFETCH(int, tMax);
        QFETCH(int, epoch);
        QFETCH(double, lr);
        ScheduleSpec c{.type = "cosine", .tMax = tMax, .minLr = 0.001};
        LrSchedule s(c, 0.1, 10);
        QVERIFY2(std::abs(s.lrForEpoch(epoch) - lr) < 1e-12,
                 qPrintable(QString::number(s.lrForEpoch(epoch), 'g', 17)));
    }

    void onEpochEndCountsEpochs()
    {
        LrSchedule s(spec(R"({"type":"step","step_size":2,"gamma":0.1})"), 1.0, 10);
        QCOMPARE(s.currentLr(), 1.0);
        QCOMPARE(s.onEpochEnd(0), 1.0);                   // epoch 1 comes next
        QVERIFY(std::abs(s.onEpochEnd(0) - 0.1) < 1e-15); // epoch 2
        QCOMPARE(s.epochsDone(), 2);
    }

    void plateau()
    {
        // patience 2, factor 0.5, min_lr 0.02, improvements must beat the best by 1e-4.
        LrSchedule s(spec(R"({"type":"plateau","patience":2,"factor":0.5,"min_lr":0.02})"), 0.1,
                     50);
        struct Epoch
        {
            double loss, lrAfter;
        };
        const Epoch epochs[] = {
            {1.0, 0.1},                   // first value: best = 1.0
            {0.99, 0.1},                  // improved: best = 0.99
            {0.99, 0.1},                  // not improved (wait 1)
            {0.98995, 0.05},              // better by only 5e-5: wait 2 = patience → 0.1 * 0.5
            {0.5, 0.05},                  // improved, wait 0
            {0.6, 0.05},                  // wait 1
            {NAN, 0.025},                 // a NaN loss is no improvement: wait 2 → 0.025
            {0.6, 0.025},                 // wait 1
            {0.6, 0.02},                  // wait 2 → max(0.0125, min_lr 0.02)
            {0.6, 0.02},     {0.6, 0.02}, // at min_lr: stays
        };
        int i = 0;
        for (const Epoch &e : epochs) {
            const double lr = s.onEpochEnd(e.loss);
            QVERIFY2(
                std::abs(lr - e.lrAfter) < 1e-15,
                qPrintable(QString("epoch %1: lr %2, expected %3").arg(i).arg(lr).arg(e.lrAfter)));
            QCOMPARE(s.lrForEpoch(i + 1), lr);
            ++i;
        }
    }

    void plateauPatienceZero()
    {
        // Keras: patience 0 reduces on every epoch without improvement.
        LrSchedule s(spec(R"({"type":"plateau","patience":0,"factor":0.5})"), 1.0, 10);
        QCOMPARE(s.onEpochEnd(1.0), 1.0);
        QCOMPARE(s.onEpochEnd(1.0), 0.5);
        QCOMPARE(s.onEpochEnd(2.0), 0.25);
    }

    void overrideRescalesStep()
    {
        // base 0.1, gamma 0.5 every 2 epochs. During epoch 3 (scheduled 0.05) the user sets
        // 0.2: scale 4, so epoch 4 gets 0.1 * 0.25 * 4 = 0.1 and epoch 6 gets 0.05.
        LrSchedule s(spec(R"({"type":"step","step_size":2,"gamma":0.5})"), 0.1, 10);
        for (int i = 0; i < 3; ++i)
            s.onEpochEnd(1.0);
        s.override(0.2);
        QVERIFY(std::abs(s.currentLr() - 0.2) < 1e-15);
        QVERIFY(std::abs(s.onEpochEnd(1.0) - 0.1) < 1e-15);
        QVERIFY(std::abs(s.lrForEpoch(6) - 0.05) < 1e-15);
        QVERIFY_THROWS_EXCEPTION(Error, s.override(-1));
    }

    void overrideAtZeroHolds()
    {
        // Cosine to 0 over 4 epochs: at epoch 4 the scheduled LR is 0, so a new LR cannot be
        // a ratio; it is held as a constant.
        LrSchedule s(ScheduleSpec{.type = "cosine"}, 0.1, 4);
        for (int i = 0; i < 4; ++i)
            s.onEpochEnd(1.0);
        QVERIFY(std::abs(s.currentLr()) < 1e-15);
        s.override(0.01);
        QCOMPARE(s.currentLr(), 0.01);
        QCOMPARE(s.lrForEpoch(6), 0.01);
    }

    void overridePlateau()
    {
        LrSchedule s(spec(R"({"type":"plateau","patience":1,"factor":0.1})"), 0.1, 10);
        s.onEpochEnd(1.0);
        s.override(0.5);
        QCOMPARE(s.currentLr(), 0.5);
        QVERIFY(std::abs(s.onEpochEnd(2.0) - 0.05) < 1e-15); // reduces from the new value
    }

    void stateRoundTrip()
    {
        // Two schedules fed the same losses agree after one is restored from the other's
        // state, also through text (JSON has no infinity: the unset best is null).
        const ScheduleSpec c = spec(R"({"type":"plateau","patience":2,"factor":0.5})");
        LrSchedule a(c, 0.1, 30);
        const nlohmann::json fresh = a.state();
        QVERIFY(fresh.at("best").is_null());
        const double losses[] = {1.0, 0.9, 0.95, 0.93, 0.97, 0.8, 0.85, 0.86, 0.84, 0.9};
        for (int i = 0; i < 5; ++i)
            a.onEpochEnd(losses[i]);
        a.override(0.07);
        LrSchedule b(c, 0.1, 30);
        b.loadState(nlohmann::json::parse(a.state().dump()));
        QCOMPARE(b.epochsDone(), 5);
        QCOMPARE(b.currentLr(), a.currentLr());
        for (int i = 5; i < 10; ++i)
            QCOMPARE(b.onEpochEnd(losses[i]), a.onEpochEnd(losses[i]));

        // A rescaled step schedule keeps its scale.
        const ScheduleSpec st = spec(R"({"type":"step","step_size":1,"gamma":0.5})");
        LrSchedule x(st, 0.1, 10), y(st, 0.1, 10);
        x.onEpochEnd(0);
        x.override(0.2);
        y.loadState(x.state());
        for (int epoch = 0; epoch < 5; ++epoch)
            QCOMPARE(y.lrForEpoch(epoch), x.lrForEpoch(epoch));
    }

    void loadStateErrors()
    {
        LrSchedule s(ScheduleSpec{}, 0.1, 10);
        nlohmann::json missing = s.state();
        missing.erase("wait");
        QVERIFY_THROWS_EXCEPTION(Error, s.loadState(missing));
        try {
            s.loadState(missing);
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("'wait' is missing"), e.what());
        }
        nlohmann::json negative = s.state();
        negative["epochs_done"] = -3;
        QVERIFY_THROWS_EXCEPTION(Error, s.loadState(negative));
        QVERIFY_THROWS_EXCEPTION(Error, s.loadState(nlohmann::json::array()));
    }

    void constructorErrors()
    {
        QVERIFY_THROWS_EXCEPTION(Error, LrSchedule(ScheduleSpec{}, 0, 10));
        // Cosine needs a period: neither t_max nor a run length.
        QVERIFY_THROWS_EXCEPTION(Error, LrSchedule(ScheduleSpec{.type = "cosine"}, 0.1, 0));
        QVERIFY_THROWS_EXCEPTION(ProjectError, LrSchedule(ScheduleSpec{.type = "warmup"}, 0.1, 1));
    }

    void specJsonRoundTrip()
    {
        const ScheduleSpec a{.type = "cosine",
                             .stepSize = 4,
                             .gamma = 0.3,
                             .tMax = 12,
                             .minLr = 1e-5,
                             .patience = 7,
                             .factor = 0.2};
        const ScheduleSpec b = scheduleSpecFromJson(toJson(a), "");
        QCOMPARE(b.type, a.type);
        QCOMPARE(b.stepSize, a.stepSize);
        QCOMPARE(b.gamma, a.gamma);
        QCOMPARE(b.tMax, a.tMax);
        QCOMPARE(b.minLr, a.minLr);
        QCOMPARE(b.patience, a.patience);
        QCOMPARE(b.factor, a.factor);
        QCOMPARE(QString::fromStdString(toJson(a).dump()),
                 QString(R"({"factor":0.2,"gamma":0.3,"min_lr":1e-05,"patience":7,)"
                         R"("step_size":4,"t_max":12,"type":"cosine"})"));
    }

    void specJsonErrors_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("fragment");
        const QString p = "/training/schedule";
        QTest::newRow("unknown type") << R"({"type":"warmup"})" << p + "/type"
                                      << "expected one of constant, step, cosine, plateau";
        QTest::newRow("step size 0") << R"({"step_size":0})" << p + "/step_size"
                                     << "expected an integer >= 1 but found 0";
        QTest::newRow("step size 2.5") << R"({"step_size":2.5})" << p + "/step_size"
                                       << "expected an integer but found number 2.5";
        QTest::newRow("gamma 0") << R"({"gamma":0})" << p + "/gamma"
                                 << "> 0 but found 0";
        QTest::newRow("t_max < 0") << R"({"t_max":-1})" << p + "/t_max"
                                   << ">= 0";
        QTest::newRow("min_lr < 0") << R"({"min_lr":-0.1})" << p + "/min_lr"
                                    << ">= 0";
        QTest::newRow("patience text") << R"({"patience":"five"})" << p + "/patience"
                                       << "expected an integer but found string \"five\"";
        QTest::newRow("factor 1") << R"({"factor":1})" << p + "/factor"
                                  << "in (0, 1) but found 1";
        QTest::newRow("misspelt key") << R"({"stepsize":3})" << p + "/stepsize"
                                      << "unknown setting";
        QTest::newRow("not an object") << R"("step")" << p << "expected an object";
    }
    void specJsonErrors()
    {
        QFETCH(QString, json);
        QFETCH(QString, path);
        QFETCH(QString, fragment);
        try {
            spec(json.toStdString().c_str());
            QFAIL("expected a ProjectError");
        } catch (const ProjectError &e) {
            QCOMPARE(QString::fromStdString(e.jsonPath()), path);
            QVERIFY2(QString(e.what()).contains(fragment), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestSchedules)
#include "test_schedules.moc"
