// Issue 13, item 3: the Problems panel catches before Train what used to fail only after the
// dataset loaded (a one-unit Sigmoid output under cross-entropy, a model with nothing to
// train), marks the layer, offers the fix in one undoable click, and Train stays disabled with
// the reason in its tooltip while there are errors.

#include "ui/document.h"
#include "ui/editor/node_item.h"
#include "ui/editor/node_scene.h"
#include "ui/main_window.h"
#include "ui/problems_panel.h"
#include "ui/training/training_dashboard.h"

#include "qtest_strings.h"
#include "training_projects.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace strata;
using namespace strata::ui;

namespace {

// The OR network a user builds first, 2 → Dense 1 → Sigmoid, left at cross-entropy.
Project orUnderCrossEntropy()
{
    Project p;
    test::chain(p, {{"x", "Input", "x", {{"features", 2}}},
                    {"out", "Dense", "out", {{"units", 1}}},
                    {"out_sigmoid", "Sigmoid", "out_sigmoid", {}}});
    p.dataset.name = "or";
    p.training.loss = "cross_entropy";
    return p;
}

QStringList rows(const ProblemsPanel &panel)
{
    QStringList out;
    for (int i = 0; i < panel.count(); ++i)
        out << panel.item(i)->text();
    return out;
}

QListWidgetItem *fixRow(const ProblemsPanel &panel)
{
    for (int i = 0; i < panel.count(); ++i)
        if (panel.item(i)->data(ProblemsPanel::kFixRole).isValid())
            return panel.item(i);
    return nullptr;
}

void click(ProblemsPanel &panel, QListWidgetItem *item)
{
    panel.scrollToItem(item);
    QTest::mouseClick(panel.viewport(), Qt::LeftButton, {}, panel.visualItemRect(item).center());
}

} // namespace

class TestProblemsPanel : public QObject
{
    Q_OBJECT

private slots:
    void datasetMismatchShownBeforeTrain()
    {
        Document doc;
        doc.reset(orUnderCrossEntropy());
        ProblemsPanel panel(&doc);
        NodeScene scene(&doc);
        const QStringList texts = rows(panel);
        QVERIFY2(!texts
                      .filter(QStringLiteral("The model gives 1 output but the dataset has 2 "
                                             "classes"))
                      .isEmpty(),
                 qPrintable(texts.join('\n')));
        QVERIFY(!texts.contains(QStringLiteral("No problems: the model is ready to train")));
        // On the output layer too.
        QVERIFY(scene.nodeItem("out_sigmoid")->status() == NodeStatus::Error);
        QVERIFY(scene.nodeItem("out_sigmoid")->message().contains("binary cross-entropy"));
        QVERIFY(scene.nodeItem("out")->status() == NodeStatus::Ok);
    }

    void quickFixUsesBinaryCrossEntropy()
    {
        Document doc;
        doc.reset(orUnderCrossEntropy());
        ProblemsPanel panel(&doc);
        panel.resize(400, 300);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QListWidgetItem *fix = fixRow(panel);
        QVERIFY(fix);
        QCOMPARE(fix->text(), QStringLiteral("Quick fix: Use binary cross-entropy"));
        QSignalSpy changed(&doc, &Document::problemsChanged);
        click(panel, fix);
        QTRY_VERIFY(changed.count() > 0);
        QCOMPARE(doc.project().training.loss, std::string("binary_cross_entropy"));
        QVERIFY(doc.problems().empty());
        QCOMPARE(rows(panel),
                 QStringList{QStringLiteral("No problems: the model is ready to train")});
        doc.undoStack()->undo();
        QCOMPARE(doc.project().training.loss, std::string("cross_entropy"));
        QVERIFY(fixRow(panel));
    }

    void nothingToTrainIsAProblem()
    {
        Project p;
        p.graph.addNode({"x", "Input", "x", {{"features", 2}}});
        Document doc;
        doc.reset(p);
        ProblemsPanel panel(&doc);
        QVERIFY2(rows(panel).filter(QStringLiteral("Nothing to train")).size() == 1,
                 qPrintable(rows(panel).join('\n')));
    }

    void trainDisabledWhileErrors()
    {
        MainWindow window;
        window.document()->reset(orUnderCrossEntropy());
        auto *train = window.findChild<QPushButton *>(QStringLiteral("trainButton"));
        QVERIFY(train);
        QVERIFY(!train->isEnabled());
        QVERIFY2(train->toolTip().contains(QStringLiteral("The model gives 1 output")),
                 qPrintable(train->toolTip()));
        TrainingSpec spec = window.document()->project().training;
        spec.loss = "binary_cross_entropy";
        QCOMPARE(window.document()->setTrainingSpec(spec), QString());
        QVERIFY(train->isEnabled());
        QCOMPARE(train->toolTip(), QStringLiteral("Train the model from scratch (F5)"));
        // A shape error blocks it too, with the engine's message.
        QCOMPARE(window.document()->setParam("x", "features", 3), QString());
        QVERIFY(!train->isEnabled());
        QVERIFY2(train->toolTip().contains(QStringLiteral("Input")), qPrintable(train->toolTip()));
    }
};

QTEST_MAIN(TestProblemsPanel)
#include "test_problems_panel.moc"
