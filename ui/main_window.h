#pragma once
// The studio's main window: the layer palette (left), the node editor (centre), the inspector
// (right), the problems list, the undo history, and docks for the training dashboard and the
// dataset preview. It owns the Document and the TrainingSession; every panel observes them
// and no panel calls another.

#include "ui/recovery/recovery_store.h"

#include <QMainWindow>
#include <QPointer>

#include <memory>
#include <optional>
#include <vector>

class QAction;
class QDockWidget;
class QTextBrowser;
class QLabel;
class QListWidget;
class QMenu;
class QUndoView;

namespace strata::ui {

class Autosave;
class BoundaryPanel;
class InferencePanel;
class WeightsPanel;
class ProfilerPanel;
class MistakesGallery;
class RunsPanel;
class DatasetPreview;
class Document;
class InterfaceZoom;
class Inspector;
class LayerPalette;
class PresenterMode;
class NodeScene;
class NodeView;
class ProblemsPanel;
class RecoveryDialog;
class SummaryDialog;
class TrainingDashboard;
class TrainingSession;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    Document *document() const { return document_; }
    NodeScene *scene() const { return scene_; }
    NodeView *view() const { return view_; }
    Inspector *inspector() const { return inspector_; }
    LayerPalette *palette() const { return palette_; }
    ProblemsPanel *problems() const { return problems_; }
    // The training runs of this window; the dashboard (and any panel that shows training)
    // listens to it.
    TrainingSession *session() const { return session_; }
    // The studio's text size (View > Zoom In / Out / Reset).
    InterfaceZoom *interfaceZoom() const { return zoom_; }
    // View > Presenter Mode (F11): large text and curves, editing docks hidden, editing locked.
    PresenterMode *presenterMode() const { return presenter_; }

    // Opens a project. On failure the engine's message is shown in a message box, the
    // current project stays open, and false is returned.
    bool openFile(const QString &path);
    // Saves atomically to path; on failure shows why and returns false. An untitled
    // project's relative dataset paths (read from the examples' folder) are resolved first
    // when path is in another folder.
    bool saveTo(const QString &path);
    void newProject();
    // Opens an example as an untitled copy: the file in projects/ is never written, and the
    // first Save asks where to keep the copy.
    bool openExample(const QString &path);

    // --- Autosave and recovery (main_window_recovery.cpp)
    // What to do with unsaved work that studios which ended without closing left behind.
    enum class RecoveryChoice {
        Ask,     // the recovery dialog (Recover / Discard / Decide Later)
        Recover, // recover the newest without asking; keep any others for the next start
        Later,   // keep it all for the next start
    };
    // Looks for unsaved work that crashed or killed studios left (RecoveryStore) and offers
    // it. Unreadable recovery files are moved aside and reported (in the dialog; with Recover
    // or Later, in a message box). Returns how many pieces of readable work were found.
    int offerRecovery(RecoveryChoice choice = RecoveryChoice::Ask);
    // Opens claimed work as a modified document ("recovered, not saved" in the title): Save
    // writes it to its project file, or asks where for an untitled one. The work is
    // autosaved again at once; its old recovery file goes when that or a save succeeded.
    bool recover(PendingRecovery pending);
    // The open recovery dialog, if any.
    RecoveryDialog *recoveryDialog() const;
    Autosave *autosave() const { return autosave_; }
    // The autosave time of the recovered work shown, or "" when the document is not
    // recovered work (or has been saved since).
    QString recoveredAt() const { return recoveredAt_; }

    // Puts the training dashboard / dataset preview in their docks (replacing any earlier).
    void setTrainingPanel(QWidget *panel);
    void setDatasetPreview(QWidget *panel);
    QDockWidget *trainingDock() const { return trainingDock_; }
    QWidget *trainingPanel() const { return trainingPanel_; }
    QDockWidget *datasetDock() const { return datasetDock_; }
    // A lesson's guide (its Markdown text), beside the canvas while the lesson's copy is open;
    // hidden for any other project.
    QDockWidget *lessonDock() const { return lessonDock_; }
    // The decision boundary and neuron maps of a model on 2 input features, tabbed with the
    // inspector (which training locks anyway).
    QDockWidget *boundaryDock() const { return boundaryDock_; }
    BoundaryPanel *boundaryPanel() const { return boundaryPanel_; }
    // The project's kept runs, tabbed with the inspector.
    QDockWidget *runsDock() const { return runsDock_; }
    RunsPanel *runsPanel() const { return runsPanel_; }
    // Ask the model about one picture (a file, or a drawing), tabbed with the inspector.
    QDockWidget *inferenceDock() const { return inferenceDock_; }
    InferencePanel *inferencePanel() const { return inferencePanel_; }
    // The validation samples the model gets wrong, tabbed with the training dashboard.
    QDockWidget *mistakesDock() const { return mistakesDock_; }
    MistakesGallery *mistakesGallery() const { return mistakesGallery_; }
    QDockWidget *weightsDock() const { return weightsDock_; }
    WeightsPanel *weightsPanel() const { return weightsPanel_; }
    QDockWidget *profilerDock() const { return profilerDock_; }
    ProfilerPanel *profilerPanel() const { return profilerPanel_; }
    // Shows and raises the dock whose title or object name is `name` (e.g. "Decision
    // boundary", "boundaryDock"); false when there is none.
    bool showDock(const QString &name);
    QTextBrowser *lessonView() const { return lessonView_; }
    // The panels in those docks when they are the studio's own (not replaced), else nullptr.
    TrainingDashboard *dashboard() const;
    DatasetPreview *datasetPreview() const;

