#include "ui/main_window.h"

#include "ui/dataset/dataset_preview.h"
#include "ui/document.h"
#include "ui/editor/node_scene.h"
#include "ui/editor/node_view.h"
#include "ui/inspector/inspector.h"
#include "ui/palette/layer_palette.h"
#include "ui/presenter_mode.h"
#include "ui/problems_panel.h"
#include "ui/recovery/autosave.h"
#include "ui/session/training_session.h"
#include "ui/studio_settings.h"
#include "ui/summary_dialog.h"
#include "ui/training/training_controls.h"
#include "ui/training/training_dashboard.h"

#include <strata/summary.h>

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QShowEvent>
#include <QStatusBar>
#include <QTextBrowser>
#include <QTimer>
#include <QUndoView>
#include <QVBoxLayout>

#include <algorithm>

// The icons live in the static strata_ui library, whose resources must be registered
// explicitly (the linker would drop them otherwise); Q_INIT_RESOURCE cannot sit in a namespace.
static void initStrataResources()
{
    Q_INIT_RESOURCE(strata);
}

namespace strata::ui {

namespace {

constexpr int kStateVersion = 2; // bump when the dock set or arrangement changes

// The dashboard is tall; in a scroll area its dock can be made short, leaving the canvas room
// while the model is built, and grown when training is watched.
QWidget *scrollable(QWidget *panel)
{
    auto *area = new QScrollArea;
    area->setObjectName(QStringLiteral("trainingScroll"));
    area->setWidget(panel);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    return area;
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), document_(new Document(this)), scene_(new NodeScene(document_, this))
{
    initStrataResources();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/strata.svg")));
    setDockOptions(AnimatedDocks | AllowTabbedDocks | AllowNestedDocks);
    // The palette runs the full height; the training dock spans the canvas and the inspector,
    // wide enough on a laptop screen to lay every panel out in one row.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::BottomDockWidgetArea);

    // Centre: the canvas under a notice shown while training locks editing.
    auto *centre = new QWidget(this);
    auto *centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    centreLayout->setSpacing(0);
    lockNotice_ = new QLabel(centre);
    lockNotice_->setObjectName(QStringLiteral("lockNotice"));
    lockNotice_->setAlignment(Qt::AlignCenter);
    lockNotice_->setStyleSheet(QStringLiteral(
        "background: #fff4d6; color: #6b4e00; padding: 5px; border-bottom: 1px solid #e8d49a;"));
    lockNotice_->hide();
    view_ = new NodeView(scene_, centre);
    centreLayout->addWidget(lockNotice_);
    centreLayout->addWidget(view_);
    setCentralWidget(centre);

    statusSummary_ = new QLabel(this);
    statusBar()->addPermanentWidget(statusSummary_);

    createDocks();
    createActions();
    createMenus();
    createToolBar();
    createTrainingPanels();

    connect(scene_, &NodeScene::selectionChanged, this,
            [this] { inspector_->showNodes(scene_->selectedNodeIds()); });
    connect(scene_, &NodeScene::editRefused, this,
            [this](const QString &why) { statusBar()->showMessage(why, 8000); });
    connect(scene_, &NodeScene::statusMessage, this,
            [this](const QString &text) { statusBar()->showMessage(text, 4000); });
    connect(palette_, &LayerPalette::layerActivated, view_, &NodeView::addLayerAtCentre);
    connect(problems_, &ProblemsPanel::nodeActivated, this, [this](const QString &id) {
        scene_->selectNodes({id});
        view_->centreOnNode(id);
    });
    connect(document_, &Document::modifiedChanged, this, &MainWindow::updateTitle);
    connect(document_, &Document::filePathChanged, this, &MainWindow::updateTitle);
    connect(document_, &Document::settingsChanged, this, &MainWindow::updateTitle);
    connect(document_, &Document::problemsChanged, this, &MainWindow::updateStatusSummary);
    connect(problems_, &ProblemsPanel::fixRefused, this,
            [this](const QString &why) { statusBar()->showMessage(why, 8000); });
    connect(document_, &Document::editingLockedChanged, this, &MainWindow::updateLockNotice);
    connect(document_, &Document::projectReset, this, [this] {
        // Another project: the last run's weights belong to the one that was open.
        if (const QString weights = lastRunWeights(); !weights.isEmpty())
            QFile::remove(weights);
        // ... and so do its curves, messages and trained network.
        session_->clear();
        inspector_->showNodes({});
        view_->frameModel();
        refreshDatasetPreview();
    });
    connect(document_, &Document::settingsChanged, this, &MainWindow::refreshDatasetPreview);

    // Unsaved work is autosaved to this studio's recovery file (never over the project file).
    autosave_ = new Autosave(document_, RecoveryStore::defaultRoot(), this);
    connect(autosave_, &Autosave::failed, this,
            [this](const QString &why) { statusBar()->showMessage(why, 15000); });
    // Once recovered work is autosaved again (or saved), its old recovery file is stale.
    connect(autosave_, &Autosave::autosaved, this, &MainWindow::forgetRecoveredSource);
    connect(document_, &Document::modifiedChanged, this, [this](bool modified) {
        if (modified)
            return;
        forgetRecoveredSource();
        if (!recoveredAt_.isEmpty()) {
            recoveredAt_.clear();
            updateTitle();
        }
    });

    // Room for palette, canvas, inspector and the side-by-side plots; bounded by real screens
    // (a headless one is tiny and does not count).
    QSize wanted(1600, 1000);
    if (const QScreen *screen = QGuiApplication::primaryScreen()) {
        const QSize available = screen->availableGeometry().size();
        if (available.width() >= 1000 && available.height() >= 700)
            wanted = wanted.boundedTo(available * 0.95);
    }
    resize(wanted);
    QSettings s = studioSettings();
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoredState_ =
        restoreState(s.value(QStringLiteral("window/state")).toByteArray(), kStateVersion);
    lessonDock_->hide(); // a lesson's guide shows with its lesson, not with the saved layout
    rebuildRecentMenu();
    updateTitle();
    updateStatusSummary();
}

MainWindow::~MainWindow()
{
    // The scene observes the document and the window observes the scene: the scene goes
    // first, quietly, while the document it reads still exists.
    disconnect(scene_, nullptr, this, nullptr);
    delete scene_;
    // Before the document: its undo stack, cleared as it goes, reports "nothing unsaved", and
    // the recovery file of work nobody discarded must stay for the next start.
    delete autosave_;
    autosave_ = nullptr;
    // A running trainer stops and writes its last checkpoint into its run's folder.
    delete session_;
    session_ = nullptr;
    // The document is a child and goes after this destructor: its undo stack, cleared then,
    // must not call back into the half-destroyed window.
    disconnect(document_, nullptr, this, nullptr);
    disconnect(document_->undoStack(), nullptr, this, nullptr);
}

QDockWidget *MainWindow::addDock(const QString &title, const QString &objectName, QWidget *content,
                                 Qt::DockWidgetArea area)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(objectName); // saveState() needs it
    dock->setWidget(content);
    addDockWidget(area, dock);
    return dock;
}

void MainWindow::createDocks()
{
    palette_ = new LayerPalette(this);
    paletteDock_ =
        addDock(tr("Layers"), QStringLiteral("paletteDock"), palette_, Qt::LeftDockWidgetArea);
    problems_ = new ProblemsPanel(document_, this);
    problemsDock_ =
        addDock(tr("Problems"), QStringLiteral("problemsDock"), problems_, Qt::LeftDockWidgetArea);
    inspector_ = new Inspector(document_, this);
    inspectorDock_ = addDock(tr("Inspector"), QStringLiteral("inspectorDock"), inspector_,
                             Qt::RightDockWidgetArea);
    history_ = new QUndoView(document_->undoStack(), this);
    history_->setEmptyLabel(tr("<opened>"));
    historyDock_ =
        addDock(tr("History"), QStringLiteral("historyDock"), history_, Qt::RightDockWidgetArea);
    tabifyDockWidget(inspectorDock_, historyDock_);
    lessonView_ = new QTextBrowser(this);
    lessonView_->setObjectName(QStringLiteral("lessonView"));
    lessonView_->setOpenExternalLinks(false);
    lessonDock_ =
        addDock(tr("Lesson"), QStringLiteral("lessonDock"), lessonView_, Qt::RightDockWidgetArea);
    tabifyDockWidget(inspectorDock_, lessonDock_);
    lessonDock_->hide(); // until a lesson opens
    inspectorDock_->raise();
}

void MainWindow::showLesson(const QString &guidePath)
{
    if (guidePath.isEmpty()) {
        lessonView_->clear();
        lessonDock_->hide();
        return;
    }
    QFile file(guidePath);
    if (!file.open(QIODevice::ReadOnly)) {
        lessonView_->setPlainText(
            tr("The lesson's text %1 cannot be read (%2).")
                .arg(QDir::toNativeSeparators(guidePath), file.errorString()));
    } else {
        lessonView_->setMarkdown(QString::fromUtf8(file.read(256 * 1024)));
    }
    lessonDock_->show();
    lessonDock_->raise();
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    if (shownOnce_)
        return;
    shownOnce_ = true;
    if (restoredState_)
        return;
    // First start: the canvas gets most of the room; docks only take what they need.
    // On a laptop screen (1366 px) the side docks give up some width, leaving the canvas and
    // the dashboard under it room for two plots side by side.
    const int paletteWidth = std::clamp(width() * 16 / 100, 180, 250);
    const int inspectorWidth = std::clamp(width() * 25 / 100, 300, 410);
    resizeDocks({paletteDock_, inspectorDock_}, {paletteWidth, inspectorWidth}, Qt::Horizontal);
    resizeDocks({paletteDock_, problemsDock_}, {height() * 7 / 10, height() * 3 / 10},
                Qt::Vertical);
    if (trainingDock_)
        resizeDocks({trainingDock_}, {firstTrainingDockHeight()}, Qt::Vertical);
    view_->frameModel();
}

int MainWindow::firstTrainingDockHeight() const
{
    // The dashboard's every panel at its readable minimum (dock title and tabs included) when
    // the canvas keeps kCanvasFloor pixels of the height under the tool bar; on a shorter
    // window (a large QT_SCALE_FACTOR, a big text zoom) the canvas keeps that and the
    // dashboard scrolls.
    constexpr int kCanvasFloor = 200;
    constexpr int kTabBar = 40; // the Training / Dataset tabs under the dock, and separators
    const int shared = centralWidget()->height() + trainingDock_->height();
    const int chrome = trainingDock_->height() - trainingDock_->widget()->height() + 44;
    const int wanted =
        trainingPanel_ ? trainingPanel_->minimumSizeHint().height() + chrome : shared * 4 / 10;
    const int canvas = kCanvasFloor + kTabBar;
    return std::clamp(wanted, shared * 3 / 10, std::max(shared - canvas, shared * 3 / 10));
}

void MainWindow::createTrainingPanels()
{
    session_ = new TrainingSession(this);
    // The graph must not change under a running trainer.
    connect(session_, &TrainingSession::trainingStarted, this, &MainWindow::updateEditingLock);
    connect(session_, &TrainingSession::finished, this, &MainWindow::updateEditingLock);
    connect(session_, &TrainingSession::paused, this, &MainWindow::updateEditingLock);
    connect(session_, &TrainingSession::resumed, this, &MainWindow::updateEditingLock);
    connect(session_, &TrainingSession::stepStarted, this, &MainWindow::updateEditingLock);
    connect(presenter_, &PresenterMode::activeChanged, this, &MainWindow::updateEditingLock);

    auto *dashboard = new TrainingDashboard(session_, this);
    dashboard->setProjectSource([this] {
        const QString path = document_->filePath();
        // As the dataset preview: an untitled project (an example's copy) reads from the
        // examples folder.
        const QString base =
            path.isEmpty() ? examplesDir() : QString::fromStdString(projectBaseDir(toStd(path)));
        return std::make_pair(document_->project(), base);
    });
    connect(dashboard, &TrainingDashboard::statusMessage, this,
            [this](const QString &text) { statusBar()->showMessage(text, 8000); });
    // Train waits until the Problems panel is empty, and says why meanwhile.
    auto blockTrain = [this, dashboard] {
        dashboard->controls()->setTrainBlocked(whyTrainIsBlocked(*document_));
    };
    connect(document_, &Document::problemsChanged, dashboard, blockTrain);
    blockTrain();
    setTrainingPanel(dashboard);
    addTrainingActions(dashboard);
    setDatasetPreview(new DatasetPreview(this));
    createBoundaryDock();
    createRunsDock();
    createInferenceDock();
    createProfilerDock();
}

bool MainWindow::showDock(const QString &name)
{
    for (QDockWidget *dock : findChildren<QDockWidget *>()) {
        if (dock->objectName() != name &&
            dock->windowTitle().compare(name, Qt::CaseInsensitive) != 0)
            continue;
        dock->show();
        dock->raise();
        return true;
    }
    return false;
}

void MainWindow::setTrainingPanel(QWidget *panel)
{
    trainingPanel_ = panel;
    if (!trainingDock_) {
        trainingDock_ = addDock(tr("Training"), QStringLiteral("trainingDock"), scrollable(panel),
                                Qt::BottomDockWidgetArea);
        if (viewMenu_)
            viewMenu_->addAction(trainingDock_->toggleViewAction());
        return;
    }
    delete trainingDock_->widget();
    trainingDock_->setWidget(scrollable(panel));
}

void MainWindow::setDatasetPreview(QWidget *panel)
{
    if (!datasetDock_) {
        datasetDock_ =
            addDock(tr("Dataset"), QStringLiteral("datasetDock"), panel, Qt::BottomDockWidgetArea);
        if (trainingDock_) {
            tabifyDockWidget(trainingDock_, datasetDock_);
            trainingDock_->raise();
        }
        // Loading a dataset costs time: only while the preview can be seen. Queued, so the
        // dock has finished showing when the preview asks whether it is visible.
        connect(datasetDock_, &QDockWidget::visibilityChanged, this, [this](bool visible) {
            if (visible)
                QTimer::singleShot(0, this, &MainWindow::refreshDatasetPreview);
        });
        if (viewMenu_)
            viewMenu_->addAction(datasetDock_->toggleViewAction());
    } else {
        delete datasetDock_->widget();
        datasetDock_->setWidget(panel);
    }
    refreshDatasetPreview();
}

void MainWindow::refreshDatasetPreview()
{
    // Loading a dataset costs time and memory: only while the preview can be seen. The
    // preview itself skips a reload when the dataset spec did not change (training edits).
    DatasetPreview *preview = datasetPreview();
    // A dock tabbed behind another stays "visible" but has nothing on screen.
    if (!preview || !preview->isVisible() || preview->visibleRegion().isEmpty())
        return;
    const QString path = document_->filePath();
    const QString base =
        path.isEmpty() ? examplesDir() : QString::fromStdString(projectBaseDir(toStd(path)));
    preview->setValidationSplit(document_->project().training.validationSplit);
    preview->showDataset(document_->project().dataset, base);
}

TrainingDashboard *MainWindow::dashboard() const
{
    return qobject_cast<TrainingDashboard *>(trainingPanel_.data());
}

DatasetPreview *MainWindow::datasetPreview() const
{
    return datasetDock_ ? qobject_cast<DatasetPreview *>(datasetDock_->widget()) : nullptr;
}

QString MainWindow::examplesDir()
{
    const QString fromEnv = qEnvironmentVariable("STRATA_EXAMPLES_DIR");
    const QString app = QCoreApplication::applicationDirPath();
    for (const QString &dir : {fromEnv, app + QStringLiteral("/projects"),
                               app + QStringLiteral("/../share/strata/projects")})
        if (!dir.isEmpty() && QFileInfo(dir).isDir())
            return QDir(dir).absolutePath();
#ifdef STRATA_EXAMPLES_DIR
    return QStringLiteral(STRATA_EXAMPLES_DIR);
#else
    return app + QStringLiteral("/projects");
#endif
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    // Saved, or the changes discarded: nothing is left to recover.
    autosave_->finish();
    forgetRecoveredSource();
    // The layout remembered is the user's, never presenter mode's.
    presenter_->setActive(false);
    QSettings s = studioSettings();
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState(kStateVersion));
    event->accept();
}

