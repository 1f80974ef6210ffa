// releaseThreadTeam: the OpenMP workers a thread's parallel work started end when it asks
// (a studio panel's background job, the GUI thread), so that they do not idle beside a
// training run; the next parallel work on that thread starts them again.

#include "strata/backend.h"
#include "thread_count.h"

#include <QtTest>

#include <chrono>
#include <thread>

using namespace strata;
using test::threadCount;

namespace {

// Waits up to 5 s for the process to have `want` threads (an ended worker leaves at once,
// but the kernel reaps it a moment later); returns the last count.
int waitForThreads(int want)
{
    int n = threadCount();
    for (int i = 0; i < 500 && n != want; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        n = threadCount();
    }
    return n;
}

// setCpuThreads() sets the calling thread up too (a parallel region): the test's own thread
// gives its workers back, and the count is taken once workers that are leaving have left.
int settledThreadCount()
{
    releaseThreadTeam();
    int n = threadCount(), same = 0;
    for (int i = 0; i < 250 && same < 5; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        const int now = threadCount();
        same = now == n ? same + 1 : 0;
        n = now;
    }
    return n;
}

} // namespace

class TestThreadTeam : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
#ifdef __clang__
        // Clang's builds (the sanitizers') run Strata's own loops on LLVM's OpenMP runtime,
        // where releaseThreadTeam does nothing (its pause is process-wide); what this checks
        // is GCC's build, the one users run.
        QSKIP("LLVM's OpenMP runtime: releaseThreadTeam does nothing there");
#endif
    }
    void cleanup()
    {
        setCpuThreads(0);
    }

    void workersEndWhenReleased()
    {
        setCpuThreads(3); // a team of three: this thread and two workers
        const int before = settledThreadCount();
        int withTeam = 0, released = 0, again = 0, afterScope = 0;
        std::thread job([&] {
            auto backend = createBackend("cpu"); // sets the thread up: a parallel region
            withTeam = threadCount();
            releaseThreadTeam();
            released = waitForThreads(before + 1);
            {
                const ThreadTeamRelease release;
                auto second = createBackend("cpu"); // parallel work starts the workers again
                again = threadCount();
            }
            afterScope = waitForThreads(before + 1);
        });
        job.join();
        QCOMPARE(withTeam, before + 3);
        QCOMPARE(released, before + 1);
        QCOMPARE(again, before + 3);
        QCOMPARE(afterScope, before + 1);
        QCOMPARE(waitForThreads(before), before);
    }

    void idleTeamStaysWithoutRelease()
    {
        // What the release is for: without it, the workers idle as long as the thread lives.
        setCpuThreads(2);
        const int before = settledThreadCount();
        int idle = 0;
        std::thread job([&] {
            auto backend = createBackend("cpu");
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            idle = threadCount();
        });
        job.join();
        QCOMPARE(idle, before + 2);
    }
};

QTEST_GUILESS_MAIN(TestThreadTeam)
#include "test_thread_team.moc"
