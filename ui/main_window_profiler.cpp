// The main window's "Profiler" dock (where the training time and memory go, layer by layer),
// beside the Weights dock under the canvas.

#include "ui/main_window.h"

#include "ui/profiler/profiler_panel.h"

#include <QDockWidget>
#include <QMenu>

namespace strata::ui {

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
}

} // namespace strata::ui
