// The main window's Decision boundary dock: the boundary panel on the training session, its
// neuron maps also beside their nodes on the canvas.

#include "ui/main_window.h"

#include "ui/boundary/boundary_panel.h"
#include "ui/document.h"
#include "ui/editor/node_scene.h"

#include <QDockWidget>
#include <QMenu>
#include <QScrollArea>

namespace strata::ui {

void MainWindow::createBoundaryDock()
{
    boundaryPanel_ = new BoundaryPanel(session_, this);
    // In a short dock (a laptop screen) the panel scrolls rather than taking the height the
    // training dock needs.
    auto *area = new QScrollArea;
    area->setObjectName(QStringLiteral("boundaryScroll"));
    area->setWidget(boundaryPanel_);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    boundaryDock_ = addDock(tr("Decision boundary"), QStringLiteral("boundaryDock"), area,
                            Qt::RightDockWidgetArea);
    tabifyDockWidget(inspectorDock_, boundaryDock_);
    inspectorDock_->raise();
    if (viewMenu_)
        viewMenu_->addAction(boundaryDock_->toggleViewAction());
    boundaryPanel_->setProjectSource([this] {
        const QString path = document_->filePath();
        const QString base =
            path.isEmpty() ? examplesDir() : QString::fromStdString(projectBaseDir(toStd(path)));
        return std::make_pair(document_->project(), base);
    });
    // The neuron maps beside their nodes on the canvas too.
    connect(boundaryPanel_, &BoundaryPanel::unitMapsChanged, scene_, &NodeScene::setUnitMaps);
    // Another model or dataset: the panel looks again (it keeps a run's picture while the
    // run still fits the project).
    for (auto signal :
         {&Document::analysisChanged, &Document::settingsChanged, &Document::projectReset})
        connect(document_, signal, boundaryPanel_, &BoundaryPanel::refresh);
}

} // namespace strata::ui
