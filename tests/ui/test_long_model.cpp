// Issue 13, item 7: finding one's way in a long model (the 11-layer MNIST CNN). Fit to View
// stops at a legible zoom and scrolls; the auto-layout also arranges left to right in bands as
// wide as the canvas; clicking a problem centres its layer at a readable zoom; the "needs a
// flat input" error is fixed by inserting Flatten in one undoable click.

#include "ui/document.h"
#include "ui/editor/node_item.h"
#include "ui/editor/node_scene.h"
#include "ui/editor/node_view.h"
#include "ui/main_window.h"
#include "ui/problems_panel.h"

#include "qtest_strings.h"
#include "source_dir.h"

#include <QAction>
#include <QScrollBar>
#include <QTest>

#include <set>

using namespace strata;
using namespace strata::ui;
using strata::test::examplePath;

namespace {

// The MNIST CNN with its Flatten taken out: Dense 'dense' then receives the pooled image.
void removeFlatten(Document &doc)
{
    QCOMPARE(doc.removeNodes({QStringLiteral("flatten")}), QString());
    QCOMPARE(doc.connectPorts({{"max_pooling2d", 0}, {"dense", 0}}), QString());
}

QListWidgetItem *rowContaining(const ProblemsPanel &panel, const QString &text)
{
    for (int i = 0; i < panel.count(); ++i)
        if (panel.item(i)->text().contains(text))
            return panel.item(i);
    return nullptr;
}

void click(ProblemsPanel &panel, QListWidgetItem *item)
{
    panel.scrollToItem(item);
    QTest::mouseClick(panel.viewport(), Qt::LeftButton, {}, panel.visualItemRect(item).center());
}

} // namespace

class TestLongModel : public QObject
{
    Q_OBJECT

private slots:
    void fitToViewStaysLegible()
    {
        Document doc;
        doc.load(examplePath("keras_mnist_cnn.strata"));
        NodeScene scene(&doc);
        NodeView view(&scene);
        view.resize(800, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.fitToModel();
        // Fitting all 11 rows would need ~0.35: too small to read. It stops at a legible zoom,
        // shows the model from its Input and scrolls to the rest.
        QVERIFY2(view.zoom() >= 0.7 - 1e-9, qPrintable(QString::number(view.zoom())));
        QVERIFY(view.verticalScrollBar()->maximum() > view.verticalScrollBar()->minimum());
        const QRectF visible = view.mapToScene(view.viewport()->rect()).boundingRect();
        QVERIFY(visible.contains(scene.nodeItem("input")->sceneBoundingRect()));
        // A small model still fits whole, at no more than 100 %.
        doc.load(examplePath("or_gate.strata"));
        view.fitToModel();
        QVERIFY(view.zoom() <= 1.0);
        const QRectF all = view.mapToScene(view.viewport()->rect()).boundingRect();
        for (NodeItem *item : scene.nodeItems())
            QVERIFY(all.contains(item->sceneBoundingRect()));
    }

    void leftToRightLayout()
    {
        MainWindow window;
        window.resize(1366, 768);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openFile(examplePath("keras_mnist_cnn.strata")));
        Document *doc = window.document();
        auto *action = window.findChild<QAction *>(QStringLiteral("autoLayoutLeftToRightAction"));
        QVERIFY(action);
        const int steps = doc->undoStack()->count();
        action->trigger();
        QCOMPARE(doc->undoStack()->count(), steps + 1);
        // Along the chain, each layer is right of the one before, or starts the next band
        // below it; the bands are as wide as the canvas shows at a legible zoom.
        const std::vector<std::string> order = doc->graph().topologicalOrder();
        std::set<double> bands;
        for (size_t i = 1; i < order.size(); ++i) {
            const QPointF a = doc->position(toQString(order[i - 1]));
            const QPointF b = doc->position(toQString(order[i]));
            QVERIFY((b.x() > a.x() && b.y() == a.y()) || b.y() > a.y());
            bands.insert(b.y());
        }
        QVERIFY(bands.size() > 1);
        QVERIFY(bands.size() < order.size() / 2);
        NodeView *view = window.view();
        QVERIFY(view->zoom() >= 0.7 - 1e-9);
        doc->undoStack()->undo();
        QCOMPARE(doc->position("dense").x(), doc->position("input").x());
    }

    void clickingAProblemCentresItsLayer()
    {
        MainWindow window;
        window.resize(1366, 768);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openFile(examplePath("keras_mnist_cnn.strata")));
        removeFlatten(*window.document());
        NodeView *view = window.view();
        view->setZoom(0.3);
        view->centerOn(-2000, -2000);
        QListWidgetItem *row = rowContaining(*window.problems(), "needs a flat input");
        QVERIFY(row);
        click(*window.problems(), row);
        QVERIFY(view->zoom() >= 1.0);
        const QPointF centre = view->mapToScene(view->viewport()->rect().center());
        QVERIFY(window.scene()
                    ->nodeItem("dense")
                    ->sceneBoundingRect()
                    .adjusted(-20, -20, 20, 20)
                    .contains(centre));
        QCOMPARE(window.scene()->selectedNodeIds(), QStringList{QStringLiteral("dense")});
    }

    void insertFlattenQuickFix()
    {
        MainWindow window;
        window.resize(1366, 768);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openFile(examplePath("keras_mnist_cnn.strata")));
        Document *doc = window.document();
        removeFlatten(*doc);
        const QPointF denseAt = doc->position("dense");
        const QPointF lastAt = doc->position("dense_1");
        const size_t nodes = doc->graph().nodes().size();
        const int steps = doc->undoStack()->count();
        QListWidgetItem *fix = rowContaining(*window.problems(), "Quick fix: Insert Flatten");
        QVERIFY(fix);
        QCOMPARE(fix->text(), QStringLiteral("Quick fix: Insert Flatten before 'dense'"));
        click(*window.problems(), fix);
        QTRY_COMPARE(doc->graph().nodes().size(), nodes + 1);
        QCOMPARE(doc->undoStack()->count(), steps + 1); // one step
        const Edge *in = doc->graph().edgeInto({"dense", 0});
        QVERIFY(in);
        const Node *flatten = doc->graph().find(in->from.node);
        QCOMPARE(flatten->type, std::string("Flatten"));
        QCOMPARE(doc->graph().edgeInto({flatten->id, 0})->from.node, std::string("max_pooling2d"));
        QVERIFY(doc->problems().empty());
        // Flatten takes the layer's place; the layer and what follows move one row down.
        QCOMPARE(doc->position(toQString(flatten->id)), denseAt);
        QVERIFY(doc->position("dense").y() > denseAt.y());
        QVERIFY(doc->position("dense_1").y() > lastAt.y());
        doc->undoStack()->undo();
        QCOMPARE(doc->graph().nodes().size(), nodes);
        QCOMPARE(doc->position("dense"), denseAt);
        QCOMPARE(doc->graph().edgeInto({"dense", 0})->from.node, std::string("max_pooling2d"));
    }
};

QTEST_MAIN(TestLongModel)
#include "test_long_model.moc"
