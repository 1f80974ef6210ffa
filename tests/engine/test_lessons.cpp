// The classroom lessons in projects/lessons/: each is a project with its guide (NAME.md, whose
// title is the project's name), and each does in training what its guide tells the class it
// will: the OR gate answers the untaught (1, 1) with 1, XOR without a hidden layer stays at a
// coin toss, the spirals defeat a model with no hidden layer, a learning rate of 10,000
// diverges and is stopped, and the big network overfits its 40 points.

#include "source_dir.h"
#include "strata/project.h"
#include "strata/shape_inference.h"
#include "strata/trainer.h"

#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace strata;
using strata::test::sourceDir;

namespace {

std::string lessonsDir()
{
    return sourceDir() + "/projects/lessons";
}

std::string lessonPath(const std::string &stem)
{
    return lessonsDir() + "/" + stem + ".strata";
}

struct Run
{
    FinishedEvent finished;
    std::vector<EpochMetrics> history;
};

Run train(const std::string &stem)
{
    const std::string path = lessonPath(stem);
    const Project p = loadProject(path);
    Trainer t(p, projectBaseDir(path), {});
    Run r;
    r.finished = t.run();
    r.history = t.history();
    return r;
}

} // namespace

class TestLessons : public QObject
{
    Q_OBJECT

private slots:
    void everyLessonHasItsGuide()
    {
        std::vector<std::filesystem::path> projects;
        for (const auto &entry : std::filesystem::directory_iterator(lessonsDir()))
            if (entry.path().extension() == ".strata")
                projects.push_back(entry.path());
        std::sort(projects.begin(), projects.end());
        QCOMPARE(int(projects.size()), 5);
        for (size_t i = 0; i < projects.size(); ++i) {
            const std::string stem = projects[i].stem().string();
            // Numbered 1, 2, … in file-name order: the gallery's order.
            QCOMPARE(stem.substr(0, stem.find('_')), std::to_string(i + 1));
            const Project p = loadProject(projects[i].string());
            const GraphAnalysis a = analyze(p.graph);
            QVERIFY2(a.ok(), stem.c_str());
            QVERIFY2(p.name.rfind("Lesson " + std::to_string(i + 1) + ": ", 0) == 0,
                     p.name.c_str());
            QVERIFY(!p.description.empty());
            std::ifstream guide(projects[i].parent_path() / (stem + ".md"));
            QVERIFY2(guide, (stem + ".md is missing").c_str());
            std::string title;
            std::getline(guide, title);
            QCOMPARE(title, "# " + p.name);
            std::stringstream rest;
            rest << guide.rdbuf();
            QVERIFY2(rest.str().find("**Do this.**") != std::string::npos, stem.c_str());
        }
    }

    void orGateAnswersTheUntaughtRow()
    {
        const Run r = train("1_or_gate");
        QVERIFY2(r.finished.reason == FinishedEvent::Reason::Completed, r.finished.message.c_str());
        QCOMPARE(r.history.back().accuracy, 1.0);
        const auto &table = r.history.back().truthTable;
        QCOMPARE(int(table.size()), 4);
        const TruthTableRow &untaught = table.back();
        QCOMPARE(untaught.inputs, (std::vector<float>{1, 1}));
        QCOMPARE(untaught.target, -1);
        QVERIFY2(untaught.outputs.at(0) > 0.5f, std::to_string(untaught.outputs[0]).c_str());
    }

    void xorWithoutAHiddenLayerStaysAtACoinToss()
    {
        const Run r = train("2_xor_needs_a_hidden_layer");
        QVERIFY(r.finished.reason == FinishedEvent::Reason::Completed);
        double best = 0;
        for (const EpochMetrics &m : r.history)
            best = std::max(best, m.accuracy);
        QVERIFY2(best <= 0.75, std::to_string(best).c_str());
        QVERIFY2(r.history.back().loss > 0.68, std::to_string(r.history.back().loss).c_str());
    }

    void spiralsDefeatAStraightBoundary()
    {
        const Run r = train("3_spirals_need_depth");
        QVERIFY(r.finished.reason == FinishedEvent::Reason::Completed);
        double best = 0;
        for (const EpochMetrics &m : r.history) {
            QVERIFY(m.hasValidation);
            best = std::max(best, m.valAccuracy);
        }
        QVERIFY2(best < 0.7, std::to_string(best).c_str());
    }

    void aHugeLearningRateDivergesAndIsStopped()
    {
        const Run r = train("4_learning_rate_too_large");
        QVERIFY2(r.finished.reason == FinishedEvent::Reason::Diverged, r.finished.message.c_str());
        QVERIFY(r.finished.epochsRun <= 1); // "within the first epoch"
        QVERIFY2(r.finished.message.find("Lower the learning rate") != std::string::npos,
                 r.finished.message.c_str());
    }

    void aBigNetworkOverfitsFewSamples()
    {
        const Run r = train("5_overfitting");
        QVERIFY(r.finished.reason == FinishedEvent::Reason::Completed);
        double bestValAccuracy = 0, leastValLoss = 1e30;
        for (const EpochMetrics &m : r.history) {
            bestValAccuracy = std::max(bestValAccuracy, m.valAccuracy);
            leastValLoss = std::min(leastValLoss, m.valLoss);
        }
        const EpochMetrics &last = r.history.back();
        const std::string figures = "train " + std::to_string(last.accuracy) + ", validation " +
                                    std::to_string(last.valAccuracy) + " (best " +
                                    std::to_string(bestValAccuracy) + "), validation loss " +
                                    std::to_string(last.valLoss) + " (least " +
                                    std::to_string(leastValLoss) + ")";
        QVERIFY2(last.accuracy >= 0.99, figures.c_str());                     // learnt by heart
        QVERIFY2(bestValAccuracy - last.valAccuracy >= 0.1, figures.c_str()); // falls
        QVERIFY2(last.valLoss >= 3 * leastValLoss, figures.c_str());          // rises
        QVERIFY2(last.accuracy - last.valAccuracy >= 0.2, figures.c_str());   // the gap
    }
};

QTEST_APPLESS_MAIN(TestLessons)
#include "test_lessons.moc"
