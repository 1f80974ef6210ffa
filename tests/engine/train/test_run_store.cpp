// The run store: a run's folder round trip (record, labels, history, the project as trained),
// kept checkpoints, a run killed mid-run listed as crashed and resumed bitwise, a listing
// that survives every damaged file, and the settings diff between two projects.

#include "strata/run_store.h"
#include "strata/trainer.h"
#include "qtest_strings.h"
#include "training_projects.h"

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace strata;
namespace fs = std::filesystem;

namespace {

std::string readBytes(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeText(const std::string &path, const std::string &text)
{
    std::ofstream(path, std::ios::binary) << text;
}

// Trains one session of the run in `folder` through a recorder; returns how it ended.
FinishedEvent trainRun(const Project &project, const std::string &folder, bool resume,
                       std::optional<int> epochs = {}, int keep = kDefaultKeepCheckpoints)
{
    RunRecorder recorder(folder, resume, keep);
    TrainerOptions options;
    recorder.configure(options);
    options.epochs = epochs;
    options.observer = [&](const TrainingEvent &e) { recorder.observe(e); };
    Trainer trainer(project, ".", options);
    return trainer.run();
}

} // namespace

class TestRunStore : public QObject
{
    Q_OBJECT

    QTemporaryDir dir_;
    std::string store() const { return dir_.path().toStdString() + "/p.runs"; }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void roundTrip()
    {
        RunStore store(this->store());
        QVERIFY(store.list().empty());
        const Project project = test::spirals(4);
        const std::string id = store.create(project, ".");
        QCOMPARE(id, std::string("run-1"));
        const FinishedEvent end = trainRun(project, store.folder() + "/" + id, false);
        QVERIFY2(end.reason == FinishedEvent::Reason::Completed, end.message.c_str());

        const std::vector<RunInfo> runs = store.list();
        QCOMPARE(runs.size(), size_t(1));
        const RunInfo &run = runs[0];
        QCOMPARE(run.id, id);
        QCOMPARE(run.name, id);
        QCOMPARE(toString(run.status), toString(RunStatus::Finished));
        QVERIFY2(run.problem.empty(), run.problem.c_str());
        QCOMPARE(run.message, end.message);
        QCOMPARE(run.epochs, 4);
        QCOMPARE(run.epochsPlanned, 4);
        QVERIFY(run.validation);
        QVERIFY(run.resumable);
        QVERIFY(run.device.find("CPU") != std::string::npos);
        QVERIFY(!run.engineVersion.empty());
        QVERIFY(!run.startedAt.empty() && !run.endedAt.empty());
        QVERIFY(run.seconds > 0);
        double bestAcc = 0, bestLoss = 1e30;
        for (const EpochMetrics &m : run.history) {
            bestAcc = std::max(bestAcc, m.valAccuracy);
            bestLoss = std::min(bestLoss, m.valLoss);
        }
        QCOMPARE(*run.bestAccuracy, bestAcc);
        QCOMPARE(*run.bestLoss, bestLoss);
        QCOMPARE(toJson(store.project(run)), toJson(project));
        for (const char *file : {"final.safetensors", "best.safetensors", "metrics.csv",
                                 "metrics.json", "batches.csv", "project.strata"})
            QVERIFY2(fs::exists(run.folder + "/" + file), file);
        // One line per batch, after the header: 480 training samples in batches of 8.
        std::istringstream batches(readBytes(run.folder + "/batches.csv"));
        std::string line;
        int lines = 0;
        while (std::getline(batches, line))
            ++lines;
        QCOMPARE(lines, 1 + 4 * 60);

        // The user's labels.
        store.rename(id, "wider layers");
        store.setTags(id, {"baseline", "adam"});
        store.setNote(id, "first try");
        const RunInfo labelled = store.find("wider layers");
        QCOMPARE(labelled.id, id);
        QCOMPARE(labelled.tags, (std::vector<std::string>{"baseline", "adam"}));
        QCOMPARE(labelled.note, std::string("first try"));
        QCOMPARE(store.find(id).name, std::string("wider layers"));

        // A second run, a name taken, an unknown run.
        const std::string second = store.create(project, ".");
        QCOMPARE(second, std::string("run-2"));
        QVERIFY_THROWS_EXCEPTION(Error, store.rename(second, "wider layers"));
        QVERIFY_THROWS_EXCEPTION(Error, store.rename(second, "  "));
        try {
            store.find("run-9");
            QFAIL("an unknown run was found");
        } catch (const Error &e) {
            QVERIFY2(std::string(e.what()).find("run-1 (wider layers)") != std::string::npos,
                     e.what());
        }
        store.remove(second);
        store.remove(id);
        QVERIFY(store.list().empty());
        QVERIFY_THROWS_EXCEPTION(Error, store.remove("../p.runs"));
    }

