// The document model on its own, with no scene and no widgets: every edit a user makes in the
// node editor goes through these calls, so undo/redo exactness is proven here.

#include "ui/document.h"

#include "qtest_strings.h"
#include "source_dir.h"

#include <strata/project.h>

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace strata;
using namespace strata::ui;
using strata::test::examplePath;

namespace {

std::string dump(const Document &doc)
{
    return toJson(doc.project()).dump();
}

} // namespace

class TestDocument : public QObject
{
    Q_OBJECT

private slots:
    void addAndConnect();
    void refusesCycleWithReason();
    void refusesOccupiedInput();
    void undoAllRestoresExactJsonAndRedoAllReapplies();
    void removeNodesRestoresEdgesAtTheirIndices();
    void moveNodesMerge();
    void setParamRefusesOutOfRange();
    void setParamPrunesLinksOfRemovedPorts();
    void pasteGivesFreshIds();
    void autoLayoutPlacesRowsByDepth();
    void lockRefusesEdits();
    void loadFailureKeepsProject();
};

void TestDocument::addAndConnect()
{
    Document doc;
    QSignalSpy added(&doc, &Document::nodeAdded);
    QSignalSpy analysed(&doc, &Document::analysisChanged);
    QString input, dense;
    QCOMPARE(doc.addNode("Input", {0, 0}, &input), QString());
    QCOMPARE(doc.addNode("Dense", {0, 110}, &dense), QString());
    QCOMPARE(added.count(), 2);
    QCOMPARE(doc.graph().nodes().size(), size_t(2));
    QCOMPARE(doc.position(dense), QPointF(0, 110));
    QVERIFY(analysed.count() >= 2);
    // Before the link, Dense's input is reported as not connected.
    QCOMPARE(doc.analysis().find(toStd(dense))->status, NodeStatus::Error);

    QCOMPARE(doc.connectPorts({{toStd(input), 0}, {toStd(dense), 0}}), QString());
    QCOMPARE(doc.graph().edges().size(), size_t(1));
    const NodeAnalysis *a = doc.analysis().find(toStd(dense));
    QCOMPARE(a->status, NodeStatus::Ok);
    QCOMPARE(a->output, (Shape{64}));
    QCOMPARE(a->params, int64_t(2 * 64 + 64)); // Input's default: 2 features
    QVERIFY(doc.isModified());
    QCOMPARE(doc.undoStack()->count(), 3);

    QCOMPARE(doc.addNode("NoSuchLayer", {}), QStringLiteral("Unknown layer type 'NoSuchLayer'"));
    QCOMPARE(doc.undoStack()->count(), 3);
}

void TestDocument::refusesCycleWithReason()
{
    Document doc;
    QString a, b, c;
    doc.addNode("Dense", {}, &a);
    doc.addNode("Dense", {}, &b);
    doc.addNode("Add", {}, &c);
    QCOMPARE(doc.connectPorts({{toStd(a), 0}, {toStd(b), 0}}), QString());
    QCOMPARE(doc.connectPorts({{toStd(b), 0}, {toStd(c), 0}}), QString());
    const int before = doc.undoStack()->count();
    const std::string json = dump(doc);
    const QString why = doc.connectPorts({{toStd(c), 0}, {toStd(a), 0}});
    QVERIFY2(why.contains("cycle"), qPrintable(why));
    QVERIFY2(why.contains(a), qPrintable(why));
    QCOMPARE(doc.undoStack()->count(), before);
    QCOMPARE(dump(doc), json);
    // A node cannot feed itself either.
    QVERIFY(!doc.connectPorts({{toStd(b), 0}, {toStd(b), 0}}).isEmpty());
}

void TestDocument::refusesOccupiedInput()
{
    Document doc;
    QString a, b, c;
    doc.addNode("Input", {}, &a);
    doc.addNode("Input", {}, &b);
    doc.addNode("Dense", {}, &c);
    QCOMPARE(doc.connectPorts({{toStd(a), 0}, {toStd(c), 0}}), QString());
    const QString why = doc.connectPorts({{toStd(b), 0}, {toStd(c), 0}});
    QVERIFY2(why.contains("already fed"), qPrintable(why));
    QCOMPARE(doc.graph().edges().size(), size_t(1));
}

