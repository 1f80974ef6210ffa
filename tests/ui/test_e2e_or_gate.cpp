// End to end, as a user works: the OR-gate model is built in the studio's main window by
// dropping palette entries onto the canvas, dragging links between ports and editing the
// inspector; the dataset and training settings are set in the inspector's project form; Train
// is clicked on the dashboard. The test waits for the run (the GUI keeps running), then checks
// that the plots received every epoch and that the trained model knows OR's truth table.

#include "ui/document.h"
#include "ui/editor/node_item.h"
#include "ui/editor/node_scene.h"
#include "ui/editor/node_view.h"
#include "ui/inspector/inspector.h"
#include "ui/inspector/node_form.h"
#include "ui/inspector/settings_forms.h"
#include "ui/main_window.h"
#include "ui/palette/layer_palette.h"
#include "ui/session/training_session.h"
#include "ui/training/training_dashboard.h"
#include "widgets/metric_plot.h"
#include "widgets/progress_panel.h"

#include "strata/evaluation.h"
#include "strata/trainer.h"

#include "gap_meter.h"
#include "qtest_strings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QFileInfo>
#include <QGraphicsSceneMouseEvent>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTest>
#include <QTreeWidget>

using namespace strata;
using namespace strata::ui;

namespace {

constexpr int kEpochs = 300;
// Generous: CI machines are slow and shared.
constexpr int kTrainingTimeoutMs = 180000;

// The palette's own drag payload for a layer type, as QTreeWidget builds it when a drag
// starts.
std::unique_ptr<QMimeData> paletteMime(LayerPalette *palette, const QString &type)
{
    QAbstractItemModel *model = palette->tree()->model();
    const QModelIndexList found = model->match(model->index(0, 0), Qt::DisplayRole, type, 1,
                                               Qt::MatchExactly | Qt::MatchRecursive);
    if (found.isEmpty())
        return nullptr;
    return std::unique_ptr<QMimeData>(model->mimeData({found.front()}));
}

// Drags a palette entry over the canvas and drops it at a point of the view's viewport:
// enter, move, drop, as Qt delivers a drag from another widget.
QString dropLayer(MainWindow &window, const QString &type, QPoint viewportPos)
{
    std::unique_ptr<QMimeData> mime = paletteMime(window.palette(), type);
    if (!mime)
        return {};
    QWidget *viewport = window.view()->viewport();
    const QStringList before = [&] {
        QStringList ids;
        for (const Node &n : window.document()->graph().nodes())
            ids << toQString(n.id);
        return ids;
    }();
    QDragEnterEvent enter(viewportPos, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(viewport, &enter);
    QDragMoveEvent move(viewportPos, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(viewport, &move);
    QDropEvent drop(QPointF(viewportPos), Qt::CopyAction, mime.get(), Qt::LeftButton,
                    Qt::NoModifier);
    QCoreApplication::sendEvent(viewport, &drop);
    if (!drop.isAccepted())
        return {};
    for (const Node &n : window.document()->graph().nodes())
        if (!before.contains(toQString(n.id)))
            return toQString(n.id);
    return {};
}

void sendMouse(NodeScene *scene, QEvent::Type type, QPointF scenePos)
{
    QGraphicsSceneMouseEvent event(type);
    event.setScenePos(scenePos);
    event.setButton(Qt::LeftButton);
    event.setButtons(type == QEvent::GraphicsSceneMouseRelease ? Qt::NoButton : Qt::LeftButton);
    event.setButtonDownScenePos(Qt::LeftButton, scenePos);
    QCoreApplication::sendEvent(scene, &event);
}

// Presses on a node's output port, drags to the next node's input port and releases there.
void dragLink(NodeScene *scene, const QString &from, const QString &to)
{
    const QPointF a = scene->nodeItem(from)->outputPort()->sceneCentre();
    const QPointF b = scene->nodeItem(to)->inputPort(0)->sceneCentre();
    sendMouse(scene, QEvent::GraphicsSceneMousePress, a);
    sendMouse(scene, QEvent::GraphicsSceneMouseMove, (a + b) / 2);
    sendMouse(scene, QEvent::GraphicsSceneMouseMove, b);
    sendMouse(scene, QEvent::GraphicsSceneMouseRelease, b);
}

// Selects a node as a click would, and types a value into its inspector field.
void setIntParam(MainWindow &window, const QString &node, const QString &param, int value)
{
    window.scene()->selectNodes({node});
    auto *box = qobject_cast<QSpinBox *>(window.inspector()->nodeForm()->editor(param));
    QVERIFY2(box, qPrintable(node + "." + param));
    box->setValue(value);
}

void chooseData(QComboBox *box, const QString &value)
{
    QVERIFY(box);
    const int i = box->findData(value);
    QVERIFY2(i >= 0, qPrintable(value));
    box->setCurrentIndex(i);
    emit box->activated(i);
}

} // namespace

class TestE2eOrGate : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void buildTrainAndPredict();
};

void TestE2eOrGate::buildTrainAndPredict()
{
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.newProject();
    Document *doc = window.document();
    QCOMPARE(doc->graph().nodes().size(), size_t(0));

    // --- The model: five drops, one above the other.
    const QStringList types{"Input", "Dense", "Sigmoid", "Dense", "Sigmoid"};
    QStringList ids;
    const QRect area = window.view()->viewport()->rect();
    for (int i = 0; i < types.size(); ++i) {
        // Zig-zag, so that no two cards overlap whatever the canvas height.
        const QPoint at(area.center().x() + (i % 2 ? 130 : -130),
                        area.top() + 50 + i * (area.height() - 100) / 4);
        const QString id = dropLayer(window, types[i], at);
        QVERIFY2(!id.isEmpty(), qPrintable("drop " + types[i]));
        ids << id;
        QCOMPARE(toQString(doc->graph().find(toStd(id))->type), types[i]);
        QVERIFY(window.scene()->nodeItem(id));
    }
    for (int i = 0; i + 1 < ids.size(); ++i)
        QVERIFY(!window.scene()->nodeItem(ids[i])->sceneBoundingRect().intersects(
            window.scene()->nodeItem(ids[i + 1])->sceneBoundingRect()));
    for (int i = 0; i + 1 < ids.size(); ++i)
        dragLink(window.scene(), ids[i], ids[i + 1]);
    QCOMPARE(doc->graph().edges().size(), size_t(4));

    setIntParam(window, ids[0], "features", 2);
    setIntParam(window, ids[1], "units", 2);
    setIntParam(window, ids[3], "units", 1);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(doc->analysis().find(toStd(ids[4]))->output, (Shape{1}));
    QVERIFY(doc->analysis().problems(doc->graph()).empty());

    // --- Data and training, in the inspector's project form (nothing selected).
    window.scene()->selectNodes({});
    QVERIFY(window.inspector()->showsProject());
    DatasetForm *data = window.inspector()->datasetForm();
    chooseData(data->findChild<QComboBox *>("datasetKind"), "builtin");
    chooseData(data->findChild<QComboBox *>("datasetName"), "or");
    // The first three rows of the truth table; (1, 1) is left for the model to infer.
    data->findChild<QSpinBox *>("limit")->setValue(3);
    TrainingForm *training = window.inspector()->trainingForm();
    training->findChild<QSpinBox *>("epochs")->setValue(kEpochs);
    training->findChild<QSpinBox *>("batchSize")->setValue(3);
    chooseData(training->findChild<QComboBox *>("loss"), "binary_cross_entropy");
    chooseData(training->findChild<QComboBox *>("optimizer"), "adam");
    training->findChild<QDoubleSpinBox *>("learningRate")->setValue(0.1);
    training->findChild<QCheckBox *>("shuffle")->setChecked(false);
    training->findChild<QSpinBox *>("seed")->setValue(1);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(data->refusal().isEmpty(), qPrintable(data->refusal()));
    QVERIFY2(training->refusal().isEmpty(), qPrintable(training->refusal()));
    const Project &p = doc->project();
    QCOMPARE(p.dataset.name, std::string("or"));
    QCOMPARE(p.dataset.limit, int64_t(3));
    QCOMPARE(p.training.epochs, kEpochs);
    QCOMPARE(p.training.loss, std::string("binary_cross_entropy"));
    QCOMPARE(p.training.optimizer.lr, 0.1);
    QVERIFY(!p.training.shuffle);
    QVERIFY(doc->isModified());

    // --- Train, with the dashboard's button.
    TrainingDashboard *dashboard = window.dashboard();
    QVERIFY(dashboard);
    TrainingSession *session = window.session();
    QVERIFY(session);
    QCOMPARE(dashboard->session(), session);
    window.trainingDock()->show();
    window.trainingDock()->raise();
    auto *train = dashboard->findChild<QPushButton *>("trainButton");
    QVERIFY(train && train->isEnabled());
    GapMeter meter; // how responsive the whole studio stays while the trainer runs
    QTest::mouseClick(train, Qt::LeftButton);
    QVERIFY(session->isTraining());
    QVERIFY(!train->isEnabled());

    // Editing is locked, visibly, while the trainer runs: a drop is refused.
    QVERIFY(doc->isEditingLocked());
    auto *notice = window.findChild<QLabel *>("lockNotice");
    QVERIFY(notice && notice->isVisible());
    QVERIFY(notice->text().contains("Training"));
    QVERIFY(!window.inspector()->isEnabled());
    const size_t nodes = doc->graph().nodes().size();
    dropLayer(window, "Dense", area.center());
    QCOMPARE(doc->graph().nodes().size(), nodes);

    QTRY_VERIFY_WITH_TIMEOUT(!session->isTraining(), kTrainingTimeoutMs);
    meter.suspend();
    qInfo("Studio while training: largest gap between GUI event-loop iterations %lld ms, "
          "GUI thread busy at most %.1f ms",
          static_cast<long long>(meter.maxGapMs()), meter.maxBusyMs());
    QVERIFY2(meter.maxBusyMs() < GapMeter::stallMs(), qPrintable(meter.longGaps().join(", ")));
    const auto &result = session->lastResult();
    QVERIFY(result);
    QVERIFY2(result->reason == FinishedEvent::Reason::Completed, result->message.c_str());
    QVERIFY(!doc->isEditingLocked());
    QVERIFY(!notice->isVisible());
    QVERIFY(train->isEnabled());
    QVERIFY(!window.statusBar()->currentMessage().isEmpty());

    // Every epoch reached the plots: one epoch point each, one batch point each (3 samples,
    // batch 3), and the progress bar is full.
    QCOMPARE(int(session->epochs().size()), kEpochs);
    QCOMPARE(dashboard->lossPlot()->epochPointCount(), kEpochs);
    QCOMPARE(dashboard->accuracyPlot()->epochPointCount(), kEpochs);
    QCOMPARE(dashboard->lossPlot()->batchPointCount(), kEpochs);
    QCOMPARE(dashboard->progressPanel()->value(), dashboard->progressPanel()->maximum());
    QVERIFY(session->epochs().back().loss < session->epochs().front().loss);

    // The trained model: OR's whole truth table, (1, 1) included, which it never saw.
    Network *network = session->trainer()->network();
    QVERIFY(network);
    const std::vector<float> rows{0, 0, 0, 1, 1, 0, 1, 1};
    const Tensor probabilities = predict(*network, rows, 4, 4);
    const int expected[] = {0, 1, 1, 1};
    for (int r = 0; r < 4; ++r) {
        const float *row = probabilities.data() + r;
        QVERIFY2(
            predictedClass(row, 1) == expected[r],
            qPrintable(
                QStringLiteral("(%1, %2) -> %3").arg(rows[2 * r]).arg(rows[2 * r + 1]).arg(*row)));
    }
    // The run's weights are what File → Export… offers.
    QVERIFY(QFileInfo(window.lastRunWeights()).size() > 0);
    doc->undoStack()->setClean(); // no unsaved-changes prompt when the window goes
}

QTEST_MAIN(TestE2eOrGate)
#include "test_e2e_or_gate.moc"
