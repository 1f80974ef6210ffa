#include "serve/serve_metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace strata::serve {

namespace {

// A label value, escaped as the text format asks (backslash, quote, newline).
std::string label(const std::string &v)
{
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

std::string number(double v)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", v);
    return text;
}

} // namespace

void ServeMetrics::countRequest(const std::string &endpoint, int status, double seconds)
{
    std::lock_guard lock(mutex_);
    ++requests_[{endpoint, status}];
    if (endpoint != "predict" || status != 200)
        return;
    if (recent_.size() < kRecent)
        recent_.push_back(seconds);
    else
        recent_[next_] = seconds;
    next_ = (next_ + 1) % kRecent;
    latencySum_ += seconds;
    ++latencyCount_;
}

void ServeMetrics::countInstances(int64_t n)
{
    std::lock_guard lock(mutex_);
    instances_ += n;
}

void ServeMetrics::countReload(bool swapped)
{
    std::lock_guard lock(mutex_);
    ++(swapped ? swapped_ : refused_);
}

double ServeMetrics::latencyQuantile(double q) const
{
    std::vector<double> sorted;
    {
        std::lock_guard lock(mutex_);
        sorted = recent_;
    }
    if (sorted.empty())
        return 0;
    std::sort(sorted.begin(), sorted.end());
    const double at = std::clamp(q, 0.0, 1.0) * double(sorted.size() - 1);
    return sorted[size_t(std::lround(at))];
}

std::string ServeMetrics::prometheus(const std::string &model, int64_t version) const
{
    const std::string m = "model=\"" + label(model) + "\"";
    std::string s;
    s += "# HELP strata_requests_total Requests answered, by endpoint and HTTP status.\n"
         "# TYPE strata_requests_total counter\n";
    int64_t errors = 0;
    {
        std::lock_guard lock(mutex_);
        for (const auto &[key, count] : requests_) {
            s += "strata_requests_total{" + m + ",endpoint=\"" + label(key.first) + "\",code=\"" +
                 std::to_string(key.second) + "\"} " + std::to_string(count) + "\n";
            if (key.second >= 400)
                errors += count;
        }
    }
    s += "# HELP strata_request_errors_total Requests answered with a 4xx or 5xx status.\n"
         "# TYPE strata_request_errors_total counter\n"
         "strata_request_errors_total{" +
         m + "} " + std::to_string(errors) + "\n";
    s += "# HELP strata_predict_latency_seconds Time to answer a predict request (quantiles "
         "over the last 4096).\n"
         "# TYPE strata_predict_latency_seconds summary\n";
    for (double q : {0.5, 0.9, 0.99})
        s += "strata_predict_latency_seconds{" + m + ",quantile=\"" + number(q) + "\"} " +
             number(latencyQuantile(q)) + "\n";
    std::lock_guard lock(mutex_);
    s += "strata_predict_latency_seconds_sum{" + m + "} " + number(latencySum_) + "\n" +
         "strata_predict_latency_seconds_count{" + m + "} " + std::to_string(latencyCount_) + "\n";
    s += "# HELP strata_instances_total Instances predicted.\n"
         "# TYPE strata_instances_total counter\n"
         "strata_instances_total{" +
         m + "} " + std::to_string(instances_) + "\n";
    s += "# HELP strata_reloads_total New weights files swapped in or refused.\n"
         "# TYPE strata_reloads_total counter\n"
         "strata_reloads_total{" +
         m + ",result=\"swapped\"} " + std::to_string(swapped_) + "\n" + "strata_reloads_total{" +
         m + ",result=\"refused\"} " + std::to_string(refused_) + "\n";
    s += "# HELP strata_model_version The version being served.\n"
         "# TYPE strata_model_version gauge\n"
         "strata_model_version{" +
         m + "} " + std::to_string(version) + "\n";
    return s;
}

} // namespace strata::serve