void TestDocument::undoAllRestoresExactJsonAndRedoAllReapplies()
{
    Document doc;
    doc.load(examplePath("keras_mnist_cnn.strata"));
    QVERIFY(!doc.isModified());
    const std::string original = dump(doc);

    QString extra;
    QCOMPARE(doc.addNode("Dropout", {300, 500}, &extra), QString());
    QCOMPARE(doc.setParam(extra, "rate", 0.25), QString());
    QCOMPARE(doc.disconnectPorts({{"flatten", 0}, {"dense", 0}}), QString());
    QCOMPARE(doc.connectPorts({{"flatten", 0}, {toStd(extra), 0}}), QString());
    QCOMPARE(doc.connectPorts({{toStd(extra), 0}, {"dense", 0}}), QString());
    QCOMPARE(doc.setParam("conv2d", "filters", 16), QString());
    QCOMPARE(doc.renameNode("dense", "hidden"), QString());
    QCOMPARE(doc.moveNodes({{"softmax", QPointF(40.5, 1200)}}), QString());
    QCOMPARE(doc.removeNodes({"relu_1"}), QString());
    QCOMPARE(doc.autoLayout(), QString());
    TrainingSpec training = doc.project().training;
    training.epochs = 3;
    training.optimizer.type = "adam";
    QCOMPARE(doc.setTrainingSpec(training), QString());
    DatasetSpec dataset = doc.project().dataset;
    dataset.limit = 1000;
    QCOMPARE(doc.setDatasetSpec(dataset), QString());
    QStringList pasted;
    QCOMPARE(doc.paste(doc.copyFragment({"conv2d", "relu"}), {200, 0}, &pasted), QString());
    QCOMPARE(pasted.size(), 2);

    const std::string edited = dump(doc);
    QVERIFY(edited != original);
    QCOMPARE(doc.analysis().find("conv2d")->output, (Shape{16, 26, 26}));

    while (doc.undoStack()->canUndo())
        doc.undoStack()->undo();
    QCOMPARE(dump(doc), original);
    QVERIFY(!doc.isModified());
    QCOMPARE(doc.analysis().find("conv2d")->output, (Shape{32, 26, 26}));

    while (doc.undoStack()->canRedo())
        doc.undoStack()->redo();
    QCOMPARE(dump(doc), edited);
}

void TestDocument::removeNodesRestoresEdgesAtTheirIndices()
{
    Document doc;
    doc.load(examplePath("keras_mnist_cnn.strata"));
    const std::string original = dump(doc);
    QSignalSpy removedEdges(&doc, &Document::edgeRemoved);
    QCOMPARE(doc.removeNodes({"relu", "max_pooling2d"}), QString());
    QCOMPARE(removedEdges.count(), 4);
    QCOMPARE(doc.graph().nodes().size(), size_t(9));
    QCOMPARE(doc.graph().edges().size(), size_t(6));
    QVERIFY(!doc.project().ui["positions"].contains("relu"));
    doc.undoStack()->undo();
    QCOMPARE(dump(doc), original);
    QCOMPARE(doc.graph().edges()[1], (Edge{{"conv2d", 0}, {"relu", 0}}));
    QCOMPARE(doc.graph().nodes()[5].id, std::string("max_pooling2d"));
}

void TestDocument::moveNodesMerge()
{
    Document doc;
    doc.load(examplePath("spirals.strata"));
    const std::string original = dump(doc);
    QSignalSpy moved(&doc, &Document::positionsChanged);
    doc.moveNodes({{"fc1", QPointF(10, 110)}});
    doc.moveNodes({{"fc1", QPointF(20, 120)}});
    doc.moveNodes({{"fc1", QPointF(30, 130)}});
    QCOMPARE(moved.count(), 3);
    QCOMPARE(doc.undoStack()->count(), 1); // merged into one step
    QCOMPARE(doc.position("fc1"), QPointF(30, 130));
    // A move of other nodes is a separate step.
    doc.moveNodes({{"fc1", QPointF(0, 0)}, {"fc2", QPointF(5, 5)}});
    QCOMPARE(doc.undoStack()->count(), 2);
    doc.undoStack()->undo();
    QCOMPARE(doc.position("fc1"), QPointF(30, 130));
    doc.undoStack()->undo();
    QCOMPARE(doc.position("fc1"), QPointF(0, 110));
    QCOMPARE(dump(doc), original);
    // Moving a node to where it is pushes nothing.
    doc.moveNodes({{"fc1", QPointF(0, 110)}});
    QCOMPARE(doc.undoStack()->index(), 0);
}

