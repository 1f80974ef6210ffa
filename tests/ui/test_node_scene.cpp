// The node editor scene follows the document: items appear, change and disappear with the
// document's edits and their undo; edges show shapes; errors are badged; drops add layers.

#include "ui/document.h"
#include "ui/editor/edge_item.h"
#include "ui/editor/node_item.h"
#include "ui/editor/node_scene.h"
#include "ui/editor/node_view.h"

#include "qtest_strings.h"
#include "source_dir.h"

#include <QGraphicsSceneDragDropEvent>
#include <QGraphicsSceneMouseEvent>
#include <QMimeData>
#include <QSignalSpy>
#include <QTest>

using namespace strata;
using namespace strata::ui;
using strata::test::examplePath;

namespace {

// Sends a mouse event of the given type to the scene, as a view would.
void sendMouse(NodeScene &scene, QEvent::Type type, QPointF scenePos)
{
    QGraphicsSceneMouseEvent event(type);
    event.setScenePos(scenePos);
    event.setButton(Qt::LeftButton);
    event.setButtons(type == QEvent::GraphicsSceneMouseRelease ? Qt::NoButton : Qt::LeftButton);
    event.setButtonDownScenePos(Qt::LeftButton, scenePos);
    QCoreApplication::sendEvent(&scene, &event);
}

} // namespace

class TestNodeScene : public QObject
{
    Q_OBJECT

private slots:
    void buildsItemsFromTheDocument();
    void followsAddRemoveAndUndo();
    void edgeLabelsShowShapes();
    void errorNodeIsBadged();
    void dropCreatesNode();
    void draggingBetweenPortsLinks();
    void refusedLinkExplains();
    void deleteCopyPasteDuplicate();
    void viewZoomAndFit();
};

void TestNodeScene::buildsItemsFromTheDocument()
{
    Document doc;
    doc.load(examplePath("keras_mnist_cnn.strata"));
    NodeScene scene(&doc);
    QCOMPARE(scene.nodeItems().size(), 11);
    QCOMPARE(scene.edgeItems().size(), 10);
    NodeItem *conv = scene.nodeItem("conv2d");
    QVERIFY(conv);
    QCOMPARE(conv->pos(), QPointF(0, 110));
    QCOMPARE(conv->title(), QStringLiteral("Conv2D"));
    QCOMPARE(conv->name(), QStringLiteral("conv2d"));
    QVERIFY2(conv->keyParameters().contains("filters 32"), qPrintable(conv->keyParameters()));
    QCOMPARE(conv->weightText(), QStringLiteral("320 params"));
    QCOMPARE(conv->inputCount(), 1);
    QCOMPARE(scene.nodeItem("input")->inputCount(), 0);

    // A reset (Open) rebuilds everything.
    doc.load(examplePath("spirals.strata"));
    QCOMPARE(scene.nodeItems().size(), 7);
    QCOMPARE(scene.edgeItems().size(), 6);
    QVERIFY(!scene.nodeItem("conv2d"));
}

void TestNodeScene::followsAddRemoveAndUndo()
{
    Document doc;
    doc.load(examplePath("spirals.strata"));
    NodeScene scene(&doc);
    QString id;
    QCOMPARE(doc.addNode("Dropout", {300, 200}, &id), QString());
    QCOMPARE(scene.nodeItems().size(), 8);
    QCOMPARE(scene.nodeItem(id)->pos(), QPointF(300, 200));

    QCOMPARE(doc.removeNodes({"fc2"}), QString());
    QCOMPARE(scene.nodeItems().size(), 7);
    QCOMPARE(scene.edgeItems().size(), 4); // relu1→fc2 and fc2→relu2 went with it
    QVERIFY(!scene.nodeItem("fc2"));

    doc.undoStack()->undo();
    QCOMPARE(scene.nodeItems().size(), 8);
    QCOMPARE(scene.edgeItems().size(), 6);
    QVERIFY(scene.nodeItem("fc2"));
    doc.undoStack()->undo();
    QCOMPARE(scene.nodeItems().size(), 7);
    QVERIFY(!scene.nodeItem(id));

    // Moves in the document move the items, and their links follow.
    EdgeItem *edge = scene.edgeItem({{"fc1", 0}, {"relu1", 0}});
    QVERIFY(edge);
    const QPointF before = edge->path().pointAtPercent(0);
    doc.moveNodes({{"fc1", QPointF(200, 110)}});
    QCOMPARE(scene.nodeItem("fc1")->pos(), QPointF(200, 110));
    QCOMPARE(edge->path().pointAtPercent(0), before + QPointF(200, 0));
    doc.undoStack()->undo();
    QCOMPARE(scene.nodeItem("fc1")->pos(), QPointF(0, 110));
}

