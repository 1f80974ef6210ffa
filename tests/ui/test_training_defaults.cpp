// Issue 13, item 4: training settings a correct model can learn with. A new project and a
// dataset change take the settings suggested for the dataset (a truth table: a larger
// learning rate and more epochs) unless the user chose their own; the change undoes in one
// step; and the OR network a user builds in a new project reaches 100 %.

#include "ui/document.h"
#include "ui/main_window.h"

#include "qtest_strings.h"
#include "training_projects.h"

#include <strata/trainer.h>

#include <QTest>

using namespace strata;
using namespace strata::ui;

class TestTrainingDefaults : public QObject
{
    Q_OBJECT

private slots:
    void newProjectSuggestsSettingsForItsDataset()
    {
        Document doc; // a new project, on a truth table
        QCOMPARE(doc.project().dataset.kind, std::string("builtin"));
        QVERIFY(doc.project().training.optimizer.lr >= 0.1);
        QVERIFY(doc.project().training.epochs >= 100);
        MainWindow window;
        window.document()->reset(test::spirals(3));
        window.newProject();
        QVERIFY(window.document()->project().training.optimizer.lr >= 0.1);
    }

    void datasetChangeFollowsUntouchedSettings()
    {
        Document doc;
        DatasetSpec spirals = doc.project().dataset;
        spirals.name = "spirals";
        const int before = doc.undoStack()->count();
        QCOMPARE(doc.setDatasetSpec(spirals), QString());
        QCOMPARE(doc.project().training.optimizer.lr, 0.01);
        QCOMPARE(doc.project().training.epochs, 200);
        QCOMPARE(doc.undoStack()->count(), before + 1); // one step for the user
        DatasetSpec images;
        images.kind = "idx";
        images.trainImages = "train-images-idx3-ubyte.gz";
        images.trainLabels = "train-labels-idx1-ubyte.gz";
        QCOMPARE(doc.setDatasetSpec(images), QString());
        QCOMPARE(doc.project().training.optimizer.lr, TrainingSpec{}.optimizer.lr);
        QCOMPARE(doc.project().training.epochs, TrainingSpec{}.epochs);
        doc.undoStack()->undo();
        QCOMPARE(doc.project().dataset.name, std::string("spirals"));
        QCOMPARE(doc.project().training.optimizer.lr, 0.01);
    }

    void chosenSettingsAreKept()
    {
        Document doc;
        TrainingSpec mine = doc.project().training;
        mine.epochs = 17;
        mine.optimizer.lr = 0.003;
        QCOMPARE(doc.setTrainingSpec(mine), QString());
        DatasetSpec spirals = doc.project().dataset;
        spirals.name = "spirals";
        QCOMPARE(doc.setDatasetSpec(spirals), QString());
        QCOMPARE(doc.project().training.epochs, 17);
        QCOMPARE(doc.project().training.optimizer.lr, 0.003);
    }

    // The case: OR in a new project, 2 → Dense 1 → Sigmoid with binary cross-entropy
    // (the Problems panel's fix), trained with what the project proposes.
    void orNetworkLearnsWithTheProposedSettings()
    {
        Document doc;
        DatasetSpec gate = doc.project().dataset;
        gate.name = "or";
        QCOMPARE(doc.setDatasetSpec(gate), QString());
        QString x, dense, sigmoid;
        QCOMPARE(doc.addNode("Input", {0, 0}, &x), QString());
        QCOMPARE(doc.setParam(x, "features", 2), QString());
        QCOMPARE(doc.addNode("Dense", {0, 110}, &dense), QString());
        QCOMPARE(doc.setParam(dense, "units", 1), QString());
        QCOMPARE(doc.addNode("Sigmoid", {0, 220}, &sigmoid), QString());
        QCOMPARE(doc.connectPorts({{toStd(x), 0}, {toStd(dense), 0}}), QString());
        QCOMPARE(doc.connectPorts({{toStd(dense), 0}, {toStd(sigmoid), 0}}), QString());
        TrainingSpec spec = doc.project().training;
        spec.loss = "binary_cross_entropy";
        QCOMPARE(doc.setTrainingSpec(spec), QString());
        QVERIFY(doc.problems().empty());
        Trainer trainer(doc.project(), "", {});
        QVERIFY(trainer.run().reason == FinishedEvent::Reason::Completed);
        QCOMPARE(trainer.history().back().accuracy, 1.0);
    }
};

QTEST_MAIN(TestTrainingDefaults)
#include "test_training_defaults.moc"
