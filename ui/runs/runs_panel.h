#pragma once
// The Runs panel: the project's kept runs (strata/run_store.h) in a table with their status,
// epochs, best validation figures, duration, tags and note. Ticking runs overlays their loss
// and accuracy curves on the dashboard's plots beside the live run (comparedRunsChanged); two
// selected runs show what changed between them; a run can be renamed, tagged, annotated,
// deleted (confirmed), resumed from its last checkpoint, opened as the model it trained, or
// exported with its own weights. It listens to the TrainingSession: a new run appears as it
// starts and its row follows it while it trains.

#include "strata/project.h"
#include "strata/run_store.h"
#include "widgets/metric_plot.h"

#include <QPointer>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <functional>
#include <optional>
#include <vector>

class QAction;
class QLabel;
class QPushButton;
class QTableWidget;
class QTextBrowser;

namespace strata::ui {

class TrainingSession;

class RunsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit RunsPanel(TrainingSession *session, QWidget *parent = nullptr);

    // Small: tabbed with the inspector, it must not widen the dock area over the canvas.
    QSize sizeHint() const override { return {220, 320}; }

    // The store whose runs it shows (the session's store for the open project).
    void setStore(const QString &folder);
    QString store() const { return store_; }
    // Reads the store again (now; a run's start and end read it when the panel can be seen, or
    // when it is shown next).
    void refresh();
    bool isStale() const { return stale_; }
    // The open project: a run whose model differs from it says so in its status.
    void setCurrentProject(const strata::Project &project);

    const std::vector<strata::RunInfo> &runs() const { return runs_; }
    QTableWidget *table() const { return table_; }
    // The runs ticked for comparison, by id, in table order.
    QStringList comparedRuns() const;
    void setCompared(const QString &runId, bool compared);
    // Selects the rows of these runs (the diff shows when there are two).
    void selectRuns(const QStringList &runIds);
    // What changed between the two selected runs, one line each; empty otherwise.
    QStringList diffLines() const { return diffLines_; }

    // The actions, on the selected run (the first selected one), as the buttons do.
    bool renameSelected(const QString &name);
    bool setTagsOfSelected(const QStringList &tags);
    bool setNoteOfSelected(const QString &note);
    bool deleteSelected(bool confirm = true);
    bool resumeSelected();
    void openSelectedModel();
    void exportSelected();

    // The colour a compared run is drawn in: by its number, so it keeps it across refreshes.
    static QColor runColor(const QString &runId);

signals:
    // The curves of the ticked runs (the running one left out: the dashboard shows it live).
    void comparedRunsChanged(const std::vector<strata::widgets::RunCurve> &loss,
                             const std::vector<strata::widgets::RunCurve> &accuracy);
    // Open model: the project as the run trained it, with the folder its paths start from.
    void openModelRequested(const strata::Project &project, const QString &baseDir,
                            const QString &runName);
    // Export: the run's project and its weights file.
    void exportRequested(const strata::Project &project, const QString &weights);
    void statusMessage(const QString &text);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void refreshWhenSeen();
    const strata::RunInfo *selectedRun() const;
    void fillTable();
    void updateButtons();
    void updateDiff();
    void emitCompared();
    void showError(const QString &what, const std::exception &e);
    // Applies edit to the selected run's labels, then reads the store again; false (after a
    // message titled `failure`) when the store refuses.
    bool labelSelected(const QString &failure,
                       const std::function<void(strata::RunStore &, const std::string &)> &edit);
    void followLiveRun();

    QPointer<TrainingSession> session_;
    QString store_;
    bool stale_ = false; // runs started or ended while the panel was hidden
    std::vector<strata::RunInfo> runs_;
    std::vector<std::optional<strata::Project>> runProjects_; // each run's, when it reads
    std::optional<strata::Project> current_;
    QStringList compared_; // ids
    QStringList diffLines_;
    QTableWidget *table_ = nullptr;
    QLabel *summary_ = nullptr;
    QTextBrowser *diff_ = nullptr;
    QPushButton *resume_ = nullptr, *open_ = nullptr, *export_ = nullptr;
    QAction *resumeAction_ = nullptr, *openAction_ = nullptr, *exportAction_ = nullptr;
    QAction *rename_ = nullptr, *tags_ = nullptr, *note_ = nullptr, *delete_ = nullptr;
    bool filling_ = false;
};

} // namespace strata::ui
