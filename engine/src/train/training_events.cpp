#include "strata/training_events.h"

#include <chrono>

namespace strata {

std::string toString(FinishedEvent::Reason reason)
{
    switch (reason) {
    case FinishedEvent::Reason::Completed:
        return "completed";
    case FinishedEvent::Reason::Stopped:
        return "stopped";
    case FinishedEvent::Reason::EarlyStopped:
        return "early-stopped";
    case FinishedEvent::Reason::Diverged:
        return "diverged";
    case FinishedEvent::Reason::Failed:
        return "failed";
    }
    return "?";
}

void EventQueue::push(TrainingEvent event)
{
    {
        std::lock_guard lock(mutex_);
        events_.push_back(std::move(event));
    }
    cv_.notify_one();
}

std::vector<TrainingEvent> EventQueue::drain()
{
    std::lock_guard lock(mutex_);
    std::vector<TrainingEvent> out(std::make_move_iterator(events_.begin()),
                                   std::make_move_iterator(events_.end()));
    events_.clear();
    return out;
}

std::vector<TrainingEvent> EventQueue::waitAndDrain(int timeoutMs)
{
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return !events_.empty(); });
    std::vector<TrainingEvent> out(std::make_move_iterator(events_.begin()),
                                   std::make_move_iterator(events_.end()));
    events_.clear();
    return out;
}

} // namespace strata
