// The profiler's clock on a CUDA device: an event recorded on the backend's stream per mark,
// so timing adds no wait between kernels; read() waits once, for the last event of a step.
// Events come from a pool that grows to the most marks a step takes and is reused.

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_check.h"
#include "core/profiler.h"

#include <vector>

namespace strata::internal {

namespace {

class CudaClock final : public DeviceClock
{
public:
    explicit CudaClock(const CudaBackend &cuda) : cuda_(cuda) {}

    ~CudaClock() override
    {
        cuda_.activate();
        for (cudaEvent_t e : events_)
            cudaEventDestroy(e);
    }

    int mark() override
    {
        cuda_.activate();
        if (used_ == events_.size()) {
            cudaEvent_t e = nullptr;
            checkCuda(cudaEventCreate(&e), "Creating a profiling event");
            events_.push_back(e);
        }
        checkCuda(cudaEventRecord(events_[used_], cuda_.stream()), "Recording a profiling event");
        return static_cast<int>(used_++);
    }

    void read(std::vector<double> &us) override
    {
        us.clear();
        if (used_ == 0)
            return;
        cuda_.activate();
        checkCuda(cudaEventSynchronize(events_[used_ - 1]), "Waiting for the profiled step");
        for (size_t i = 0; i < used_; ++i) {
            float ms = 0;
            checkCuda(cudaEventElapsedTime(&ms, events_[0], events_[i]),
                      "Reading a profiling event");
            us.push_back(1000.0 * static_cast<double>(ms));
        }
        used_ = 0;
    }

    const char *name() const override { return "CUDA events"; }

private:
    const CudaBackend &cuda_;
    std::vector<cudaEvent_t> events_;
    size_t used_ = 0; // events recorded since the last read
};

} // namespace

std::unique_ptr<DeviceClock> CudaBackend::createClock()
{
    return std::make_unique<CudaClock>(*this);
}

} // namespace strata::internal