void TestDocument::setParamRefusesOutOfRange()
{
    Document doc;
    doc.load(examplePath("spirals.strata"));
    const std::string original = dump(doc);
    const QString why = doc.setParam("fc1", "units", 0);
    QVERIFY2(why.contains("units"), qPrintable(why));
    QCOMPARE(doc.setParam("fc1", "units", "many").isEmpty(), false);
    QCOMPARE(doc.setParam("fc1", "no_such", 1).isEmpty(), false);
    QCOMPARE(dump(doc), original);
    QCOMPARE(doc.undoStack()->count(), 0);
    // Consecutive edits of one parameter are one undo step.
    QCOMPARE(doc.setParam("fc1", "units", 17), QString());
    QCOMPARE(doc.setParam("fc1", "units", 18), QString());
    QCOMPARE(doc.undoStack()->count(), 1);
    QCOMPARE(doc.analysis().find("fc1")->output, (Shape{18}));
    doc.undoStack()->undo();
    QCOMPARE(dump(doc), original);
}

void TestDocument::setParamPrunesLinksOfRemovedPorts()
{
    Document doc;
    QString in, add;
    doc.addNode("Input", {}, &in);
    doc.addNode("Add", {}, &add);
    QCOMPARE(doc.setParam(add, "inputs", 3), QString());
    for (int port = 0; port < 3; ++port) {
        QString relu;
        doc.addNode("ReLU", {}, &relu);
        doc.connectPorts({{toStd(in), 0}, {toStd(relu), 0}});
        QCOMPARE(doc.connectPorts({{toStd(relu), 0}, {toStd(add), port}}), QString());
    }
    const std::string before = dump(doc);
    QCOMPARE(doc.setParam(add, "inputs", 2), QString());
    QVERIFY(!doc.graph().edgeInto({toStd(add), 2}));
    QCOMPARE(doc.analysis().find(toStd(add))->status, NodeStatus::Ok);
    doc.undoStack()->undo();
    QCOMPARE(dump(doc), before);
}

void TestDocument::pasteGivesFreshIds()
{
    Document doc;
    doc.load(examplePath("spirals.strata"));
    QStringList ids;
    QCOMPARE(doc.paste(doc.copyFragment({"fc1", "relu1", "fc2"}), {250, 0}, &ids), QString());
    QCOMPARE(ids.size(), 3);
    for (const QString &id : ids)
        QVERIFY(!QStringList({"fc1", "relu1", "fc2"}).contains(id));
    QCOMPARE(doc.graph().nodes().size(), size_t(10));
    QCOMPARE(doc.graph().edges().size(), size_t(8)); // the two internal links came along
    QCOMPARE(doc.position(ids[0]), QPointF(250, 110));
    QCOMPARE(doc.paste(nlohmann::json{{"nodes", 3}}, {}).isEmpty(), false);
}

void TestDocument::autoLayoutPlacesRowsByDepth()
{
    Document doc;
    QString in, a, b, add;
    doc.addNode("Input", {500, 500}, &in);
    doc.addNode("Dense", {0, 0}, &a);
    doc.addNode("Dense", {0, 0}, &b);
    doc.addNode("Add", {0, 0}, &add);
    doc.connectPorts({{toStd(in), 0}, {toStd(a), 0}});
    doc.connectPorts({{toStd(in), 0}, {toStd(b), 0}});
    doc.connectPorts({{toStd(a), 0}, {toStd(add), 0}});
    doc.connectPorts({{toStd(b), 0}, {toStd(add), 1}});
    QCOMPARE(doc.autoLayout(), QString());
    QVERIFY(doc.position(in).y() < doc.position(a).y());
    QCOMPARE(doc.position(a).y(), doc.position(b).y());
    QVERIFY(doc.position(a).x() < doc.position(b).x());
    QVERIFY(doc.position(add).y() > doc.position(a).y());
    doc.undoStack()->undo();
    QCOMPARE(doc.position(in), QPointF(500, 500));
}

void TestDocument::lockRefusesEdits()
{
    Document doc;
    doc.setEditingLocked(true, "Training");
    QCOMPARE(doc.addNode("Input", {}), QStringLiteral("Training"));
    QCOMPARE(doc.graph().nodes().size(), size_t(0));
    doc.setEditingLocked(false);
    QCOMPARE(doc.addNode("Input", {}), QString());
}

void TestDocument::loadFailureKeepsProject()
{
    Document doc;
    doc.load(examplePath("spirals.strata"));
    const std::string original = dump(doc);
    const QString dir = QDir::tempPath() + "/strata-test-document";
    QDir().mkpath(dir);
    QFile bad(dir + "/broken.strata");
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("{ \"format_version\": 1, \"name\": ");
    bad.close();
    QVERIFY_THROWS_EXCEPTION(ProjectError, doc.load(bad.fileName()));
    QCOMPARE(dump(doc), original);
    QVERIFY(doc.filePath().endsWith("spirals.strata"));
}

QTEST_MAIN(TestDocument)
#include "test_document.moc"
