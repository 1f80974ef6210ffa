// The run's history lives in history.jsonl beside the checkpoint, a line appended per epoch,
// so a checkpoint costs the same in every epoch of a run (earlier, each one rewrote the whole
// history: 1,400 spirals epochs took 12 s with an output folder and 1.3 s without). The
// checkpoint says how many lines count; the log is checked line by line on resume.

#include "source_dir.h"
#include "strata/trainer.h"
#include "train/checkpoint.h"
#include "train/history_log.h"

#include <QtTest>

#include <fstream>
#include <sys/stat.h>

using namespace strata;
using strata::test::sourceDir;

namespace {

Project xorProject()
{
    return loadProject(sourceDir() + "/projects/xor.strata");
}

FinishedEvent train(const std::string &out, int epochs, const std::string &resume = {})
{
    TrainerOptions o;
    o.outDir = out;
    o.epochs = epochs;
    o.resumeFrom = resume;
    Trainer t(xorProject(), sourceDir() + "/projects", o);
    return t.run();
}

std::vector<std::string> lines(const std::string &path)
{
    std::ifstream in(path);
    std::vector<std::string> all;
    for (std::string line; std::getline(in, line);)
        all.push_back(line);
    return all;
}

void writeText(const std::string &path, const std::string &text)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string epochLine(int epoch)
{
    return R"({"epoch":)" + std::to_string(epoch) +
           R"(,"loss":0.5,"accuracy":0.75,"seconds":0.1,"samples_per_second":40,"lr":0.1,"best":false})";
}

} // namespace

class TestHistoryLog : public QObject
{
    Q_OBJECT

    QTemporaryDir dir_;

    std::string path(const char *name) const { return dir_.filePath(name).toStdString(); }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void checkpointSizeDoesNotGrowWithTheRun()
    {
        // The checkpoint holds weights, optimizer state and a fixed-size position: the same
        // bytes after 3 epochs as after 40. The log grows by one line an epoch.
        const std::string shortRun = path("short"), longRun = path("long");
        QCOMPARE(int(train(shortRun, 3).reason), int(FinishedEvent::Reason::Completed));
        QCOMPARE(int(train(longRun, 40).reason), int(FinishedEvent::Reason::Completed));
        const auto size = [](const std::string &folder) {
            return QFileInfo(QString::fromStdString(folder + "/checkpoint.safetensors")).size();
        };
        QVERIFY(size(shortRun) > 0);
        QCOMPARE(size(longRun), size(shortRun));
        QCOMPARE(lines(shortRun + "/history.jsonl").size(), size_t(3));
        QCOMPARE(lines(longRun + "/history.jsonl").size(), size_t(40));
        const auto state = internal::readCheckpoint(longRun + "/checkpoint.safetensors").state;
        QVERIFY(!state.contains("history"));
        QCOMPARE(state.at("history_file").get<std::string>(), std::string("history.jsonl"));
    }

    void logMatchesTheHistoryAndMetrics()
    {
        const std::string out = path("match");
        TrainerOptions o;
        o.outDir = out;
        o.epochs = 5;
        Trainer t(xorProject(), sourceDir() + "/projects", o);
        QCOMPARE(int(t.run().reason), int(FinishedEvent::Reason::Completed));
        const auto logged = internal::readHistoryLog(out + "/history.jsonl", 5);
        QCOMPARE(logged.size(), t.history().size());
        for (size_t i = 0; i < logged.size(); ++i) {
            QCOMPARE(logged[i].epoch, t.history()[i].epoch);
            QCOMPARE(logged[i].loss, t.history()[i].loss);
            QCOMPARE(logged[i].accuracy, t.history()[i].accuracy);
        }
    }

