#include "ui/presenter_mode.h"

#include "ui/boundary/boundary_panel.h"
#include "ui/interface_zoom.h"
#include "widgets/metric_plot.h"

#include <QAction>
#include <QDockWidget>
#include <QIcon>
#include <QMainWindow>

namespace strata::ui {

namespace {

// The share of the window's height the presenter docks take; the canvas keeps the rest.
constexpr double kPresenterShare = 0.7;

} // namespace

PresenterMode::PresenterMode(QMainWindow *window, InterfaceZoom *zoom)
    : QObject(window), window_(window), zoom_(zoom),
      action_(
          new QAction(QIcon(QStringLiteral(":/icons/presenter.svg")), tr("&Presenter Mode"), this))
{
    action_->setObjectName(QStringLiteral("presenterModeAction"));
    action_->setCheckable(true);
    action_->setShortcut(QKeySequence(Qt::Key_F11));
    action_->setShortcutContext(Qt::WindowShortcut);
    action_->setToolTip(tr("Large text and curves, editing panels hidden and editing locked, "
                           "for a class or a projector; again to go back (%1)")
                            .arg(action_->shortcut().toString(QKeySequence::NativeText)));
    connect(action_, &QAction::toggled, this, &PresenterMode::setActive);
}

QStringList PresenterMode::presenterDocks()
{
    return {QStringLiteral("trainingDock"), QStringLiteral("boundaryDock")};
}

QStringList PresenterMode::editingDocks()
{
    return {QStringLiteral("paletteDock"), QStringLiteral("inspectorDock"),
            QStringLiteral("problemsDock"), QStringLiteral("historyDock"),
            QStringLiteral("datasetDock"), QStringLiteral("runsDock"),
            QStringLiteral("inferenceDock"), QStringLiteral("mistakesDock")};
}

void PresenterMode::setActive(bool active)
{
    if (active == active_)
        return;
    active_ = active;
    if (active)
        enter();
    else
        leave();
    action_->setChecked(active); // when set from code; toggled() then finds nothing to do
    emit activeChanged(active);
}

void PresenterMode::enter()
{
    savedState_ = window_->saveState();
    zoom_->setPresentationScale(kTextScale);
    plots_.clear();
    for (widgets::MetricPlot *plot : window_->findChildren<widgets::MetricPlot *>()) {
        plots_.append({plot, plot->lineWidthScale()});
        plot->setLineWidthScale(plot->lineWidthScale() * kLineScale);
    }
    const QList<QDockWidget *> docks = window_->findChildren<QDockWidget *>();
    for (QDockWidget *dock : docks)
        if (editingDocks().contains(dock->objectName()))
            dock->hide();
    QList<QDockWidget *> shown;
    for (const QString &name : presenterDocks())
        for (QDockWidget *dock : docks)
            if (dock->objectName() == name) {
                // A decision boundary panel with nothing to draw (a model not on 2 features)
                // would take the class's screen for a message.
                if (const auto *boundary = dock->findChild<BoundaryPanel *>();
                    boundary && !boundary->projectFits()) {
                    dock->hide();
                    continue;
                }
                dock->show();
                shown.append(dock);
            }
    if (shown.isEmpty())
        return;
    // The presenter docks side by side in the first one's area, large, above the canvas: not
    // tabbed (they would hide each other) nor left in a narrow side area (a tabbed dock cannot
    // be split off, so each is put back into the area beside the first).
    QDockWidget *first = shown.front();
    const Qt::DockWidgetArea area = window_->dockWidgetArea(first);
    QList<QDockWidget *> row{first};
    for (QDockWidget *dock : shown.mid(1)) {
        if (dock->isFloating() || first->isFloating())
            continue;
        if (window_->tabifiedDockWidgets(first).contains(dock) ||
            window_->dockWidgetArea(dock) != area) {
            window_->removeDockWidget(dock);
            window_->addDockWidget(area, dock, Qt::Horizontal);
            dock->show();
        }
        row.append(dock);
    }
    first->raise();
    if (first->isFloating())
        return;
    window_->resizeDocks({first}, {int(window_->height() * kPresenterShare)}, Qt::Vertical);
    if (row.size() > 1) {
        // The curves keep the larger share; the others split the rest.
        QList<int> widths{int(window_->width() * 0.58)};
        for (int i = 1; i < row.size(); ++i)
            widths.append(int(window_->width() * 0.42 / (row.size() - 1)));
        window_->resizeDocks(row, widths, Qt::Horizontal);
    }

}

void PresenterMode::leave()
{
    zoom_->setPresentationScale(1.0);
    for (const auto &[plot, scale] : std::as_const(plots_))
        if (plot)
            plot->setLineWidthScale(scale);
    plots_.clear();
    window_->restoreState(savedState_);
    savedState_.clear();
}

} // namespace strata::ui
