// The dashboard's truth table for tiny tabular sets (the gates): the inputs, their labels and
// what the trained model answers, updated at each epoch end; hidden for any other data.

#include "strata/evaluation.h"
#include "strata/trainer.h"
#include "ui/session/training_session.h"
#include "ui/training/training_dashboard.h"
#include "widgets/truth_table_view.h"

#include "training_projects.h"

#include <QSignalSpy>
#include <QTableWidget>
#include <QtTest>

using namespace strata;
using namespace strata::ui;

class TestTruthTablePanel : public QObject
{
    Q_OBJECT

private slots:
    void orGateShowsTheModelsAnswers();
    void hiddenForOtherData();
};

void TestTruthTablePanel::orGateShowsTheModelsAnswers()
{
    TrainingSession session;
    TrainingDashboard dashboard(&session);
    dashboard.resize(1200, 800);
    dashboard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
    dashboard.setProjectSource([] { return std::make_pair(test::orGate(300), QString()); });
    widgets::TruthTableView *table = dashboard.truthTable();
    QVERIFY(table && !table->isVisible());
    QSignalSpy epochs(&session, &TrainingSession::epochFinished);
    dashboard.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(epochs.count() >= 1, 60000);
    QVERIFY(table->isVisible());
    QTRY_COMPARE(table->rowCount(), 4); // drawn on the next turn of the event loop
    QTRY_VERIFY_WITH_TIMEOUT(!session.isTraining(), 60000);
    QVERIFY(table->title().contains("epoch 300"));
    // x1, x2, target, output, answer; (1, 1) was not taught (the example's limit of 3).
    QCOMPARE(table->cellText(0, 0), QStringLiteral("0"));
    QCOMPARE(table->cellText(3, 1), QStringLiteral("1"));
    QCOMPARE(table->cellText(3, 2), QStringLiteral("not taught"));
    QCOMPARE(table->cellText(1, 2), QStringLiteral("1"));
    // The outputs are the trained network's, and changed while it learned.
    Network *network = session.trainer()->network();
    QVERIFY(network);
    const Tensor p = predict(*network, {0, 0, 0, 1, 1, 0, 1, 1}, 4, 4);
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(table->cellText(i, 3), QString::number(p.data()[i], 'f', 3));
        QCOMPARE(table->cellText(i, 4), QString::number(p.data()[i] > 0.5f ? 1 : 0));
    }
    // The first epoch's answers (kept in its metrics) differ from the trained ones.
    const auto &first = session.epochs().front().truthTable;
    QCOMPARE(int(first.size()), 4);
    QVERIFY(QString::number(first[1].outputs[0], 'f', 3) != table->cellText(1, 3));
    // Train again: the table starts over.
    dashboard.startTraining();
    QVERIFY(!table->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(!session.isTraining(), 60000);
}

void TestTruthTablePanel::hiddenForOtherData()
{
    TrainingSession session;
    TrainingDashboard dashboard(&session);
    dashboard.resize(1200, 800);
    dashboard.show();
    dashboard.setProjectSource([] { return std::make_pair(test::spirals(1), QString()); });
    dashboard.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(!session.isTraining(), 60000);
    QCOMPARE(int(session.epochs().size()), 1);
    QVERIFY(!dashboard.truthTable()->isVisible());
}

QTEST_MAIN(TestTruthTablePanel)
#include "test_truth_table_panel.moc"