    void resumeIgnoresLinesTheCheckpointDoesNotCount()
    {
        // A kill after an epoch's line was appended but before its checkpoint was renamed into
        // place: the log has one line more (and maybe a partial one) than the checkpoint counts.
        const std::string out = path("killed");
        QCOMPARE(int(train(out, 4).reason), int(FinishedEvent::Reason::Completed));
        const std::string log = out + "/history.jsonl";
        std::ofstream(log, std::ios::app) << epochLine(5) << "\n{\"epoch\":6,\"lo";
        const FinishedEvent f = train(out, 6, out + "/checkpoint.safetensors");
        QVERIFY2(f.reason == FinishedEvent::Reason::Completed, f.message.c_str());
        QCOMPARE(f.epochsRun, 6);
        const auto all = lines(log);
        QCOMPARE(all.size(), size_t(6)); // the stale lines were dropped, not kept beside new ones
        const auto history = internal::readHistoryLog(log, 6);
        QCOMPARE(history[4].epoch, 4);
        QVERIFY(history[4].loss != 0.5); // epoch 5 as trained again, not the stale line
    }

    void resumeIntoAnotherFolderCarriesTheHistory()
    {
        const std::string first = path("first"), second = path("second");
        QCOMPARE(int(train(first, 3).reason), int(FinishedEvent::Reason::Completed));
        const FinishedEvent f = train(second, 5, first + "/checkpoint.safetensors");
        QVERIFY2(f.reason == FinishedEvent::Reason::Completed, f.message.c_str());
        QCOMPARE(lines(second + "/history.jsonl").size(), size_t(5));
        QCOMPARE(lines(second + "/history.jsonl")[0], lines(first + "/history.jsonl")[0]);
    }

    void freshRunDoesNotAppendToAnEarlierLog()
    {
        const std::string out = path("again");
        QCOMPARE(int(train(out, 4).reason), int(FinishedEvent::Reason::Completed));
        QCOMPARE(int(train(out, 2).reason), int(FinishedEvent::Reason::Completed));
        QCOMPARE(lines(out + "/history.jsonl").size(), size_t(2));
    }

    void checkpointOfAnEarlierVersionStillResumes()
    {
        // Before the log, the checkpoint held the history inline under "history".
        const std::string out = path("inline");
        QCOMPARE(int(train(out, 3).reason), int(FinishedEvent::Reason::Completed));
        internal::Checkpoint c = internal::readCheckpoint(out + "/checkpoint.safetensors");
        nlohmann::json history = nlohmann::json::array();
        for (const auto &m : internal::readHistoryLog(out + "/history.jsonl", 3))
            history.push_back(internal::toJson(m));
        c.state.erase("history_file");
        c.state["history"] = history;
        const std::string old = path("old_checkpoint.safetensors");
        internal::writeCheckpoint(old, c);
        std::remove((out + "/history.jsonl").c_str());
        const FinishedEvent f = train(path("from_old"), 5, old);
        QVERIFY2(f.reason == FinishedEvent::Reason::Completed, f.message.c_str());
        QCOMPARE(f.epochsRun, 5);
    }

