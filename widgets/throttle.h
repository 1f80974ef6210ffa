#pragma once
// Runs an action at most once per interval however often it is asked for: the first request
// after a quiet interval runs it at once, later ones within the interval run it once when the
// interval ends. For what a training run updates at every batch (plots, progress figures):
// each drawing is the GUI thread's time taken from a run that has every core.

#include <QElapsedTimer>
#include <QObject>

#include <functional>

class QTimer;

namespace strata::widgets {

class Throttle : public QObject
{
    Q_OBJECT

public:
    Throttle(int intervalMs, std::function<void()> action, QObject *parent);

    // Runs the action now, or once when the interval since the last run has passed.
    void request();
    // Runs a request still waiting now (e.g. before the run's last figures are read).
    void flush();
    // The action ran by another way (the thing was drawn anyway): the interval starts again.
    void ran();

private:
    void run();

    int intervalMs_;
    std::function<void()> action_;
    QTimer *timer_;
    QElapsedTimer sinceRun_;
};

} // namespace strata::widgets
