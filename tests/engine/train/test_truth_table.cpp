// The truth table of a tiny tabular set: which inputs it lists, and that each epoch's table
// holds what the trained network answers for them.

#include "strata/dataset.h"
#include "strata/evaluation.h"
#include "strata/trainer.h"
#include "training_projects.h"

#include <QtTest>

using namespace strata;

class TestTruthTable : public QObject
{
    Q_OBJECT

private slots:
    void gateListsEveryCombination();
    void distinctRowsOfSmallRealValuedSets();
    void otherDataHasNoTable();
    void epochsCarryTheModelsAnswers();
};

void TestTruthTable::gateListsEveryCombination()
{
    DatasetSpec spec;
    spec.name = "or";
    spec.limit = 3; // taught 00, 01, 10: 11 is asked, not taught
    const Dataset data = loadDataset(spec, "").train;
    const std::vector<TruthTableRow> rows = truthTableRows({&data});
    QCOMPARE(int(rows.size()), 4);
    const std::vector<std::vector<float>> inputs = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
    const std::vector<int> targets = {0, 1, 1, -1};
    for (size_t i = 0; i < rows.size(); ++i) {
        QVERIFY(rows[i].inputs == inputs[i]);
        QCOMPARE(rows[i].target, targets[i]);
        QVERIFY(rows[i].outputs.empty());
    }
    spec.name = "xor";
    spec.limit = 0;
    spec.samples = 400; // repeats of the four rows
    const Dataset xorData = loadDataset(spec, "").train;
    const std::vector<TruthTableRow> xorRows = truthTableRows({&xorData});
    QCOMPARE(int(xorRows.size()), 4);
    QCOMPARE(xorRows[3].target, 0);
    QCOMPARE(xorRows[1].target, 1);
}

void TestTruthTable::distinctRowsOfSmallRealValuedSets()
{
    Dataset data;
    data.sampleShape = {3};
    data.classNames = {"a", "b"};
    data.features = {0.5f, 1, 2, 0.5f, 1, 2, -1, 0, 3};
    data.labels = {1, 1, 0};
    const std::vector<TruthTableRow> rows = truthTableRows({&data});
    QCOMPARE(int(rows.size()), 2);
    QVERIFY((rows[0].inputs == std::vector<float>{0.5f, 1, 2}));
    QCOMPARE(rows[0].target, 1);
    QCOMPARE(rows[1].target, 0);
}

void TestTruthTable::otherDataHasNoTable()
{
    DatasetSpec spec;
    spec.name = "spirals"; // 400 distinct points
    const Dataset spirals = loadDataset(spec, "").train;
    QVERIFY(truthTableRows({&spirals}).empty());
    spec.name = "dummy"; // 32 features
    spec.samples = 4;
    const Dataset dummy = loadDataset(spec, "").train;
    QVERIFY(truthTableRows({&dummy}).empty());
}

void TestTruthTable::epochsCarryTheModelsAnswers()
{
    Trainer trainer(test::orGate(300), "", {});
    const FinishedEvent result = trainer.run();
    QVERIFY2(result.reason == FinishedEvent::Reason::Completed, result.message.c_str());
    const std::vector<EpochMetrics> &history = trainer.history();
    QCOMPARE(int(history.size()), 300);
    const std::vector<TruthTableRow> &first = history.front().truthTable;
    const std::vector<TruthTableRow> &last = history.back().truthTable;
    QCOMPARE(int(first.size()), 4);
    QCOMPARE(int(last.size()), 4);
    // The table changes as the model learns: it is the model's, not the data's.
    QVERIFY(first[1].outputs != last[1].outputs);
    // The last epoch's table is what the trained network answers.
    std::vector<float> inputs;
    for (const TruthTableRow &row : last)
        inputs.insert(inputs.end(), row.inputs.begin(), row.inputs.end());
    const Tensor p = predict(*trainer.network(), inputs, 4, 4);
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(int(last[size_t(i)].outputs.size()), 1);
        QCOMPARE(last[size_t(i)].outputs[0], p.data()[i]);
        QCOMPARE(last[size_t(i)].predicted, p.data()[i] > 0.5f ? 1 : 0);
    }
    // OR, learned from three rows: 01 and 10 are true, 00 false.
    QCOMPARE(last[0].predicted, 0);
    QCOMPARE(last[1].predicted, 1);
    QCOMPARE(last[2].predicted, 1);
}

QTEST_APPLESS_MAIN(TestTruthTable)
#include "test_truth_table.moc"