    // The folder of the example projects: $STRATA_EXAMPLES_DIR, a "projects" folder next to
    // the executable or in ../share/strata, else the source tree's.
    static QString examplesDir();
    QStringList recentFiles() const;
    // The final weights of the last run (in its folder of the run store), or "" before any
    // run ended.
    QString lastRunWeights() const;

public slots:
    bool save();
    bool saveAs();
    void open();
    void showExamples();
    // File → Export…: the export dialog, with the last run's weights when there are some.
    void showExport();
    void showSummary();
    void showAbout();

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void createDocks();
    void createActions();
    void createMenus();
    void createToolBar();
    // The training dashboard and dataset preview from ui/training and ui/dataset.
    void createTrainingPanels();
    void createBoundaryDock();
    void createRunsDock();      // main_window_runs.cpp
    void createInferenceDock(); // main_window_inference.cpp
    void createProfilerDock();  // main_window_profiler.cpp
    void updateRunStore();      // the session's and the Runs panel's store for the project
    void showExportOf(const strata::Project &project, const QString &weights);
    // The training dock's height at first start (no saved layout).
    int firstTrainingDockHeight() const;
    // The dashboard's Train / Pause / Resume / Stop in the Training menu.
    void addTrainingActions(TrainingDashboard *dashboard);
    void updateTitle();
    void updateStatusSummary();
    void updateLockNotice();
    // Locks editing while a run is going on or presenter mode is on, and says which.
    void updateEditingLock();
    void addRecentFile(const QString &path);
    void rebuildRecentMenu();
    void refreshDatasetPreview();
    // Asks Save / Discard / Cancel when there are unsaved changes; true to go on.
    bool maybeSave();
    // Another project may replace this one: no run is going on (else says why) and unsaved
    // changes were saved or discarded.
    bool canReplaceProject();
    bool refuseWhileTraining();
    void forgetRecoveredSource();
    void showError(const QString &title, const QString &text);
    // Shows the guide at guidePath beside the canvas, or hides the lesson dock ("").
    void showLesson(const QString &guidePath);
    QDockWidget *addDock(const QString &title, const QString &objectName, QWidget *content,
                         Qt::DockWidgetArea area);

    Document *document_;
    NodeScene *scene_;
    NodeView *view_;
    LayerPalette *palette_ = nullptr;
    Inspector *inspector_ = nullptr;
    ProblemsPanel *problems_ = nullptr;
    QUndoView *history_ = nullptr;
    InterfaceZoom *zoom_ = nullptr;
    PresenterMode *presenter_ = nullptr;
    QMenu *trainingMenu_ = nullptr;
    QLabel *lockNotice_ = nullptr;
    QLabel *statusSummary_ = nullptr;
    QDockWidget *paletteDock_ = nullptr;
    QDockWidget *inspectorDock_ = nullptr;
    QDockWidget *problemsDock_ = nullptr;
    QDockWidget *historyDock_ = nullptr;
    QDockWidget *trainingDock_ = nullptr;
    QDockWidget *datasetDock_ = nullptr;
    QDockWidget *lessonDock_ = nullptr;
    QDockWidget *boundaryDock_ = nullptr;
    BoundaryPanel *boundaryPanel_ = nullptr;
    QTextBrowser *lessonView_ = nullptr;
    QPointer<SummaryDialog> summary_;
    TrainingSession *session_ = nullptr;
    QPointer<QWidget> trainingPanel_;
    // Where training runs write their weights (and checkpoints), for Export; removed on exit.
    QDockWidget *runsDock_ = nullptr;
    QDockWidget *inferenceDock_ = nullptr;
    InferencePanel *inferencePanel_ = nullptr;
    QDockWidget *mistakesDock_ = nullptr;
    MistakesGallery *mistakesGallery_ = nullptr;
    QDockWidget *weightsDock_ = nullptr;
    WeightsPanel *weightsPanel_ = nullptr;
    QDockWidget *profilerDock_ = nullptr;
    ProfilerPanel *profilerPanel_ = nullptr;
    RunsPanel *runsPanel_ = nullptr;
    Autosave *autosave_ = nullptr;
    QPointer<RecoveryDialog> recoveryDialog_;
    std::vector<PendingRecovery> pendingRecovery_; // claimed, shown in the dialog
    // The recovery file the shown work came from, kept until its state is autosaved again or
    // saved.
    std::optional<PendingRecovery> recoveredSource_;
    QString recoveredAt_;
    QMenu *recentMenu_ = nullptr;
    QMenu *viewMenu_ = nullptr;
    bool restoredState_ = false; // the user's dock layout came back from QSettings
    bool shownOnce_ = false;

    QAction *newAction_ = nullptr;
    QAction *openAction_ = nullptr;
    QAction *saveAction_ = nullptr;
    QAction *saveAsAction_ = nullptr;
    QAction *examplesAction_ = nullptr;
    QAction *exportAction_ = nullptr;
    QAction *quitAction_ = nullptr;
    QAction *undoAction_ = nullptr;
    QAction *redoAction_ = nullptr;
    QAction *autoLayoutAction_ = nullptr;
    QAction *summaryAction_ = nullptr;
    QAction *textZoomInAction_ = nullptr;
    QAction *textZoomOutAction_ = nullptr;
    QAction *textZoomResetAction_ = nullptr;
};

} // namespace strata::ui
