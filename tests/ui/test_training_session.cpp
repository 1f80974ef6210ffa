// The training session without any widget: a real trainer thread reporting through the
// session's signals. Every epoch arrives once and in order, finished() once and last; pause,
// learning rate, resume and stop go through it; a run that cannot start is an error(); a
// session destroyed mid-run neither hangs nor crashes; panels want snapshots only while shown.

#include "ui/session/snapshots_while_shown.h"
#include "ui/session/training_session.h"

#include "strata/project.h"
#include "strata/trainer.h"

#include "source_dir.h"
#include "training_projects.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStringList>
#include <QWidget>
#include <QtTest>

#include <cmath>
#include <memory>

using strata::BatchEvent;
using strata::EpochMetrics;
using strata::FinishedEvent;
using strata::Project;
using strata::StartedEvent;
using strata::ui::TrainingSession;

namespace {

constexpr int kTimeoutMs = 60000;

// Appends one line to lines for each of the session's signals, in the order they arrive,
// while context lives.
void recordOrder(TrainingSession &session, QObject *context, QStringList &lines)
{
    QObject::connect(&session, &TrainingSession::trainingStarted, context,
                     [&lines] { lines.append("trainingStarted"); });
    QObject::connect(&session, &TrainingSession::started, context,
                     [&lines] { lines.append("started"); });
    QObject::connect(&session, &TrainingSession::batchFinished, context,
                     [&lines](const BatchEvent &b) {
                         lines.append(QStringLiteral("batch %1.%2").arg(b.epoch).arg(b.batch));
                     });
    QObject::connect(
        &session, &TrainingSession::epochFinished, context,
        [&lines](const EpochMetrics &m) { lines.append(QStringLiteral("epoch %1").arg(m.epoch)); });
    QObject::connect(&session, &TrainingSession::error, context,
                     [&lines] { lines.append("error"); });
    QObject::connect(&session, &TrainingSession::finished, context,
                     [&lines] { lines.append("finished"); });
}

// The OR gate example as shipped, with fewer epochs.
Project orGateExample(int epochs)
{
    Project p = strata::loadProject(
        strata::test::examplePath(QStringLiteral("or_gate.strata")).toStdString());
    p.training.epochs = epochs;
    return p;
}

} // namespace

class TestTrainingSession : public QObject
{
    Q_OBJECT

private slots:
    void everyEpochOnceInOrder();
    void trainsAgain();
    void pauseLearningRateResumeStop();
    void commandsOutsideARunAreRefused();
    void impossibleModelIsAnError();
    void destroyedMidRun();
    void destroyedWhilePaused();
    void destroyedRightAfterStart();
    void snapshotsOnlyWhilePanelsAreShown();
    void snapshotsFollowListenersDuringARun();
};

