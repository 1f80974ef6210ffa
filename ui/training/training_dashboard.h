#pragma once
// The training dashboard: Train / Pause / Resume / Stop, live loss and accuracy plots, the
// progress panel, the validation confusion matrix and the engine's messages. It is a view of
// a TrainingSession: it draws what the session reports and sends the user's commands to it;
// the session owns the trainer, its thread and the event queue.

#include "strata/project.h"
#include "strata/training_events.h"
#include "ui/session/training_session.h"
#include "ui/training/training_controls.h"

#include <QPointer>
#include <QString>
#include <QWidget>

#include <functional>
#include <utility>

class QPlainTextEdit;
class QSplitter;

namespace strata::widgets {
class ConfusionMatrixView;
class MetricPlot;
class ProgressPanel;
class TruthTableView;
} // namespace strata::widgets

namespace strata::ui {

class TrainingDashboard : public QWidget
{
    Q_OBJECT

public:
    // What Train needs: a copy of the project and the folder its relative paths start from
    // (empty: the examples folder).
    using ProjectSource = std::function<std::pair<strata::Project, QString>()>;

    // Shows the session's runs and sends the user's commands to it (none once it is gone).
    explicit TrainingDashboard(TrainingSession *session, QWidget *parent = nullptr);

    TrainingSession *session() const { return session_; }
    // Where Train takes its project from.
    void setProjectSource(ProjectSource source);

    widgets::MetricPlot *lossPlot() const { return lossPlot_; }
    widgets::MetricPlot *accuracyPlot() const { return accuracyPlot_; }
    widgets::ConfusionMatrixView *confusionMatrix() const { return confusion_; }
    widgets::ProgressPanel *progressPanel() const { return progress_; }
    // The model's answers for every input of a tiny tabular set (the gates); hidden for any
    // other data.
    widgets::TruthTableView *truthTable() const { return truthTable_; }
    QPlainTextEdit *logView() const { return log_; }
    TrainingControls *controls() const { return controls_; }
    // How the panels are placed, from the room the dashboard has (in a scroll area: the part
    // on screen). Narrow (below ~640 px, e.g. in a dock beside the canvas): stacked. Wide but
    // too short for the plots above the progress / matrix / messages row (a laptop screen):
    // every panel in one row. Otherwise the plots above that row.
    enum class Arrangement { Stacked, TwoRows, OneRow };
    Arrangement arrangement() const { return arrangement_; }
    bool isStacked() const { return arrangement_ == Arrangement::Stacked; }
    // The stacked layout's width: a narrow dock or scroll area may shrink the dashboard that
    // far, and it stacks its panels when it gets there.
    QSize minimumSizeHint() const override;
    // The least height at this width (the controls wrap): a scroll area gives the dashboard
    // its viewport's height down to this, and scrolls below it.
    int heightForWidth(int width) const override;

public slots:
    // What the buttons do: the command goes to the session, which reports back what
    // happened; a command that does not apply now is explained in statusMessage().
    void startTraining();
    void pauseTraining();
    void resumeTraining();
    void stopTraining();
    // One batch / one epoch, then paused: from idle a new run, from a pause the next batch or
    // the rest of the epoch. The Messages say how the loss and the weights changed.
    void stepBatch();
    void stepEpoch();
    // Empties the plots, progress, confusion matrix and messages: what a project that has not
    // been trained shows. The session's cleared() calls it.
    void showNoRun();
    // Applies a new learning rate; only while paused. The plots are marked when the session
    // reports the change.
    void applyLearningRate(double lr);

signals:
    void statusMessage(const QString &message);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void buildUi();
    void arrange(Arrangement arrangement);
    // The least height that shows the plots above the row of panels, at this width.
    int twoRowsMinimumHeight() const;
    void updateButtons();
    void subscribe();
    // What the session reports.
    void clearRun(const QString &projectName);
    void showStarted(const strata::StartedEvent &e);
    void showBatch(const strata::BatchEvent &e);
    void showEpoch(const strata::EpochMetrics &m);
    void flushTruthTable();
    void showLog(const strata::LogEvent &e);
    void showLearningRate(double lr, double position, TrainingSession::RateOrigin origin);
    void showPaused();
    void showResumed();
    void showStopping();
    void showStepStarted(strata::StepEvent::Kind kind);
    void showStep(const strata::StepEvent &step);
    void step(strata::StepEvent::Kind kind);
    void showFinished(const strata::FinishedEvent &e);
    void appendLog(const QString &text, const QString &color = {});
    void exportData(TrainingControls::Export what);

    QPointer<TrainingSession> session_;
    ProjectSource source_;

    QStringList classNames_;
    bool hasValidation_ = false;
    // Batches averaged into one plotted point (1 unless the run is very long).
    int batchStride_ = 1;
    int pendingBatches_ = 0;
    double pendingLoss_ = 0, pendingAccuracy_ = 0;
    // The newest epoch's truth table, drawn once per event-loop turn: a drain may bring
    // hundreds of tiny epochs, and rebuilding the table for each blocked the GUI.
    std::vector<strata::TruthTableRow> pendingTruth_;
    int pendingTruthEpoch_ = -1;
    bool truthFlushQueued_ = false;
    bool truthSized_ = false; // the table was given room for its rows in this run

    Arrangement arrangement_ = Arrangement::OneRow; // until buildUi() arranges them
    TrainingControls *controls_ = nullptr;
    QSplitter *outer_ = nullptr;    // the plots and the panels, in one column or one row
    QSplitter *plots_ = nullptr;    // loss and accuracy
    QSplitter *panels_ = nullptr;   // progress, matrices, messages (Stacked and TwoRows)
    QSplitter *matrices_ = nullptr; // the confusion matrix and the truth table
    QSplitter *info_ = nullptr;     // progress above messages (OneRow)
    QWidget *progressBox_ = nullptr;
    QWidget *logBox_ = nullptr;
    widgets::MetricPlot *lossPlot_ = nullptr;
    widgets::MetricPlot *accuracyPlot_ = nullptr;
    widgets::ProgressPanel *progress_ = nullptr;
    widgets::ConfusionMatrixView *confusion_ = nullptr;
    widgets::TruthTableView *truthTable_ = nullptr;
    QPlainTextEdit *log_ = nullptr;
};

} // namespace strata::ui
