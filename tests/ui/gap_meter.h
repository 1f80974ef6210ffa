#pragma once
// Measures how responsive the GUI thread stays: the longest time between two ticks of a 5 ms
// timer, and how much of it the thread spent on its own work (its CPU time), as opposed to
// waiting for a core on a busy machine. The studio aims at 50 ms of work at most; the tests
// print the figure and fail only at a stall (stallMs), never on a slow or loaded machine's
// timing: CI's 2 shared cores measured 59 ms where a quiet one measures 20.

#include <QElapsedTimer>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <algorithm>
#include <ctime>

#if defined(__SANITIZE_ADDRESS__)
#define STRATA_GAP_METER_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define STRATA_GAP_METER_SANITIZED 1
#endif
#endif

class GapMeter : public QObject
{
public:
    // Work in one event-loop iteration that is a stall on any machine: a blocking call on the
    // GUI thread, or work that grows with the run (redrawing every point of every epoch, one
    // redraw per event instead of one per turn). Five times the studio's 50 ms target, three
    // times that in a sanitizer build, whose instrumented code runs 2-3x slower.
    static constexpr double stallMs()
    {
#ifdef STRATA_GAP_METER_SANITIZED
        return 750;
#else
        return 250;
#endif
    }

    GapMeter()
    {
        timer_.setInterval(5);
        connect(&timer_, &QTimer::timeout, this, [this] {
            const qint64 gap = clock_.restart();
            const double cpu = threadCpuMs();
            const double busy = cpu - lastCpuMs_;
            lastCpuMs_ = cpu;
            maxGapMs_ = std::max(maxGapMs_, gap);
            maxBusyMs_ = std::max(maxBusyMs_, busy);
            if (gap >= 25)
                longGaps_ << QStringLiteral("%1 ms (busy %2 ms) at %3 ms")
                                 .arg(gap)
                                 .arg(busy, 0, 'f', 1)
                                 .arg(sinceStart_.elapsed());
        });
        sinceStart_.start();
        resume();
    }
    // Leaves out what the test itself does on the GUI thread (a screenshot).
    void suspend()
    {
        timer_.stop();
    }
    void resume()
    {
        clock_.start();
        lastCpuMs_ = threadCpuMs();
        timer_.start();
    }
    qint64 maxGapMs() const
    {
        return maxGapMs_;
    }
    double maxBusyMs() const
    {
        return maxBusyMs_;
    }
    // Gaps of 25 ms or more and when they happened, to find the culprit of a long one.
    QStringList longGaps() const
    {
        return longGaps_;
    }

private:
    static double threadCpuMs()
    {
        timespec t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
    }

    QTimer timer_;
    QElapsedTimer clock_, sinceStart_;
    qint64 maxGapMs_ = 0;
    double maxBusyMs_ = 0, lastCpuMs_ = 0;
    QStringList longGaps_;
};
