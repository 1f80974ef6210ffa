#pragma once
// The studio's way to do short work off the GUI thread (loading a dataset for the preview,
// writing an export): the work runs on Qt's global thread pool and its result comes back
// through a QFuture, which a QFutureWatcher owned by the widget turns into a signal on the
// GUI thread. The work owns copies of its inputs and never sees the widget, so a widget that
// goes away while its work runs is simply not told: its watcher is gone with it.
//
// The application waits for the pool when it quits (QCoreApplication's destructor does), so
// the work must end on its own in bounded time; a training run, which can last hours, has its
// own thread in TrainingSession instead.

#include "strata/backend.h"

#include <QFuture>
#include <QPromise>
#include <QThreadPool>

#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

namespace strata::ui {

// Runs work() on the global thread pool and returns the future of its result; an exception
// it throws is rethrown by QFuture::result().
template <typename Work> auto runInBackground(Work work) -> QFuture<std::invoke_result_t<Work &>>
{
    using Result = std::invoke_result_t<Work &>;
    auto promise = std::make_shared<QPromise<Result>>();
    QFuture<Result> future = promise->future();
    promise->start();
    QThreadPool::globalInstance()->start([promise, work = std::move(work)]() mutable {
        try {
            // A pool thread idles for 30 s before it ends: the OpenMP workers its job
            // started end with the job, before its result is told (strata::releaseThreadTeam).
            Result result = [&work] {
                const strata::ThreadTeamRelease release;
                return work();
            }();
            promise->addResult(std::move(result));
        } catch (...) {
            promise->setException(std::current_exception());
        }
        promise->finish();
    });
    return future;
}

} // namespace strata::ui
