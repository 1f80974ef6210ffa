// The main window's "Profiler" dock (where the training time and memory go, layer by layer),
// beside the Weights dock under the canvas, and the costs on the canvas's cards: measured by
// the session's live profiles, estimated before any run (View > Training Costs on Layers).

#include "ui/main_window.h"

#include "ui/editor/node_scene.h"
#include "ui/profiler/profiler_panel.h"
#include "ui/session/training_session.h"
#include "ui/studio_settings.h"

#include "strata/node_costs.h"

#include <QAction>
#include <QDockWidget>
#include <QMenu>

namespace strata::ui {

namespace {

const QString kCostsKey = QStringLiteral("view/trainingCosts");

// Whether a profile was taken of this graph: the same nodes with the same types (a run
// resumed from the store trains the project as it was then, which may differ).
bool profiles(const ProfileReport &report, const Graph &graph)
{
    if (report.nodes.size() != graph.nodes().size())
        return false;
    for (const NodeProfile &n : report.nodes) {
        const Node *node = graph.find(n.id);
        if (!node || node->type != n.type)
            return false;
    }
    return true;
}

} // namespace

void MainWindow::createProfilerDock()
{
    profilerPanel_ = new ProfilerPanel(session_, this);
    profilerDock_ = addDock(tr("Profiler"), QStringLiteral("profilerDock"), profilerPanel_,
                            Qt::BottomDockWidgetArea);
    if (weightsDock_)
        tabifyDockWidget(weightsDock_, profilerDock_);
    if (trainingDock_)
        trainingDock_->raise();
    if (viewMenu_)
        viewMenu_->addAction(profilerDock_->toggleViewAction());

    auto *costs = new QAction(tr("Training &Costs on Layers"), this);
    costs->setObjectName(QStringLiteral("trainingCostsAction"));
    costs->setCheckable(true);
    costs->setToolTip(tr("Show each layer's share of a training step and its memory on its card: "
                         "measured while the Profiler is open during training, estimated from "
                         "FLOPs and bytes before"));
    costs->setChecked(studioSettings().value(kCostsKey, true).toBool());
    scene_->setCostsShown(costs->isChecked());
    connect(costs, &QAction::toggled, this, [this](bool on) {
        scene_->setCostsShown(on);
        studioSettings().setValue(kCostsKey, on);
    });
    if (viewMenu_)
        viewMenu_->insertAction(summaryAction_, costs);

    connect(session_, &TrainingSession::profileAvailable, this, [this] {
        if (const auto report = session_->latestProfile();
            report && profiles(*report, document_->graph()))
            scene_->setMeasuredCosts(measuredNodeCosts(*report));
    });
    connect(session_, &TrainingSession::cleared, this, [this] { scene_->setMeasuredCosts({}); });
}

} // namespace strata::ui