void TestNodeScene::edgeLabelsShowShapes()
{
    Document doc;
    doc.load(examplePath("keras_mnist_cnn.strata"));
    NodeScene scene(&doc);
    QCOMPARE(scene.edgeItem({{"conv2d", 0}, {"relu", 0}})->label(), QStringLiteral("32×26×26"));
    QCOMPARE(scene.edgeItem({{"max_pooling2d", 0}, {"flatten", 0}})->label(),
             QStringLiteral("64×12×12"));
    QCOMPARE(scene.edgeItem({{"flatten", 0}, {"dense", 0}})->label(), QStringLiteral("9216"));
    // Labels follow parameter edits.
    doc.setParam("conv2d", "filters", 8);
    QCOMPARE(scene.edgeItem({{"conv2d", 0}, {"relu", 0}})->label(), QStringLiteral("8×26×26"));
}

void TestNodeScene::errorNodeIsBadged()
{
    Document doc;
    doc.load(examplePath("keras_mnist_cnn.strata"));
    NodeScene scene(&doc);
    QCOMPARE(scene.nodeItem("dense")->status(), NodeStatus::Ok);
    // Without Flatten, Dense receives an image: an error with the engine's advice.
    doc.removeNodes({"flatten"});
    doc.connectPorts({{"max_pooling2d", 0}, {"dense", 0}});
    NodeItem *dense = scene.nodeItem("dense");
    QCOMPARE(dense->status(), NodeStatus::Error);
    QVERIFY2(dense->message().contains("Flatten"), qPrintable(dense->message()));
    QVERIFY(dense->toolTip().contains("Flatten"));
    // Downstream layers wait and are greyed.
    QCOMPARE(scene.nodeItem("softmax")->status(), NodeStatus::Blocked);
    QVERIFY(scene.nodeItem("softmax")->opacity() < 1.0);
    QCOMPARE(scene.edgeItem({{"dense", 0}, {"relu_2", 0}})->label(), QString());
    doc.undoStack()->undo();
    doc.undoStack()->undo();
    QCOMPARE(scene.nodeItem("dense")->status(), NodeStatus::Ok);
    QCOMPARE(scene.nodeItem("softmax")->opacity(), 1.0);
}

void TestNodeScene::dropCreatesNode()
{
    Document doc;
    NodeScene scene(&doc);
    QMimeData mime;
    mime.setData(kLayerMimeType, "Conv2D");
    QGraphicsSceneDragDropEvent drop(QEvent::GraphicsSceneDrop);
    drop.setMimeData(&mime);
    drop.setScenePos(QPointF(400, 300));
    drop.setPossibleActions(Qt::CopyAction);
    drop.setProposedAction(Qt::CopyAction);
    QCoreApplication::sendEvent(&scene, &drop);
    QVERIFY(drop.isAccepted());
    QCOMPARE(doc.graph().nodes().size(), size_t(1));
    const QString id = QString::fromStdString(doc.graph().nodes()[0].id);
    QCOMPARE(doc.graph().nodes()[0].type, std::string("Conv2D"));
    NodeItem *item = scene.nodeItem(id);
    QVERIFY(item);
    // Centred on the drop point, and selected.
    QVERIFY(item->sceneBoundingRect().contains(QPointF(400, 300)));
    QVERIFY(item->isSelected());
    QCOMPARE(scene.selectedNodeIds(), QStringList{id});
    doc.undoStack()->undo();
    QCOMPARE(scene.nodeItems().size(), 0);

    // Other payloads are not taken.
    QMimeData text;
    text.setText("Conv2D");
    QGraphicsSceneDragDropEvent other(QEvent::GraphicsSceneDrop);
    other.setMimeData(&text);
    other.setScenePos(QPointF(0, 0));
    QCoreApplication::sendEvent(&scene, &other);
    QCOMPARE(doc.graph().nodes().size(), size_t(0));
}

