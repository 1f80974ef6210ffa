// The main window's "Try the model" dock: the inference panel on the training session.

#include "ui/main_window.h"

#include "ui/inference/inference_panel.h"

#include <QDockWidget>
#include <QMenu>
#include <QScrollArea>

namespace strata::ui {

void MainWindow::createInferenceDock()
{
    inferencePanel_ = new InferencePanel(session_, this);
    auto *area = new QScrollArea;
    area->setObjectName(QStringLiteral("inferenceScroll"));
    area->setWidget(inferencePanel_);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    inferenceDock_ =
        addDock(tr("Try the model"), QStringLiteral("inferenceDock"), area, Qt::RightDockWidgetArea);
    tabifyDockWidget(inspectorDock_, inferenceDock_);
    inspectorDock_->raise();
    if (viewMenu_)
        viewMenu_->addAction(inferenceDock_->toggleViewAction());
}

} // namespace strata::ui