void TestTrainingSession::everyEpochOnceInOrder()
{
    constexpr int epochs = 40;
    QStringList order;
    TrainingSession session;
    QObject context;
    recordOrder(session, &context, order);
    QSignalSpy trainingStarted(&session, &TrainingSession::trainingStarted);
    QSignalSpy started(&session, &TrainingSession::started);
    QSignalSpy epochSpy(&session, &TrainingSession::epochFinished);
    QSignalSpy batches(&session, &TrainingSession::batchFinished);
    QSignalSpy errors(&session, &TrainingSession::error);
    QSignalSpy finished(&session, &TrainingSession::finished);
    // What a listener sees when finished() arrives.
    bool trainingWhenFinished = true;
    bool threadRunningWhenFinished = true;
    connect(&session, &TrainingSession::finished, &context, [&] {
        trainingWhenFinished = session.isTraining();
        threadRunningWhenFinished = session.trainer()->isRunning();
    });

    QVERIFY(session.start(orGateExample(epochs)));
    QCOMPARE(trainingStarted.count(), 1);
    QCOMPARE(trainingStarted.at(0).at(0).toString(), QStringLiteral("OR gate"));
    QVERIFY(session.isTraining());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QTest::qWait(100); // nothing comes after finished()
    QCOMPARE(finished.count(), 1);
    QVERIFY(!trainingWhenFinished);
    QVERIFY(!threadRunningWhenFinished);
    QVERIFY(!session.isTraining());

    const auto result = finished.at(0).at(0).value<FinishedEvent>();
    QVERIFY2(result.reason == FinishedEvent::Reason::Completed, result.message.c_str());
    QCOMPARE(result.epochsRun, epochs);
    QVERIFY(session.lastResult());
    QCOMPARE(errors.count(), 0);
    QCOMPARE(started.count(), 1);
    const auto info = started.at(0).at(0).value<StartedEvent>();
    QCOMPARE(info.epochs, epochs);
    QCOMPARE(info.batchesPerEpoch, 1);

    // Each epoch once, in order, as signals and in epochs().
    QCOMPARE(epochSpy.count(), epochs);
    QCOMPARE(int(session.epochs().size()), epochs);
    for (int i = 0; i < epochs; ++i) {
        QCOMPARE(epochSpy.at(i).at(0).value<EpochMetrics>().epoch, i);
        QCOMPARE(session.epochs()[size_t(i)].epoch, i);
    }
    QCOMPARE(batches.count(), epochs); // 3 samples, batch 3
    QCOMPARE(session.position(), double(epochs));

    // The whole conversation, in order: started first, each epoch's batch before the epoch,
    // finished last.
    QStringList expected{"trainingStarted", "started"};
    for (int i = 0; i < epochs; ++i)
        expected << QStringLiteral("batch %1.0").arg(i) << QStringLiteral("epoch %1").arg(i);
    expected << "finished";
    QCOMPARE(order, expected);

    // After finished(), the trained network is there to read.
    QVERIFY(session.trainer());
    QVERIFY(session.trainer()->network());
}

void TestTrainingSession::trainsAgain()
{
    TrainingSession session;
    QSignalSpy finished(&session, &TrainingSession::finished);
    QVERIFY(session.start(strata::test::orGate(5)));
    QVERIFY(!session.start(strata::test::orGate(5))); // one run at a time
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QCOMPARE(int(session.epochs().size()), 5);

    // A second run starts over, right from the first one's finished().
    connect(
        &session, &TrainingSession::finished, this,
        [&session] { session.start(strata::test::orGate(3)); }, Qt::SingleShotConnection);
    QVERIFY(session.start(strata::test::orGate(7)));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, kTimeoutMs);
    QCOMPARE(int(session.epochs().size()), 3);
    QCOMPARE(finished.at(1).at(0).value<FinishedEvent>().epochsRun, 7);
    QCOMPARE(finished.at(2).at(0).value<FinishedEvent>().epochsRun, 3);
}

