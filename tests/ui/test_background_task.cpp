// runInBackground: the result or the exception comes back through the future, and the OpenMP
// workers the job started have ended by then (they would idle beside a training run and cut
// its threads' spin short: strata::releaseThreadTeam).

#include "source_dir.h"
#include "strata/backend.h"
#include "strata/probe.h"
#include "strata/project.h"
#include "thread_count.h"
#include "ui/background_task.h"

#include <QtTest>

#include <stdexcept>

using namespace strata;
using test::threadCount;

class TestBackgroundTask : public QObject
{
    Q_OBJECT

private slots:
    void cleanup() { setCpuThreads(0); }

    void resultAndException()
    {
        QFuture<int> ok = ui::runInBackground([] { return 42; });
        ok.waitForFinished();
        QCOMPARE(ok.result(), 42);
        QFuture<int> failed = ui::runInBackground([]() -> int { throw std::runtime_error("no"); });
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, failed.waitForFinished());
    }

    void workersEndWithTheJob()
    {
#ifdef __clang__
        QSKIP("LLVM's OpenMP runtime (Clang's builds): releaseThreadTeam does nothing there");
#endif
        setCpuThreads(2);
        const Project project = loadProject(test::examplePath("spirals.strata").toStdString());
        // The job's thread count while its probe's team is up: the pool thread and a worker.
        QFuture<int> job = ui::runInBackground([project] {
            Probe probe(project);
            probe.probabilities(Tensor::fromVector({1, 2}, {0.5f, -0.5f}));
            return threadCount();
        });
        job.waitForFinished();
        const int during = job.result();
        // The pool thread stays (Qt keeps it 30 s); the worker has gone.
        QTRY_VERIFY2(threadCount() <= during - 1, qPrintable(QString::number(threadCount())));
    }
};

QTEST_GUILESS_MAIN(TestBackgroundTask)
#include "test_background_task.moc"
