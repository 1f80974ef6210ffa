#pragma once
// What a served model has done, for GET /metrics (Prometheus's text format, version 0.0.4):
// requests by endpoint and status, predict latency as a summary (quantiles over the last 4096
// predict requests), instances predicted, reloads swapped in and refused.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace strata::serve {

class ServeMetrics
{
public:
    void countRequest(const std::string &endpoint, int status, double seconds);
    void countInstances(int64_t n);
    void countReload(bool swapped);

    // The latency quantile q (0..1) of the recent predict requests, in seconds; 0 before any.
    double latencyQuantile(double q) const;

    std::string prometheus(const std::string &model, int64_t version) const;

private:
    static constexpr size_t kRecent = 4096;
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, int>, int64_t> requests_; // (endpoint, status) -> count
    std::vector<double> recent_;                              // ring of predict latencies
    size_t next_ = 0;
    double latencySum_ = 0;
    int64_t latencyCount_ = 0;
    int64_t instances_ = 0;
    int64_t swapped_ = 0, refused_ = 0;
};

} // namespace strata::serve
