// Resuming from a checkpoint whose training state was damaged or written for another project:
// every field is checked against the project and dataset first, and the run is refused with
// the file and the field named. Earlier, an epoch of 2^31 ran for billions of epochs, a batch
// position of 10^6 skipped the rest of an epoch and a negative count reported an accuracy of
// 1.16.

#include "source_dir.h"
#include "strata/trainer.h"
#include "train/checkpoint.h"

#include <QtTest>

using namespace strata;
using nlohmann::json;
using strata::test::sourceDir;

class TestCheckpointFields : public QObject
{
    Q_OBJECT

    QTemporaryDir dir_;
    std::string good_; // a real checkpoint: xor after 2 epochs of 300

    Project xor_() const { return loadProject(sourceDir() + "/projects/xor.strata"); }

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        Project p = xor_();
        TrainerOptions o;
        o.outDir = dir_.filePath("run").toStdString();
        o.epochs = 2;
        Trainer t(p, sourceDir() + "/projects", o);
        QCOMPARE(int(t.run().reason), int(FinishedEvent::Reason::Completed));
        good_ = o.outDir + "/checkpoint.safetensors";
        QVERIFY(QFile::exists(QString::fromStdString(good_)));
    }

    void goodCheckpointResumes()
    {
        TrainerOptions o;
        o.resumeFrom = good_;
        o.epochs = 3;
        Trainer t(xor_(), sourceDir() + "/projects", o);
        const FinishedEvent f = t.run();
        QVERIFY2(f.reason == FinishedEvent::Reason::Completed, f.message.c_str());
        QCOMPARE(f.epochsRun, 3);
    }

    void damagedFieldsAreRefused_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value"); // JSON; empty: the key is removed
        QTest::addColumn<QString>("fragment");
        QTest::newRow("epoch 2^31") << "epoch"
                                    << "2147483648"
                                    << "'epoch' is 2147483648, outside 0 to 300";
        QTest::newRow("epoch 1e30") << "epoch"
                                    << "1e30"
                                    << "'epoch' is 1e+30, not a whole number";
        QTest::newRow("epoch -100000") << "epoch"
                                       << "-100000"
                                       << "'epoch' is -100000, outside 0 to 300";
        QTest::newRow("epoch 2^64") << "epoch"
                                    << "18446744073709551615"
                                    << "not a whole number in range";
        QTest::newRow("batch 10^6") << "batch"
                                    << "1000000"
                                    << "'batch' is 1000000, outside 0 to";
        QTest::newRow("batch -1") << "batch"
                                  << "-1"
                                  << "'batch' is -1, outside 0 to";
        QTest::newRow("negative sample count") << "partial_count"
                                               << "-5"
                                               << "'partial_count' is -5";
        QTest::newRow("more correct than counted") << "partial_correct"
                                                   << "7"
                                                   << "'partial_correct' is 7, outside 0 to 0";
        QTest::newRow("loss sum NaN-like") << "partial_loss"
                                           << "\"nan\""
                                           << "'partial_loss' is \"nan\", not a finite number";
        QTest::newRow("best epoch in the future") << "best_epoch"
                                                  << "99"
                                                  << "'best_epoch' is 99, outside -1 to 1";
        QTest::newRow("history too short") << "history"
                                           << "[]"
                                           << "history holds 0 epochs where its position says 2";
        QTest::newRow("history not a list") << "history"
                                            << "{}"
                                            << "history holds {}";
        QTest::newRow("random stream garbage") << "shuffle_rng"
                                               << "\"1,2,x,4\""
                                               << "'shuffle_rng' is \"1,2,x,4\", not four";
        QTest::newRow("random stream all zeros") << "dropout_rng"
                                                 << "\"0,0,0,0\""
                                                 << "is all zeros";
        QTest::newRow("schedule damaged") << "schedule"
                                          << "{}"
                                          << "learning-rate schedule cannot be used";
        QTest::newRow("batch missing") << "batch"
                                       << ""
                                       << "'batch' is missing";
    }
    void damagedFieldsAreRefused()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, fragment);
        internal::Checkpoint c = internal::readCheckpoint(good_);
        if (value.isEmpty())
            c.state.erase(key.toStdString());
        else
            c.state[key.toStdString()] = json::parse(value.toStdString());
        // Beside the original: the checkpoint's history log (history.jsonl) is there.
        const std::string damaged = dir_.filePath("run/damaged.safetensors").toStdString();
        internal::writeCheckpoint(damaged, c);

        TrainerOptions o;
        o.resumeFrom = damaged;
        Trainer t(xor_(), sourceDir() + "/projects", o);
        QElapsedTimer timer;
        timer.start();
        const FinishedEvent f = t.run();
        QCOMPARE(int(f.reason), int(FinishedEvent::Reason::Failed));
        QVERIFY2(f.message.rfind(damaged + ": the checkpoint's ", 0) == 0, f.message.c_str());
        QVERIFY2(f.message.find(fragment.toStdString()) != std::string::npos, f.message.c_str());
        QVERIFY2(f.message.find("not written for this project") != std::string::npos,
                 f.message.c_str());
        QCOMPARE(f.epochsRun, 0);
        QVERIFY(timer.elapsed() < 30000);
    }

    void checkpointOfAnotherModelIsRefused()
    {
        // The OR gate's checkpoint resumed into XOR (other hidden units): the weights do not fit.
        Project orGate = loadProject(sourceDir() + "/projects/or_gate.strata");
        TrainerOptions w;
        w.outDir = dir_.filePath("or").toStdString();
        w.epochs = 1;
        Trainer writer(orGate, sourceDir() + "/projects", w);
        writer.run();
        TrainerOptions o;
        o.resumeFrom = w.outDir + "/checkpoint.safetensors";
        Trainer t(xor_(), sourceDir() + "/projects", o);
        const FinishedEvent f = t.run();
        QCOMPARE(int(f.reason), int(FinishedEvent::Reason::Failed));
        QVERIFY2(f.message.find("the checkpoint's weights cannot be used") != std::string::npos,
                 f.message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestCheckpointFields)
#include "test_checkpoint_fields.moc"
