// MainWindow's actions, menus and tool bar.

#include "ui/document.h"
#include "ui/editor/node_scene.h"
#include "ui/editor/node_view.h"
#include "ui/interface_zoom.h"
#include "ui/main_window.h"
#include "ui/presenter_mode.h"
#include "ui/summary_dialog.h"
#include "ui/training/training_dashboard.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QStyle>
#include <QToolBar>
#include <QToolButton>
#include <QUndoView>

namespace strata::ui {

namespace {

QIcon themed(const char *name, QStyle::StandardPixmap fallback)
{
    return QIcon::fromTheme(QString::fromLatin1(name),
                            QApplication::style()->standardIcon(fallback));
}

} // namespace

void MainWindow::createActions()
{
    newAction_ = new QAction(themed("document-new", QStyle::SP_FileIcon), tr("&New"), this);
    newAction_->setShortcut(QKeySequence::New);
    connect(newAction_, &QAction::triggered, this, &MainWindow::newProject);
    openAction_ =
        new QAction(themed("document-open", QStyle::SP_DialogOpenButton), tr("&Open…"), this);
    openAction_->setShortcut(QKeySequence::Open);
    connect(openAction_, &QAction::triggered, this, &MainWindow::open);
    saveAction_ =
        new QAction(themed("document-save", QStyle::SP_DialogSaveButton), tr("&Save"), this);
    saveAction_->setShortcut(QKeySequence::Save);
    connect(saveAction_, &QAction::triggered, this, &MainWindow::save);
    saveAsAction_ = new QAction(tr("Save &As…"), this);
    saveAsAction_->setShortcut(QKeySequence::SaveAs);
    connect(saveAsAction_, &QAction::triggered, this, &MainWindow::saveAs);
    examplesAction_ =
        new QAction(QIcon(QStringLiteral(":/icons/examples.svg")), tr("&Examples…"), this);
    examplesAction_->setToolTip(tr("Open an example project from the gallery"));
    connect(examplesAction_, &QAction::triggered, this, &MainWindow::showExamples);
    exportAction_ = new QAction(tr("&Export…"), this);
    exportAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportAction_->setToolTip(tr("Write the trained model as ONNX, safetensors, PyTorch or Keras"));
    connect(exportAction_, &QAction::triggered, this, &MainWindow::showExport);
    quitAction_ = new QAction(tr("&Quit"), this);
    quitAction_->setShortcut(QKeySequence::Quit);
    quitAction_->setMenuRole(QAction::QuitRole);
    connect(quitAction_, &QAction::triggered, this, &MainWindow::close);

    // Own undo/redo actions (not QUndoStack's) so training's edit lock covers them too.
    QUndoStack *stack = document_->undoStack();
    undoAction_ = new QAction(themed("edit-undo", QStyle::SP_ArrowBack), tr("&Undo"), this);
    undoAction_->setShortcut(QKeySequence::Undo);
    redoAction_ = new QAction(themed("edit-redo", QStyle::SP_ArrowForward), tr("&Redo"), this);
    redoAction_->setShortcuts({QKeySequence::Redo, QKeySequence(Qt::CTRL | Qt::Key_Y)});
    connect(undoAction_, &QAction::triggered, this, [this, stack] {
        if (!document_->isEditingLocked())
            stack->undo();
    });
    connect(redoAction_, &QAction::triggered, this, [this, stack] {
        if (!document_->isEditingLocked())
            stack->redo();
    });
    auto updateUndo = [this, stack] {
        const bool unlocked = !document_->isEditingLocked();
        undoAction_->setEnabled(unlocked && stack->canUndo());
        redoAction_->setEnabled(unlocked && stack->canRedo());
        undoAction_->setText(stack->canUndo() ? tr("&Undo %1").arg(stack->undoText())
                                              : tr("&Undo"));
        redoAction_->setText(stack->canRedo() ? tr("&Redo %1").arg(stack->redoText())
                                              : tr("&Redo"));
        history_->setEnabled(unlocked);
    };
    connect(stack, &QUndoStack::indexChanged, this, updateUndo);
    connect(stack, &QUndoStack::cleanChanged, this, updateUndo);
    connect(document_, &Document::editingLockedChanged, this, updateUndo);
    updateUndo();

    autoLayoutAction_ =
        new QAction(QIcon(QStringLiteral(":/icons/auto_layout.svg")), tr("&Auto-Layout"), this);
    autoLayoutAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    autoLayoutAction_->setToolTip(tr("Arrange the layers top to bottom by depth"));
    connect(autoLayoutAction_, &QAction::triggered, this, [this] {
        if (document_->autoLayout().isEmpty())
            view_->fitToModel();
    });
    summaryAction_ =
        new QAction(QIcon(QStringLiteral(":/icons/summary.svg")), tr("Model &Summary"), this);
    summaryAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    summaryAction_->setToolTip(tr("Layers, shapes, parameters and FLOPs, like Keras' summary()"));
    connect(summaryAction_, &QAction::triggered, this, &MainWindow::showSummary);

    const NodeView::Actions &v = view_->actions();
    v.zoomIn->setIcon(QIcon(QStringLiteral(":/icons/zoom_in.svg")));
    v.zoomOut->setIcon(QIcon(QStringLiteral(":/icons/zoom_out.svg")));
    v.fit->setIcon(QIcon(QStringLiteral(":/icons/fit.svg")));

    // Ctrl++, Ctrl+- and Ctrl+0 size the whole studio's text, as in a browser; the canvas
    // zooms with the wheel or with Alt added.
    zoom_ = new InterfaceZoom(this);
    textZoomInAction_ = new QAction(tr("&Zoom In"), this);
    textZoomInAction_->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    connect(textZoomInAction_, &QAction::triggered, zoom_, &InterfaceZoom::zoomIn);
    textZoomOutAction_ = new QAction(tr("Zoom &Out"), this);
    textZoomOutAction_->setShortcuts(
        {QKeySequence::ZoomOut, QKeySequence(Qt::CTRL | Qt::Key_Minus)});
    connect(textZoomOutAction_, &QAction::triggered, zoom_, &InterfaceZoom::zoomOut);
    textZoomResetAction_ = new QAction(tr("&Reset Zoom"), this);
    textZoomResetAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    connect(textZoomResetAction_, &QAction::triggered, zoom_, &InterfaceZoom::reset);
    for (QAction *a : {textZoomInAction_, textZoomOutAction_, textZoomResetAction_})
        a->setToolTip(tr("Text size of the whole studio, remembered"));
    // The canvas' fixed-size items grow with the text.
    connect(zoom_, &InterfaceZoom::changed, this, [this](double factor, double previous) {
        view_->setZoom(view_->zoom() * factor / previous);
    });
    presenter_ = new PresenterMode(this, zoom_);
    v.zoomIn->setText(tr("Zoom &Canvas In"));
    v.zoomIn->setShortcuts({QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_Equal),
                            QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_Plus)});
    v.zoomOut->setText(tr("Zoom Canvas O&ut"));
    v.zoomOut->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_Minus));
    v.fit->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_0));
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(newAction_);
    file->addAction(openAction_);
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    file->addAction(examplesAction_);
    file->addSeparator();
    file->addAction(saveAction_);
    file->addAction(saveAsAction_);
    file->addSeparator();
    file->addAction(exportAction_);
    file->addSeparator();
    file->addAction(quitAction_);

    const NodeView::Actions &v = view_->actions();
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(undoAction_);
    edit->addAction(redoAction_);
    edit->addSeparator();
    edit->addAction(v.cut);
    edit->addAction(v.copy);
    edit->addAction(v.paste);
    edit->addAction(v.duplicate);
    edit->addAction(v.remove);
    edit->addSeparator();
    edit->addAction(v.selectAll);

    viewMenu_ = menuBar()->addMenu(tr("&View"));
    viewMenu_->addAction(textZoomInAction_);
    viewMenu_->addAction(textZoomOutAction_);
    viewMenu_->addAction(textZoomResetAction_);
    viewMenu_->addAction(presenter_->action());
    viewMenu_->addSeparator();
    viewMenu_->addAction(v.zoomIn);
    viewMenu_->addAction(v.zoomOut);
    viewMenu_->addAction(v.fit);
    viewMenu_->addAction(autoLayoutAction_);
    // A long model on a wide screen: columns instead of rows, wrapped at the canvas' width.
    QAction *leftToRight = viewMenu_->addAction(tr("Auto-Layout &Left to Right"), this, [this] {
        if (document_->autoLayout(LayoutDirection::LeftToRight, view_->columnsThatFit()).isEmpty())
            view_->fitToModel();
    });
    leftToRight->setObjectName(QStringLiteral("autoLayoutLeftToRightAction"));
    leftToRight->setToolTip(tr("Arrange the layers left to right by depth, in bands as wide as "
                               "the canvas"));
    viewMenu_->addSeparator();
    viewMenu_->addAction(summaryAction_);
    viewMenu_->addSeparator();
    for (QDockWidget *dock : {paletteDock_, inspectorDock_, problemsDock_, historyDock_,
                              lessonDock_, trainingDock_, datasetDock_})
        if (dock)
            viewMenu_->addAction(dock->toggleViewAction());

    trainingMenu_ = menuBar()->addMenu(tr("&Training")); // filled by addTrainingActions()

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Strata"), this, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::addTrainingActions(TrainingDashboard *dashboard)
{
    trainingMenu_->clear();
    const TrainingControls *controls = dashboard->controls();
    trainingMenu_->addAction(controls->trainAction());
    trainingMenu_->addAction(controls->pauseResumeAction());
    trainingMenu_->addAction(controls->stopAction());
    trainingMenu_->addSeparator();
    trainingMenu_->addAction(controls->stepBatchAction());
    trainingMenu_->addAction(controls->stepEpochAction());
}