void TestNodeScene::draggingBetweenPortsLinks()
{
    Document doc;
    NodeScene scene(&doc);
    QString in, dense;
    doc.addNode("Input", {0, 0}, &in);
    doc.addNode("Dense", {0, 150}, &dense);
    const QPointF from = scene.nodeItem(in)->outputPort()->sceneCentre();
    const QPointF to = scene.nodeItem(dense)->inputPort(0)->sceneCentre();
    sendMouse(scene, QEvent::GraphicsSceneMousePress, from);
    sendMouse(scene, QEvent::GraphicsSceneMouseMove, (from + to) / 2);
    sendMouse(scene, QEvent::GraphicsSceneMouseMove, to);
    sendMouse(scene, QEvent::GraphicsSceneMouseRelease, to);
    QCOMPARE(doc.graph().edges().size(), size_t(1));
    QCOMPARE(scene.edgeItems().size(), 1);
    QCOMPARE(scene.edgeItems().front()->label(), QStringLiteral("2"));
    // Picking the link up at its input and dropping it on empty canvas unlinks.
    sendMouse(scene, QEvent::GraphicsSceneMousePress, to);
    sendMouse(scene, QEvent::GraphicsSceneMouseMove, QPointF(600, 600));
    sendMouse(scene, QEvent::GraphicsSceneMouseRelease, QPointF(600, 600));
    QCOMPARE(doc.graph().edges().size(), size_t(0));
    doc.undoStack()->undo();
    QCOMPARE(doc.graph().edges().size(), size_t(1));
}

void TestNodeScene::refusedLinkExplains()
{
    Document doc;
    NodeScene scene(&doc);
    QString a, b;
    doc.addNode("Dense", {0, 0}, &a);
    doc.addNode("Dense", {0, 150}, &b);
    QCOMPARE(scene.link({toStd(a), 0}, {toStd(b), 0}), QString());
    QSignalSpy refused(&scene, &NodeScene::editRefused);
    // Dragging b's output back to a's input would make a cycle.
    const QPointF from = scene.nodeItem(b)->outputPort()->sceneCentre();
    const QPointF to = scene.nodeItem(a)->inputPort(0)->sceneCentre();
    sendMouse(scene, QEvent::GraphicsSceneMousePress, from);
    sendMouse(scene, QEvent::GraphicsSceneMouseMove, to);
    sendMouse(scene, QEvent::GraphicsSceneMouseRelease, to);
    QCOMPARE(refused.count(), 1);
    QVERIFY2(refused.front().front().toString().contains("cycle"),
             qPrintable(refused.front().front().toString()));
    QCOMPARE(doc.graph().edges().size(), size_t(1));
}

void TestNodeScene::deleteCopyPasteDuplicate()
{
    Document doc;
    doc.load(examplePath("spirals.strata"));
    NodeScene scene(&doc);
    scene.selectNodes({"fc1", "relu1"});
    QCOMPARE(scene.selectedNodeIds(), (QStringList{"fc1", "relu1"}));
    QCOMPARE(scene.duplicateSelection(), QString());
    QCOMPARE(scene.nodeItems().size(), 9);
    QCOMPARE(scene.edgeItems().size(), 7); // the link between the copies came along
    QCOMPARE(scene.selectedNodeIds().size(), 2);
    QVERIFY(!scene.selectedNodeIds().contains("fc1"));

    scene.selectNodes({"fc1", "relu1"});
    scene.copySelection();
    QCOMPARE(scene.pasteClipboard(), QString());
    QCOMPARE(scene.nodeItems().size(), 11);

    // Delete a node and a separate link in one undo step.
    scene.selectNodes({"fc3"});
    scene.edgeItem({{"x", 0}, {"fc1", 0}})->setSelected(true);
    const int steps = doc.undoStack()->count();
    QCOMPARE(scene.deleteSelection(), QString());
    QVERIFY(!scene.nodeItem("fc3"));
    QVERIFY(!doc.graph().edgeInto({"fc1", 0}));
    QCOMPARE(doc.undoStack()->count(), steps + 1);
    doc.undoStack()->undo();
    QVERIFY(scene.nodeItem("fc3"));
    QVERIFY(doc.graph().edgeInto({"fc1", 0}));
}

void TestNodeScene::viewZoomAndFit()
{
    Document doc;
    doc.load(examplePath("keras_mnist_cnn.strata"));
    NodeScene scene(&doc);
    NodeView view(&scene);
    view.resize(800, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.fitToModel();
    // The model (11 rows, ~1160 units tall) is framed as far as it stays legible, from its
    // Input (test_long_model has the details).
    const QRectF visible = view.mapToScene(view.viewport()->rect()).boundingRect();
    QVERIFY(visible.contains(scene.nodeItem("input")->sceneBoundingRect()));
    QVERIFY(view.zoom() < 1.0);
    const double fitted = view.zoom();
    view.actions().zoomIn->trigger();
    QVERIFY(view.zoom() > fitted);
    view.actions().zoomOut->trigger();
    QVERIFY(qAbs(view.zoom() - fitted) < 1e-9);
    view.setZoom(100);
    QCOMPARE(view.zoom(), 4.0); // clamped
}

QTEST_MAIN(TestNodeScene)
#include "test_node_scene.moc"