    void keptCheckpoints()
    {
        RunStore store(this->store() + "-keep");
        Project project = test::orGate(12);
        const std::string id = store.create(project, ".");
        const std::string folder = store.folder() + "/" + id;
        QVERIFY(trainRun(project, folder, false, {}, 2).reason ==
                FinishedEvent::Reason::Completed);
        std::vector<std::string> kept;
        for (const auto &entry : fs::directory_iterator(folder + "/checkpoints"))
            kept.push_back(entry.path().filename().string());
        std::sort(kept.begin(), kept.end());
        // The last two and the best epoch's (the OR gate's loss falls every epoch: the last).
        QCOMPARE(kept, (std::vector<std::string>{"epoch-11.safetensors", "epoch-12.safetensors"}));
        QCOMPARE(readBytes(folder + "/checkpoints/epoch-12.safetensors"),
                 readBytes(folder + "/checkpoint.safetensors"));
    }

    // A run whose process died: its record still says running, and nobody holds its lock.
    // Listed as crashed; resumed, it ends with the weights of a run never interrupted.
    void crashedRunResumesExactly()
    {
        RunStore store(this->store() + "-crash");
        const Project project = test::spirals(6);
        const std::string whole = store.create(project, ".");
        QVERIFY(trainRun(project, store.folder() + "/" + whole, false).reason ==
                FinishedEvent::Reason::Completed);

        const std::string killed = store.create(project, ".");
        const std::string folder = store.folder() + "/" + killed;
        QVERIFY(trainRun(project, folder, false, 3).reason == FinishedEvent::Reason::Completed);
        // What a kill leaves: the record of a running session, a partial batch line after the
        // last checkpoint.
        nlohmann::json record = nlohmann::json::parse(readBytes(folder + "/run.json"));
        record["status"] = "running";
        record["ended"] = "";
        writeText(folder + "/run.json", record.dump());
        std::ofstream(folder + "/batches.csv", std::ios::app) << "3,0,181,0.5,0.5\n3,1,18";
        const std::string halfWritten = folder + "/checkpoint.safetensors.tmp-999999-7";
        writeText(halfWritten, "half a checkpoint");
        {
            FolderLock held(folder); // while a process holds the lock, it runs
            QCOMPARE(toString(store.find(killed).status), toString(RunStatus::Running));
        }
        const RunInfo crashed = store.find(killed);
        QCOMPARE(toString(crashed.status), toString(RunStatus::Crashed));
        QVERIFY(!fs::exists(halfWritten)); // what it was writing when it died is gone
        QVERIFY(crashed.resumable);
        QCOMPARE(crashed.epochs, 3);
        QVERIFY(crashed.message.find("resume") != std::string::npos);

        // Resumed to 6 epochs, as the project as trained says.
        const FinishedEvent end = trainRun(store.project(crashed), folder, true, 6);
        QVERIFY2(end.reason == FinishedEvent::Reason::Completed, end.message.c_str());
        const RunInfo resumed = store.find(killed);
        QCOMPARE(toString(resumed.status), toString(RunStatus::Finished));
        QCOMPARE(resumed.epochs, 6);
        QCOMPARE(readBytes(folder + "/final.safetensors"),
                 readBytes(store.folder() + "/" + whole + "/final.safetensors"));
        // The batch lines: the killed session's partial ones gone, each batch once, as the
        // whole run's (but for the speed column).
        const auto withoutSpeed = [](const std::string &csv) {
            std::istringstream lines(csv);
            std::string line, kept;
            while (std::getline(lines, line))
                kept += line.substr(0, line.rfind(',')) + "\n";
            return kept;
        };
        const std::string resumedBatches = withoutSpeed(readBytes(folder + "/batches.csv"));
        QCOMPARE(resumedBatches,
                 withoutSpeed(readBytes(store.folder() + "/" + whole + "/batches.csv")));
        QCOMPARE(std::count(resumedBatches.begin(), resumedBatches.end(), '\n'), 1 + 6 * 60);

        // A run folder resumes only once at a time, and only from a checkpoint.
        FolderLock held(folder);
        QVERIFY_THROWS_EXCEPTION(FolderBusyError, RunRecorder(folder, true));
        QVERIFY_THROWS_EXCEPTION(FolderBusyError, store.remove(killed));
    }

