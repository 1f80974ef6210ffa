// The checks before Train (checkProject): what is known of a dataset without loading it, the
// dataset against the model's Input and output in the trainer's own words, a model with
// nothing to train, the quick fixes the studio offers; and the training settings suggested
// per dataset, which let a correct OR network learn its truth table.

#include "qtest_strings.h"
#include "strata/project_check.h"
#include "strata/trainer.h"
#include "strata/training_defaults.h"
#include "training_projects.h"

#include <QtTest>

using namespace strata;

namespace {

// The OR network a user builds first: 2 → Dense 1 → Sigmoid.
Project orNetwork()
{
    Project p;
    test::chain(p, {{"x", "Input", "x", {{"features", 2}}},
                    {"out", "Dense", "out", {{"units", 1}}},
                    {"out_sigmoid", "Sigmoid", "out_sigmoid", {}}});
    p.dataset.kind = "builtin";
    p.dataset.name = "or";
    return p;
}

std::vector<ProjectProblem> check(const Project &p)
{
    return checkProject(p, analyze(p.graph), "");
}

FinishedEvent train(const Project &p)
{
    Trainer t(p, "", {});
    return t.run();
}

} // namespace

class TestProjectCheck : public QObject
{
    Q_OBJECT

private slots:
    void outlineWithoutLoading_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("features");
        QTest::addColumn<int>("classes");
        QTest::newRow("or") << "or" << 2 << 2;
        QTest::newRow("xor") << "xor" << 2 << 2;
        QTest::newRow("spirals") << "spirals" << 2 << 2;
        QTest::newRow("circles") << "circles" << 2 << 2;
        QTest::newRow("moons") << "moons" << 2 << 2;
        QTest::newRow("blobs") << "blobs" << 2 << 3;
        QTest::newRow("dummy") << "dummy" << 32 << 10;
    }
    void outlineWithoutLoading()
    {
        QFETCH(QString, name);
        QFETCH(int, features);
        QFETCH(int, classes);
        DatasetSpec spec;
        spec.name = name.toStdString();
        // Far more samples than a check may generate: the outline still costs nothing.
        spec.samples = 100000;
        const DatasetOutline o = outlineDataset(spec, "");
        QCOMPARE(o.sampleShape, (Shape{features}));
        QCOMPARE(o.classes, classes);
    }

    void outlineOfFilesAndUnknowns()
    {
        DatasetSpec cifar;
        cifar.kind = "cifar10";
        cifar.trainFiles = {"nowhere/data_batch_1.bin"};
        QCOMPARE(outlineDataset(cifar, "").sampleShape, (Shape{3, 32, 32}));
        QCOMPARE(outlineDataset(cifar, "").classes, 10);
        DatasetSpec csv;
        csv.kind = "csv";
        csv.trainCsv = "iris.csv";
        QVERIFY(outlineDataset(csv, "").sampleShape.empty());
        QCOMPARE(outlineDataset(csv, "").classes, 0);
        csv.classNames = {"setosa", "versicolor", "virginica"};
        QCOMPARE(outlineDataset(csv, "").classes, 3);
        DatasetSpec missing;
        missing.kind = "idx";
        missing.trainImages = "no/such/images.gz";
        QVERIFY(outlineDataset(missing, "").sampleShape.empty()); // unknown, not an error
        DatasetSpec broken;
        broken.name = "spirals";
        broken.classes = 1; // refused by the generator (at least 2): unknown here
        QCOMPARE(outlineDataset(broken, "").classes, 0);
    }

    void correctModelHasNoProblems()
    {
        Project p = orNetwork();
        p.training.loss = "binary_cross_entropy";
        QVERIFY(check(p).empty());
        QVERIFY(check(test::orGate(1)).empty());
    }

    // The problem the trainer found only after loading the data, now before Train, on the
    // output layer, in the trainer's words, with the fix.
    void oneSigmoidUnderCrossEntropy()
    {
        Project p = orNetwork();
        p.training.loss = "cross_entropy";
        const std::vector<ProjectProblem> problems = check(p);
        QCOMPARE(problems.size(), size_t(1));
        const ProjectProblem &problem = problems.front();
        QCOMPARE(problem.nodeId, std::string("out_sigmoid"));
        QVERIFY(problem.severity == ProblemSeverity::Error);
        QVERIFY(problem.fix == QuickFix::UseBinaryCrossEntropy);
        QVERIFY2(problem.message.find("The model gives 1 output but the dataset has 2 classes") ==
                     0,
                 problem.message.c_str());
        QVERIFY(hasErrors(problems));
        const FinishedEvent f = train(p);
        QVERIFY(f.reason == FinishedEvent::Reason::Failed);
        QCOMPARE(f.message, problem.message);

        // Without a Sigmoid on the output, binary cross-entropy alone would not fix it.
        Project linear = p;
        linear.graph.removeNode("out_sigmoid");
        QVERIFY(check(linear).front().fix == QuickFix::None);
    }

    void outputUnitsAgainstClasses()
    {
        Project p = orNetwork();
        p.dataset.name = "blobs"; // 3 classes
        const std::vector<ProjectProblem> problems = check(p);
        QCOMPARE(problems.size(), size_t(1));
        QVERIFY2(problems.front().message.find("set the last layer's units to 3") !=
                     std::string::npos,
                 problems.front().message.c_str());
        QCOMPARE(train(p).message, problems.front().message);
    }

    void inputAgainstSamples()
    {
        Project p = orNetwork();
        p.training.loss = "binary_cross_entropy";
        p.graph.find("x")->params = {{"features", 3}};
        const std::vector<ProjectProblem> problems = check(p);
        QCOMPARE(problems.size(), size_t(1));
        QCOMPARE(problems.front().nodeId, std::string("x"));
        QCOMPARE(train(p).message, problems.front().message);
    }

    // Only an Input: nothing to learn. Refused by the check and by the trainer, which used to
    // "train" it for 10 epochs.
    void nothingToTrainIsRefused()
    {
        Project p;
        p.graph.addNode({"x", "Input", "x", {{"features", 2}}});
        const std::vector<ProjectProblem> problems = check(p);
        QCOMPARE(problems.size(), size_t(1));
        QVERIFY2(problems.front().message.find("Nothing to train") == 0,
                 problems.front().message.c_str());
        const FinishedEvent f = train(p);
        QVERIFY(f.reason == FinishedEvent::Reason::Failed);
        QCOMPARE(f.epochsRun, 0);
        QCOMPARE(f.message, problems.front().message);
    }

    void denseAfterImageOffersFlatten()
    {
        Project p;
        test::chain(p, {{"img", "Input", "img", {{"channels", 1}, {"height", 8}, {"width", 8}}},
                        {"conv", "Conv2D", "conv", {{"filters", 4}, {"kernel", 3}}},
                        {"fc", "Dense", "fc", {{"units", 10}}}});
        const std::vector<ProjectProblem> problems = check(p);
        QCOMPARE(problems.size(), size_t(1));
        QCOMPARE(problems.front().nodeId, std::string("fc"));
        QVERIFY(problems.front().fix == QuickFix::InsertFlatten);
        QVERIFY2(problems.front().message.find("Dense 'fc' needs a flat input") == 0,
                 problems.front().message.c_str());
    }

    void suggestedSettingsPerDataset()
    {
        DatasetSpec gate;
        gate.name = "or";
        const TrainingSpec s = suggestedTraining(gate);
        QVERIFY(s.optimizer.lr >= 0.1);
        QVERIFY(s.epochs >= 100);
        DatasetSpec images;
        images.kind = "idx";
        const TrainingSpec plain = suggestedTraining(images);
        QCOMPARE(plain.epochs, TrainingSpec{}.epochs);
        QCOMPARE(plain.optimizer.lr, TrainingSpec{}.optimizer.lr);
        // Untouched settings follow the dataset; chosen ones do not.
        QVERIFY(hasSuggestedTraining(TrainingSpec{}, gate));
        QVERIFY(hasSuggestedTraining(s, gate));
        TrainingSpec chosen = s;
        chosen.epochs = 17;
        QVERIFY(!hasSuggestedTraining(chosen, gate));
        // Everything else is kept.
        TrainingSpec other;
        other.loss = "mse";
        other.seed = 9;
        QCOMPARE(suggestedTraining(gate, other).loss, std::string("mse"));
        QCOMPARE(suggestedTraining(gate, other).seed, uint64_t(9));
        QCOMPARE(newProject().training.epochs, suggestedTraining(newProject().dataset).epochs);
    }

    // The OR network: flat at 75 % with the old defaults, 100 % with the suggestion.
    void suggestedSettingsLetOrLearn()
    {
        Project p = orNetwork();
        p.training.loss = "binary_cross_entropy";
        QVERIFY(train(p).reason == FinishedEvent::Reason::Completed);
        {
            Trainer t(p, "", {});
            t.run();
            QVERIFY(t.history().back().accuracy < 1.0);
        }
        p.training = suggestedTraining(p.dataset, p.training);
        Trainer t(p, "", {});
        QVERIFY(t.run().reason == FinishedEvent::Reason::Completed);
        QCOMPARE(t.history().back().accuracy, 1.0);
    }
};

QTEST_APPLESS_MAIN(TestProjectCheck)
#include "test_project_check.moc"
