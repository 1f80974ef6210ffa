#pragma once
// Trains a project in a TrainingSession and waits (running the event loop) until its run has
// finished; false when it could not start or did not end within timeoutMs.

#include "ui/session/training_session.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

namespace strata::test {

inline bool trainToEnd(ui::TrainingSession &session, const Project &project, const QString &base,
                       int timeoutMs = 120000)
{
    QSignalSpy finished(&session, &ui::TrainingSession::finished);
    if (!session.start(project, base))
        return false;
    QElapsedTimer clock;
    clock.start();
    while (finished.isEmpty() && clock.elapsed() < timeoutMs)
        QTest::qWait(20);
    return !finished.isEmpty();
}

} // namespace strata::test