    void damagedRunsAreListed_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("content"); // "<missing>": the file is deleted
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("problem");
        const int unreadable = int(RunStatus::Unreadable), finished = int(RunStatus::Finished);
        QTest::newRow("no record") << "run.json" << "<missing>" << unreadable << "is missing";
        QTest::newRow("record not JSON") << "run.json" << "{\"status\": " << unreadable << "run.json";
        QTest::newRow("record of another format")
            << "run.json" << R"({"format": "strata", "version": 1})" << unreadable
            << "not a Strata run file";
        QTest::newRow("record from a newer Strata")
            << "run.json" << R"({"format": "strata-run", "version": 99, "status": "finished"})"
            << unreadable << "newer Strata";
        QTest::newRow("record without version")
            << "run.json" << R"({"format": "strata-run", "status": "finished"})" << unreadable
            << "version";
        QTest::newRow("unknown status")
            << "run.json" << R"({"format": "strata-run", "version": 1, "status": "dancing"})"
            << unreadable << "unknown status";
        QTest::newRow("record deeply nested")
            << "run.json" << QString(100000, '[') << unreadable << "run.json";
        QTest::newRow("fields of the wrong type")
            << "run.json"
            << R"({"format": "strata-run", "version": 1, "status": "finished", "seconds": "x",
                  "epochs_planned": [1], "device": 5, "started": null})"
            << finished << "";
        // A kill mid-write: the partial last line is not an epoch, and no problem.
        QTest::newRow("history cut mid-line")
            << "history.jsonl" << "{\"epoch\": 0, \"loss\": 0.5" << finished << "";
        QTest::newRow("history not JSON") << "history.jsonl" << "garbage\n" << finished << "line 1";
        QTest::newRow("labels damaged") << "labels.json" << "[1, 2" << finished << "labels.json";
        QTest::newRow("labels from a newer Strata")
            << "labels.json" << R"({"format": "strata-run-labels", "version": 7})" << finished
            << "newer Strata";
    }
    void damagedRunsAreListed()
    {
        QFETCH(QString, file);
        QFETCH(QString, content);
        QFETCH(int, status);
        QFETCH(QString, problem);
        const std::string root = this->store() + "-damaged-" + QTest::currentDataTag();
        RunStore store(root);
        const Project project = test::orGate(2);
        const std::string good = store.create(project, ".");
        QVERIFY(trainRun(project, root + "/" + good, false).reason ==
                FinishedEvent::Reason::Completed);
        const std::string bad = store.create(project, ".");
        QVERIFY(trainRun(project, root + "/" + bad, false).reason ==
                FinishedEvent::Reason::Completed);
        const std::string path = root + "/" + bad + "/" + file.toStdString();
        if (content == "<missing>")
            fs::remove(path);
        else
            writeText(path, content.toStdString());

        const std::vector<RunInfo> runs = store.list();
        QCOMPARE(runs.size(), size_t(2));
        QCOMPARE(toString(runs[0].status), toString(RunStatus::Finished));
        QVERIFY2(runs[0].problem.empty(), runs[0].problem.c_str());
        QCOMPARE(toString(runs[1].status), toString(RunStatus(status)));
        QVERIFY2(runs[1].problem.find(problem.toStdString()) != std::string::npos,
                 runs[1].problem.c_str());
        if (problem.isEmpty())
            QVERIFY2(runs[1].problem.empty(), runs[1].problem.c_str());
        // A run from a newer Strata, or one without a record, is not trained into.
        if (file == "run.json" && status == int(RunStatus::Unreadable))
            QVERIFY_THROWS_EXCEPTION(Error, RunRecorder(root + "/" + bad, true));
    }

    void strayEntriesAreNotRuns()
    {
        const std::string root = this->store() + "-stray";
        RunStore store(root);
        fs::create_directories(root + "/notes");
        fs::create_directories(root + "/run-01");
        fs::create_directories(root + "/run-x");
        writeText(root + "/run-5", "a file, not a folder");
        QVERIFY(store.list().empty());
        // The next run's number passes every run-N folder there.
        fs::create_directories(root + "/run-7");
        QCOMPARE(store.create(test::orGate(1), "."), std::string("run-8"));
        const std::vector<RunInfo> runs = store.list();
        QCOMPARE(runs.size(), size_t(2));
        QCOMPARE(runs[0].id, std::string("run-7"));
        QCOMPARE(toString(runs[0].status), toString(RunStatus::Unreadable));
        QCOMPARE(runs[1].id, std::string("run-8"));
        QCOMPARE(toString(runs[1].status), toString(RunStatus::Crashed)); // created, never trained: nobody holds it
    }

    void storePlaces()
    {
        QCOMPARE(runStoreBesideProject("/a/b/mnist.strata"), std::string("/a/b/mnist.runs"));
        const std::string project = dir_.path().toStdString() + "/mine.strata";
        QCOMPARE(runStoreFor(project, "Mine"), dir_.path().toStdString() + "/mine.runs");
        qputenv("XDG_DATA_HOME", dir_.path().toUtf8() + "/data");
        QCOMPARE(runStoreFor("", "My model: v2"),
                 dir_.path().toStdString() + "/data/strata/runs/My_model__v2.runs");
        QCOMPARE(runStoreInUserData("../.."), dir_.path().toStdString() + "/data/strata/runs/Untitled.runs");
        if (::geteuid() != 0) { // root writes anywhere
            QCOMPARE(runStoreFor("/proc/mine.strata", "Mine"),
                     dir_.path().toStdString() + "/data/strata/runs/Mine.runs");
        }
    }

    void diff()
    {
        Project a = test::spirals(10);
        Project b = a;
        QVERIFY(diffProjects(a, b).empty());
        b.ui["canvas"] = {{"x", 5}};
        b.description = "moved things around";
        QVERIFY(diffProjects(a, b).empty());

        b.graph.find("h1")->params["units"] = 64;
        b.training.optimizer.lr = a.training.optimizer.lr * 10;
        b.training.batchSize = 16;
        const std::vector<std::string> lines = diffProjects(a, b);
        std::string all;
        for (const std::string &l : lines)
            all += l + "\n";
        QCOMPARE(lines.size(), size_t(3));
        QVERIFY2(all.find("h1 (Dense): units 32 → 64") != std::string::npos, all.c_str());
        QVERIFY2(all.find("Training: batch_size 8 → 16") != std::string::npos, all.c_str());
        QVERIFY2(all.find("Training: optimizer.lr 0.01 → 0.1") != std::string::npos, all.c_str());

        // A layer added and wired in, one removed.
        Project c = a;
        c.graph.removeNode("r2");
        c.graph.addNode({"drop", "Dropout", "drop", {{"rate", 0.5}}});
        c.graph.connect({{"h2", 0}, {"drop", 0}});
        c.graph.connect({{"drop", 0}, {"out", 0}});
        c.dataset.samples = 1200;
        const std::vector<std::string> more = diffProjects(a, c);
        const std::vector<std::string> expected = {
            "Layer r2 (ReLU) removed", "Layer drop (Dropout) added", "Connection h2 → r2 removed",
            "Connection r2 → out removed", "Connection drop → out added",
            "Connection h2 → drop added", "Dataset: samples 600 → 1200"};
        QCOMPARE(more, expected);
    }
};

QTEST_GUILESS_MAIN(TestRunStore)
#include "test_run_store.moc"
