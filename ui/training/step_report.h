#pragma once
// What a training step did, in one line for the Messages log: where it paused, the loss before
// and after, and the layers whose weights moved most.

#include "strata/training_events.h"

#include <QString>

namespace strata::ui {

// "Step: batch 13 of 15 in epoch 2, loss 0.4123 → 0.3981 (on that batch); weights changed
// most: fc2 (‖Δw‖ 0.012), fc1 (0.004)"; at most `layers` layers are named.
QString stepReportText(const strata::StepEvent &step, int layers = 3);

} // namespace strata::ui