    void malformedLogsAreRefused_data()
    {
        QTest::addColumn<QByteArray>("text"); // "-" for no file
        QTest::addColumn<int>("epochs");
        QTest::addColumn<QString>("fragment");
        const QByteArray two = QByteArray::fromStdString(epochLine(1) + "\n" + epochLine(2) + "\n");
        QTest::newRow("missing") << QByteArray("-") << 2 << "is missing";
        QTest::newRow("empty") << QByteArray() << 1 << "holds 0 finished epochs";
        QTest::newRow("short") << two << 3 << "holds 2 finished epochs where the checkpoint says 3";
        QTest::newRow("partial last line does not count")
            << two + QByteArray::fromStdString(epochLine(3)) << 3 << "holds 2 finished epochs";
        QTest::newRow("not JSON") << QByteArray("epoch 1\n") << 1 << "line 1 is damaged";
        QTest::newRow("not an object") << QByteArray("[1,2]\n") << 1 << "line 1 is damaged";
        QTest::newRow("loss missing") << QByteArray("{\"epoch\":1}\n") << 1 << "line 1 is damaged";
        QTest::newRow("loss a string")
            << QByteArray("{\"epoch\":1,\"loss\":\"x\",\"accuracy\":1}\n") << 1
            << "line 1 is damaged";
        QTest::newRow("numbered wrong")
            << QByteArray::fromStdString(epochLine(2) + "\n") << 1 << "line 1 is numbered epoch 2";
        QTest::newRow("duplicate key")
            << QByteArray("{\"epoch\":1,\"epoch\":1,\"loss\":0,\"accuracy\":0}\n") << 1
            << "line 1 is damaged";
        QTest::newRow("epoch a huge fraction")
            << QByteArray("{\"epoch\":5555555000.0,\"loss\":0,\"accuracy\":0}\n") << 1
            << "line 1 is damaged";
        QTest::newRow("epoch beyond int")
            << QByteArray("{\"epoch\":99999999999,\"loss\":0,\"accuracy\":0}\n") << 1
            << "line 1 is damaged";
        QTest::newRow("epoch 0") << QByteArray("{\"epoch\":0,\"loss\":0,\"accuracy\":0}\n") << 1
                                 << "line 1 is damaged";
        QTest::newRow("confusion count a huge fraction")
            << QByteArray("{\"epoch\":1,\"loss\":0,\"accuracy\":0,\"confusion\":[[1e30]]}\n") << 1
            << "line 1 is damaged";
        QTest::newRow("confusion not square")
            << QByteArray("{\"epoch\":1,\"loss\":0,\"accuracy\":0,\"confusion\":[[1,2]]}\n") << 1
            << "line 1 is damaged";
        QTest::newRow("deep nesting") << QByteArray(100000, '[') + "\n" << 1 << "line 1 is damaged";
    }
    void malformedLogsAreRefused()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, epochs);
        QFETCH(QString, fragment);
        const std::string log = path("malformed.jsonl");
        std::remove(log.c_str());
        if (text != "-")
            writeText(log, text.toStdString());
        try {
            internal::readHistoryLog(log, epochs);
            QFAIL("a malformed history log was accepted");
        } catch (const Error &e) {
            const std::string message = e.what();
            QVERIFY2(message.rfind(log + ": ", 0) == 0, e.what());
            QVERIFY2(message.find(fragment.toStdString()) != std::string::npos, e.what());
            QVERIFY2(message.size() < 600, e.what());
        }
    }

    void noLogIsNeededBeforeTheFirstEpochEnds()
    {
        // A run stopped in its first epoch checkpoints 0 finished epochs and wrote no line.
        const std::string log = path("never_written.jsonl");
        std::remove(log.c_str());
        QVERIFY(internal::readHistoryLog(log, 0).empty());
    }

    void pipeIsRefusedWithoutBlocking()
    {
        const std::string fifo = path("history.fifo");
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        try {
            internal::readHistoryLog(fifo, 1);
            QFAIL("a named pipe was read as a history log");
        } catch (const Error &e) {
            QVERIFY2(std::string(e.what()).find("not a regular file") != std::string::npos,
                     e.what());
        }
    }

    void checkpointNamingAFileElsewhereIsRefused_data()
    {
        QTest::addColumn<QString>("name"); // JSON
        QTest::newRow("parent folder") << "\"../history.jsonl\"";
        QTest::newRow("absolute") << "\"/etc/passwd\"";
        QTest::newRow("dot dot") << "\"..\"";
        QTest::newRow("empty") << "\"\"";
        QTest::newRow("number") << "5";
    }
    void checkpointNamingAFileElsewhereIsRefused()
    {
        QFETCH(QString, name);
        const std::string out = path("elsewhere");
        QCOMPARE(int(train(out, 2).reason), int(FinishedEvent::Reason::Completed));
        internal::Checkpoint c = internal::readCheckpoint(out + "/checkpoint.safetensors");
        c.state["history_file"] = nlohmann::json::parse(name.toStdString());
        const std::string damaged = out + "/damaged.safetensors";
        internal::writeCheckpoint(damaged, c);
        const FinishedEvent f = train(path("elsewhere_resumed"), 3, damaged);
        QCOMPARE(int(f.reason), int(FinishedEvent::Reason::Failed));
        QVERIFY2(f.message.find("'history_file' is") != std::string::npos, f.message.c_str());
        QVERIFY2(f.message.find("not the name of a file beside the checkpoint") !=
                     std::string::npos,
                 f.message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestHistoryLog)
#include "test_history_log.moc"
