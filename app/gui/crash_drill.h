#pragma once
// A drill for the crash-recovery test (tests/app/test_studio_crash_recovery.cpp), started by
// setting STRATA_CRASH_DRILL: the studio prints "ready <project JSON>" on standard output once
// it has opened (and recovered) its project, then keeps editing it until it is killed. Every
// 20 ms the project's description becomes "crash drill edit N" (N counting up from the one
// it has); the mode adds what runs meanwhile:
//   idle   edits only;
//   save   saves after every edit (the project must have a file);
//   train  presses Train first, and edits while the model trains;
//   quit   saves once, then closes the window as a user would (no edits).

#include <QString>

namespace strata::ui {
class MainWindow;
}

// Starts the drill for mode; false (with a message on standard error) for an unknown mode.
bool startCrashDrill(strata::ui::MainWindow &window, const QString &mode);