// --- State shown in the frame ------------------------------------------------------------

void MainWindow::updateTitle()
{
    const QString file = document_->filePath().isEmpty()
                             ? tr("not saved")
                             : QFileInfo(document_->filePath()).fileName();
    // Recovered work is not in its file yet (an untitled one says "not saved" already).
    QString recovered;
    if (!recoveredAt_.isEmpty())
        recovered =
            QStringLiteral(" ") +
            (document_->filePath().isEmpty() ? tr("(recovered)") : tr("(recovered, not saved)"));
    setWindowTitle(QStringLiteral("%1 — %2%3%4 — Strata")
                       .arg(document_->projectName(), file, recovered,
                            document_->isModified() ? QStringLiteral("*") : QString()));
}

void MainWindow::updateStatusSummary()
{
    const GraphAnalysis &a = document_->analysis();
    const int problems = int(document_->problems().size());
    QString text = tr("%n layer(s)", nullptr, int(document_->graph().nodes().size()));
    text += QStringLiteral(" · ") +
            tr("%1 params").arg(QString::fromStdString(groupThousands(a.totalParams)));
    text += QStringLiteral(" · ") +
            tr("%1 FLOPs").arg(QString::fromStdString(humanCount(double(a.totalFlops))));
    if (problems > 0)
        text += QStringLiteral(" · <span style='color:#d32f2f'><b>%1</b></span>")
                    .arg(tr("%n problem(s)", nullptr, problems));
    statusSummary_->setText(text);
    problemsDock_->setWindowTitle(problems ? tr("Problems (%1)").arg(problems) : tr("Problems"));
}

void MainWindow::updateEditingLock()
{
    const bool training = session_ && session_->isTraining();
    if (presenter_->isActive())
        document_->setEditingLocked(
            true, tr("Presenter mode: editing is locked; leave it "
                     "(View > Presenter Mode, %1) to edit the model")
                      .arg(presenter_->action()->shortcut().toString(QKeySequence::NativeText)));
    else if (training && session_->isPaused())
        document_->setEditingLocked(true, tr("Training is paused: stop it to edit the model"));
    else if (training)
        document_->setEditingLocked(true, tr("Training is running: stop it to edit the model"));
    else
        document_->setEditingLocked(false);
}

void MainWindow::updateLockNotice()
{
    const bool locked = document_->isEditingLocked();
    lockNotice_->setText(document_->lockReason());
    lockNotice_->setVisible(locked);
    palette_->setEnabled(!locked);
    inspector_->setEnabled(!locked);
    undoAction_->setEnabled(!locked && document_->undoStack()->canUndo());
    redoAction_->setEnabled(!locked && document_->undoStack()->canRedo());
}

} // namespace strata::ui