void TestTrainingSession::pauseLearningRateResumeStop()
{
    TrainingSession session;
    QSignalSpy epochSpy(&session, &TrainingSession::epochFinished);
    QSignalSpy paused(&session, &TrainingSession::paused);
    QSignalSpy resumed(&session, &TrainingSession::resumed);
    QSignalSpy stopping(&session, &TrainingSession::stopping);
    QSignalSpy rates(&session, &TrainingSession::learningRateChanged);
    QSignalSpy finished(&session, &TrainingSession::finished);
    bool pausedByTrainer = false; // the trainer says so once it has stopped between batches
    connect(&session, &TrainingSession::logMessage, this, [&](const strata::LogEvent &e) {
        pausedByTrainer = pausedByTrainer || QString::fromStdString(e.message).contains("Paused");
    });

    QVERIFY(session.start(strata::test::spirals(5000)));
    QTRY_VERIFY_WITH_TIMEOUT(epochSpy.count() >= 1, kTimeoutMs);
    QVERIFY(!session.setLearningRate(0.002)); // only while paused

    QVERIFY(session.pause());
    QVERIFY(!session.pause());
    QCOMPARE(paused.count(), 1);
    QVERIFY(session.isPaused());
    QTRY_VERIFY_WITH_TIMEOUT(pausedByTrainer, kTimeoutMs);
    // Paused, nothing more arrives.
    const qsizetype frozen = epochSpy.count();
    QTest::qWait(200);
    QCOMPARE(epochSpy.count(), frozen);
    QVERIFY(!session.setLearningRate(-1));
    QVERIFY(!session.setLearningRate(std::nan("")));
    QCOMPARE(rates.count(), 0);
    QVERIFY(session.setLearningRate(0.002));
    QCOMPARE(rates.count(), 1);
    QCOMPARE(rates.at(0).at(0).toDouble(), 0.002);
    QCOMPARE(rates.at(0).at(2).value<TrainingSession::RateOrigin>(),
             TrainingSession::RateOrigin::User);

    QVERIFY(session.resume());
    QCOMPARE(resumed.count(), 1);
    QVERIFY(!session.isPaused());
    const qsizetype before = epochSpy.count();
    QTRY_VERIFY_WITH_TIMEOUT(epochSpy.count() >= before + 2, kTimeoutMs);
    QVERIFY(std::fabs(session.epochs().back().learningRate - 0.002) < 1e-9);
    QVERIFY(std::fabs(*session.learningRate() - 0.002) < 1e-9);
    // Reported once, when applied, not again when the batches showed it.
    QCOMPARE(rates.count(), 1);

    QVERIFY(session.stop());
    QVERIFY(!session.stop());
    QCOMPARE(stopping.count(), 1);
    QVERIFY(session.isStopping());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY(!session.isTraining() && !session.isStopping());
    QVERIFY(finished.at(0).at(0).value<FinishedEvent>().reason == FinishedEvent::Reason::Stopped);
    const qsizetype epochsAtEnd = epochSpy.count();
    QCOMPARE(int(session.epochs().size()), int(epochsAtEnd));
    QTest::qWait(100);
    QCOMPARE(epochSpy.count(), epochsAtEnd);
    QCOMPARE(finished.count(), 1);
}

void TestTrainingSession::commandsOutsideARunAreRefused()
{
    TrainingSession session;
    QSignalSpy paused(&session, &TrainingSession::paused);
    QVERIFY(!session.isTraining());
    QVERIFY(!session.pause());
    QVERIFY(!session.resume());
    QVERIFY(!session.stop());
    QVERIFY(!session.setLearningRate(0.1));
    QCOMPARE(paused.count(), 0);
    QVERIFY(!session.trainer());
    QVERIFY(!session.lastResult());
}

void TestTrainingSession::impossibleModelIsAnError()
{
    // A Conv2D needs an image (C×H×W); the OR gate's samples are two numbers.
    Project p = strata::test::orGate(5);
    p.graph = {};
    strata::test::chain(p, {{"x", "Input", "x", {{"features", 2}}},
                            {"conv", "Conv2D", "conv", {{"filters", 4}, {"kernel", 3}}},
                            {"out_sigmoid", "Sigmoid", "out_sigmoid", {}}});
    QStringList order;
    TrainingSession session;
    QObject context;
    recordOrder(session, &context, order);
    QSignalSpy errors(&session, &TrainingSession::error);
    QSignalSpy finished(&session, &TrainingSession::finished);
    QVERIFY(session.start(p));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QCOMPARE(errors.count(), 1);
    const QString message = errors.at(0).at(0).toString();
    QVERIFY2(message.contains("conv"), qPrintable(message));
    const auto result = finished.at(0).at(0).value<FinishedEvent>();
    QVERIFY(result.reason == FinishedEvent::Reason::Failed);
    QCOMPARE(QString::fromStdString(result.message), message);
    QCOMPARE(order.mid(order.size() - 2), (QStringList{"error", "finished"}));
    QVERIFY(session.epochs().empty());
    QVERIFY(!session.isTraining());
}

