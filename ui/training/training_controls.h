#pragma once
// The dashboard's control row: Train / Pause / Resume / Stop / Step batch / Step epoch, the
// learning-rate field (only
// editable while paused), the smoothing slider, the loss log-scale toggle and the export menu.
// It only reports what the user asked for; the dashboard decides what happens.

#include <QWidget>

class QAction;
class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSlider;
class QToolButton;

namespace strata::ui {

class TrainingControls : public QWidget
{
    Q_OBJECT

public:
    enum class Export { LossPng, LossPdf, AccuracyPng, AccuracyPdf, LossCsv, AccuracyCsv, History };

    explicit TrainingControls(QWidget *parent = nullptr);

    // Enables what makes sense: Train when idle, Pause and Stop while running, Resume and the
    // learning rate while paused, the steps when idle (as Train) or paused, nothing while a
    // stop is under way. The learning-rate field
    // is emptied whenever it cannot be edited.
    void setState(bool training, bool paused, bool stopping);
    // While the project has errors Train stays disabled, its tooltip saying why (empty: none).
    void setTrainBlocked(const QString &reason);
    // Fills the learning-rate field (the rate in use when the user paused).
    void setLearningRate(double lr);
    // The smoothing weight the slider shows, in [0, 0.99].
    double smoothing() const;
    // Rows the controls take at the current width: they wrap in groups when it is narrow.
    int rowCount() const;
    // Train (F5), Pause / Resume (F6) and Stop (Shift+F5) for menus: each does what its
    // button does, and is enabled when the button is. Their keys work in the whole window.
    QAction *trainAction() const { return trainAction_; }
    QAction *pauseResumeAction() const { return pauseResumeAction_; }
    QAction *stopAction() const { return stopAction_; }
    // Step batch (F7) and Step epoch (Shift+F7), as the buttons.
    QAction *stepBatchAction() const { return stepBatchAction_; }
    QAction *stepEpochAction() const { return stepEpochAction_; }

signals:
    void trainRequested();
    void pauseRequested();
    void resumeRequested();
    void stopRequested();
    void stepBatchRequested();
    void stepEpochRequested();
    void learningRateEntered(double lr);
    void invalidLearningRate();
    void smoothingChanged(double weight);
    void logScaleToggled(bool on);
    void exportRequested(strata::ui::TrainingControls::Export what);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void createActions();
    void syncActions();
    void submitLearningRate();
    void updateTrainButton();

    QPushButton *train_ = nullptr;
    QPushButton *pause_ = nullptr;
    QPushButton *resume_ = nullptr;
    QPushButton *stop_ = nullptr;
    QToolButton *stepBatch_ = nullptr;
    QToolButton *stepEpoch_ = nullptr;
    QLineEdit *lrEdit_ = nullptr;
    QPushButton *lrApply_ = nullptr;
    QSlider *smoothing_ = nullptr;
    QLabel *smoothingValue_ = nullptr;
    QCheckBox *logScale_ = nullptr;
    QToolButton *export_ = nullptr;
    bool training_ = false;
    bool paused_ = false;
    bool stopping_ = false;
    QString blockedReason_;
    QAction *trainAction_ = nullptr;
    QAction *pauseResumeAction_ = nullptr;
    QAction *stopAction_ = nullptr;
    QAction *stepBatchAction_ = nullptr;
    QAction *stepEpochAction_ = nullptr;
};

} // namespace strata::ui
