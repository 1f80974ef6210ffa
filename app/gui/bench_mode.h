#pragma once
// strata PROJECT --bench-epochs N: the studio's own training speed, as a user sees it (the
// window shown, the dashboard in front drawing the batches as they come), printed as samples
// per second per epoch and then the studio exits, so it can be set beside `strata-cli train`
// on the same project (bench/studio_vs_cli.sh).

class QApplication;

namespace strata::ui {
class MainWindow;
}

// Trains the open project for `epochs` epochs (its other settings as they are) once the
// window has laid out, prints a line per epoch and a summary to stdout, and exits the
// application with 0 (1 when the run did not complete).
void startStudioBenchmark(strata::ui::MainWindow &window, QApplication &app, int epochs);