void TestTrainingSession::destroyedMidRun()
{
    auto session = std::make_unique<TrainingSession>();
    QSignalSpy batches(session.get(), &TrainingSession::batchFinished);
    QVERIFY(session->start(strata::test::spirals(5000)));
    QTRY_VERIFY_WITH_TIMEOUT(batches.count() > 0, kTimeoutMs);
    QElapsedTimer clock;
    clock.start();
    session.reset(); // stops the run, waits for the batch in flight
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
    QTest::qWait(100); // nothing queued for the session is delivered to it any more
}

void TestTrainingSession::destroyedWhilePaused()
{
    auto session = std::make_unique<TrainingSession>();
    QSignalSpy batches(session.get(), &TrainingSession::batchFinished);
    QVERIFY(session->start(strata::test::spirals(5000)));
    QTRY_VERIFY_WITH_TIMEOUT(batches.count() > 0, kTimeoutMs);
    QVERIFY(session->pause());
    QTest::qWait(50);
    QElapsedTimer clock;
    clock.start();
    session.reset(); // a paused trainer wakes up to stop
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
    QTest::qWait(100);
}

void TestTrainingSession::destroyedRightAfterStart()
{
    // Before the trainer has read its data: the thread may not even have begun.
    for (int i = 0; i < 5; ++i) {
        auto session = std::make_unique<TrainingSession>();
        QVERIFY(session->start(strata::test::spirals(5000)));
        session.reset();
    }
    QTest::qWait(100);
}

// Panels that draw from weight snapshots want them only while they can be seen: one listener
// each while shown, none once hidden or gone.
void TestTrainingSession::snapshotsOnlyWhilePanelsAreShown()
{
    TrainingSession session;
    auto *first = new QWidget;
    auto *second = new QWidget;
    auto *a = new strata::ui::SnapshotsWhileShown(first, &session);
    new strata::ui::SnapshotsWhileShown(second, &session);
    QVERIFY(!session.snapshotsWanted());
    first->show();
    QVERIFY(a->isListening());
    QVERIFY(session.snapshotsWanted());
    second->show();
    first->hide();
    QVERIFY(!a->isListening());
    QVERIFY(session.snapshotsWanted()); // the second is still shown
    delete second;
    QVERIFY(!session.snapshotsWanted());
    first->show();
    QVERIFY(session.snapshotsWanted());
    delete first;
    QVERIFY(!session.snapshotsWanted());
    // Shown already when it starts watching: it listens at once.
    QWidget shown;
    shown.show();
    new strata::ui::SnapshotsWhileShown(&shown, &session);
    QVERIFY(session.snapshotsWanted());
}

// A listener added during a run gets snapshots from the next batch; once the last one goes
// (a panel covered by another tab), the run stops taking them.
void TestTrainingSession::snapshotsFollowListenersDuringARun()
{
    TrainingSession session;
    int announced = 0;
    connect(&session, &TrainingSession::snapshotAvailable, this, [&] { ++announced; });
    QVERIFY(session.start(strata::test::spirals(5000)));
    QTRY_VERIFY(session.position() > 0.5);
    QVERIFY(!session.trainer()->isSnapshotting());
    QCOMPARE(announced, 0);
    session.addSnapshotListener();
    QVERIFY(session.trainer()->isSnapshotting());
    QTRY_VERIFY(announced >= 2);
    QVERIFY(session.isTraining());
    session.removeSnapshotListener();
    QVERIFY(!session.trainer()->isSnapshotting());
    QTest::qWait(200); // one already taken may still come
    const int afterwards = announced;
    QTest::qWait(300);
    QCOMPARE(announced, afterwards);
    QVERIFY(session.isTraining());
    QSignalSpy finished(&session, &TrainingSession::finished);
    QVERIFY(session.stop());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
}

QTEST_MAIN(TestTrainingSession)
#include "test_training_session.moc"