void MainWindow::createToolBar()
{
    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setIconSize(QSize(20, 20));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(newAction_);
    bar->addAction(openAction_);
    bar->addAction(saveAction_);
    bar->addAction(examplesAction_);
    bar->addSeparator();
    bar->addAction(undoAction_);
    bar->addAction(redoAction_);
    bar->addSeparator();
    const NodeView::Actions &v = view_->actions();
    bar->addAction(autoLayoutAction_);
    bar->addAction(v.fit);
    bar->addAction(v.zoomIn);
    bar->addAction(v.zoomOut);
    bar->addAction(summaryAction_);
    bar->addSeparator();
    bar->addAction(presenter_->action());
    // Undo/redo texts grow with the command name; keep the buttons icon-only there.
    for (QAction *a : {undoAction_, redoAction_, v.zoomIn, v.zoomOut})
        if (auto *button = bar->widgetForAction(a))
            if (auto *tool = qobject_cast<QToolButton *>(button))
                tool->setToolButtonStyle(Qt::ToolButtonIconOnly);
}

void MainWindow::showSummary()
{
    if (!summary_)
        summary_ = new SummaryDialog(document_, this);
    summary_->show();
    summary_->raise();
    summary_->activateWindow();
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About Strata"),
        tr("<h3>Strata %1</h3><p>Build neural networks by drag and drop, train them on the CPU "
           "(oneDNN) or a GPU, and watch them learn.</p><p>License: GPL-3.0-or-later. Uses Qt, "
           "QCustomPlot, oneDNN and nlohmann/json.</p>")
            .arg(QApplication::applicationVersion().isEmpty()
                     ? QStringLiteral("0.1")
                     : QApplication::applicationVersion()));
}

} // namespace strata::ui
