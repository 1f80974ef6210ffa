#pragma once
// Where a run stands: epoch and batch, a progress bar over the whole run, throughput, elapsed
// time, an estimate of the time left, and the device. Time spent paused counts neither as
// elapsed nor towards the estimate.

#include <QElapsedTimer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QTimer;

namespace strata::widgets {

class Throttle;

// "4 s", "2 min 05 s", "1 h 03 min".
QString formatDuration(double seconds);

class ProgressPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ProgressPanel(QWidget *parent = nullptr);

    // A run of `epochs` epochs of `batchesPerEpoch` batches begins (at startEpoch when it
    // continues a checkpoint).
    void start(int epochs, int batchesPerEpoch, int startEpoch = 0);
    // Batch `batch` (0-based) of epoch `epoch` (0-based) is done. The figures change at most
    // every kFiguresIntervalMs (each change redraws the panel: GUI time a run on every core
    // pays for); the getters below give the latest.
    void setProgress(int epoch, int batch, double samplesPerSecond);
    static constexpr int kFiguresIntervalMs = 100;
    void setDevice(const QString &device);
    void setPaused(bool paused);
    // The run ended: stops the clock; a completed run shows a full bar. With epochsDone, the
    // epoch shown is the count of completed epochs (what a stop message counts), not the
    // one that was under way.
    void finish(bool completed, const QString &status, int epochsDone = -1);
    void reset();

    int value() const;
    int maximum() const;
    double fraction() const;
    QString etaText() const;
    QString deviceText() const;
    // "3 / 10": the epoch under way while running, the completed epochs once finished.
    QString epochText() const;
    bool isRunning() const { return running_; }

private:
    double activeSeconds() const;
    void refreshTimes();
    void showFigures();

    QLabel *epochLabel_ = nullptr;
    QLabel *batchLabel_ = nullptr;
    QProgressBar *bar_ = nullptr;
    QLabel *speedLabel_ = nullptr;
    QLabel *elapsedLabel_ = nullptr;
    QLabel *etaLabel_ = nullptr;
    QLabel *deviceLabel_ = nullptr;
    QLabel *statusLabel_ = nullptr;
    QTimer *clock_ = nullptr;
    Throttle *figures_ = nullptr;
    struct Shown
    {
        int epoch = 0, batch = 0;
        double samplesPerSecond = 0;
    } shown_;

    int epochs_ = 0, batches_ = 0, startEpoch_ = 0;
    qint64 doneBatches_ = 0, startBatches_ = 0;
    bool running_ = false, paused_ = false;
    QElapsedTimer sinceResume_;
    double accumulated_ = 0; // active seconds before the last pause
};

} // namespace strata::widgets
