#pragma once
// The training dashboard: Train / Pause / Resume / Stop, live loss and accuracy plots, the
// progress panel, the validation confusion matrix and the engine's messages. The trainer runs
// in its own thread and reports into an EventQueue; a timer on the GUI thread drains it at
// most 30 times a second, so the GUI never waits on training.

#include "strata/project.h"
#include "strata/training_events.h"
#include "ui/training/training_controls.h"

#include <QString>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

class QPlainTextEdit;
class QSplitter;
class QTimer;

namespace strata {
class Trainer;
}

namespace strata::widgets {
class ConfusionMatrixView;
class MetricPlot;
class ProgressPanel;
} // namespace strata::widgets

namespace strata::ui {

class TrainingDashboard : public QWidget
{
    Q_OBJECT

public:
    // What Train needs: a copy of the project and the folder its relative paths start from
    // (empty: the examples folder).
    using ProjectSource = std::function<std::pair<strata::Project, QString>()>;

    explicit TrainingDashboard(QWidget *parent = nullptr);
    // Stops a running trainer; the destructor waits for the current batch to end.
    ~TrainingDashboard() override;

    void setProjectSource(ProjectSource source);
    // Where the trainer writes checkpoints, weights and metrics; empty (default): nowhere.
    void setOutputDir(const QString &dir);

    // True from Train until the run's FinishedEvent has been handled.
    bool isTraining() const { return training_; }
    bool isPaused() const { return paused_; }

    widgets::MetricPlot *lossPlot() const { return lossPlot_; }
    widgets::MetricPlot *accuracyPlot() const { return accuracyPlot_; }
    widgets::ConfusionMatrixView *confusionMatrix() const { return confusion_; }
    widgets::ProgressPanel *progressPanel() const { return progress_; }
    QPlainTextEdit *logView() const { return log_; }
    // The epochs of the current (or last) run, as the engine reported them.
    const std::vector<strata::EpochMetrics> &epochs() const { return epochs_; }
    const std::optional<strata::FinishedEvent> &lastResult() const { return result_; }
    // The trainer of the current or last run (its network after the run), or nullptr.
    strata::Trainer *trainer() const { return trainer_.get(); }
    TrainingControls *controls() const { return controls_; }
    // Narrow (below ~640 px, e.g. in a dock beside the canvas): the plots and the panels
    // under them are stacked instead of side by side.
    bool isStacked() const { return stacked_; }
    // The stacked layout's width: a narrow dock or scroll area may shrink the dashboard that
    // far, and it stacks its panels when it gets there.
    QSize minimumSizeHint() const override;

public slots:
    void startTraining();
    void pauseTraining();
    void resumeTraining();
    void stopTraining();
    // Applies a new learning rate; only while paused. Marks both plots.
    void applyLearningRate(double lr);

signals:
    void trainingStarted();
    void trainingFinished(const strata::FinishedEvent &result);
    void statusMessage(const QString &message);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void buildUi();
    void setStacked(bool stacked);
    void updateButtons();
    void drainEvents();
    void handle(const strata::StartedEvent &e);
    void handle(const strata::BatchEvent &e);
    void handle(const strata::EpochEvent &e);
    void handle(const strata::LogEvent &e);
    void handle(const strata::FinishedEvent &e);
    void joinWhenDone();
    void appendLog(const QString &text, const QString &color = {});
    void exportData(TrainingControls::Export what);

    ProjectSource source_;
    QString outputDir_;
    std::unique_ptr<strata::Trainer> trainer_;
    // Shared with the trainer's observer, so an event pushed while the dashboard goes away
    // lands in a queue that still exists.
    std::shared_ptr<strata::EventQueue> queue_;
    QTimer *drainTimer_ = nullptr;

    bool training_ = false;
    bool paused_ = false;
    bool stopping_ = false;
    std::vector<strata::EpochMetrics> epochs_;
    std::optional<strata::FinishedEvent> result_;
    QStringList classNames_;
    double lastX_ = 0;             // fractional epoch of the last batch seen
    std::optional<double> lastLr_; // learning rate of the last batch seen
    std::optional<double> userLr_; // applied by the user, not yet seen in a batch
    bool hasValidation_ = false;
    // Batches averaged into one plotted point (1 unless the run is very long).
    int batchStride_ = 1;
    int pendingBatches_ = 0;
    double pendingLoss_ = 0, pendingAccuracy_ = 0;

    bool stacked_ = false;
    TrainingControls *controls_ = nullptr;
    QSplitter *plots_ = nullptr;
    QSplitter *panels_ = nullptr;
    widgets::MetricPlot *lossPlot_ = nullptr;
    widgets::MetricPlot *accuracyPlot_ = nullptr;
    widgets::ProgressPanel *progress_ = nullptr;
    widgets::ConfusionMatrixView *confusion_ = nullptr;
    QPlainTextEdit *log_ = nullptr;
};

} // namespace strata::ui
