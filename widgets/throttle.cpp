#include "widgets/throttle.h"

#include <QTimer>

#include <algorithm>

namespace strata::widgets {

Throttle::Throttle(int intervalMs, std::function<void()> action, QObject *parent)
    : QObject(parent), intervalMs_(intervalMs), action_(std::move(action)), timer_(new QTimer(this))
{
    timer_->setSingleShot(true);
    connect(timer_, &QTimer::timeout, this, &Throttle::run);
}

void Throttle::request()
{
    if (timer_->isActive())
        return;
    const qint64 since = sinceRun_.isValid() ? sinceRun_.elapsed() : intervalMs_;
    if (since >= intervalMs_)
        run();
    else
        timer_->start(static_cast<int>(std::max<qint64>(1, intervalMs_ - since)));
}

void Throttle::flush()
{
    if (timer_->isActive())
        run();
}

void Throttle::ran()
{
    sinceRun_.restart();
}

void Throttle::run()
{
    timer_->stop();
    sinceRun_.restart();
    action_();
}

} // namespace strata::widgets
