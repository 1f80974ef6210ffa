#include "train/parameter_stats_json.h"

#include "io/json_text.h"
#include "strata/errors.h"

#include <cmath>
#include <limits>

namespace strata::internal {

namespace {

nlohmann::json statsJson(const ValueStats &s)
{
    return {{"count", s.count},
            {"non_finite", s.nonFinite},
            {"mean", s.mean},
            {"std", s.std},
            {"min", s.min},
            {"max", s.max},
            {"norm", s.norm},
            {"percentiles", s.percentiles},
            {"histogram",
             {{"lo", s.histogram.lo}, {"hi", s.histogram.hi}, {"counts", s.histogram.counts}}}};
}

[[noreturn]] void bad(const std::string &what)
{
    throw Error("parameter statistics: " + what);
}

double number(const nlohmann::json &j, const char *key)
{
    const nlohmann::json &v = j.at(key);
    if (!v.is_number() || !std::isfinite(v.get<double>()))
        bad(std::string("\"") + key + "\" is " + briefJson(v, 30) + ", not a finite number");
    return v.get<double>();
}

int64_t count(const nlohmann::json &v, const char *what)
{
    const bool tooLarge =
        v.is_number_unsigned() &&
        v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (!v.is_number_integer() || tooLarge || v.get<int64_t>() < 0)
        bad(std::string(what) + " is " + briefJson(v, 30) + ", not a count");
    return v.get<int64_t>();
}

ValueStats statsFrom(const nlohmann::json &j)
{
    if (!j.is_object())
        bad("a tensor's statistics are " + briefJson(j, 30) + ", not an object");
    ValueStats s;
    s.count = count(j.at("count"), "\"count\"");
    s.nonFinite = count(j.at("non_finite"), "\"non_finite\"");
    s.mean = number(j, "mean");
    s.std = number(j, "std");
    s.min = number(j, "min");
    s.max = number(j, "max");
    s.norm = number(j, "norm");
    if (s.std < 0 || s.norm < 0 || s.min > s.max)
        bad("a negative spread or norm, or a minimum above the maximum");
    const nlohmann::json &p = j.at("percentiles");
    if (!p.is_array() || p.size() != s.percentiles.size())
        bad("\"percentiles\" is not a list of " + std::to_string(s.percentiles.size()) +
            " numbers");
    for (size_t i = 0; i < p.size(); ++i) {
        if (!p[i].is_number() || !std::isfinite(p[i].get<double>()))
            bad("a percentile is " + briefJson(p[i], 30) + ", not a finite number");
        s.percentiles[i] = p[i].get<double>();
    }
    const nlohmann::json &h = j.at("histogram");
    if (!h.is_object())
        bad("\"histogram\" is not an object");
    s.histogram.lo = number(h, "lo");
    s.histogram.hi = number(h, "hi");
    if (!(s.histogram.hi > s.histogram.lo))
        bad("a histogram's range is empty");
    const nlohmann::json &counts = h.at("counts");
    if (!counts.is_array() || counts.empty() || counts.size() > size_t(kStatsFineBins))
        bad("a histogram has no bins or more than " + std::to_string(kStatsFineBins));
    int64_t total = 0;
    for (const nlohmann::json &c : counts) {
        s.histogram.counts.push_back(count(c, "a histogram count"));
        total += s.histogram.counts.back();
        if (total < 0 || total > s.count)
            bad("a histogram counts more values than the tensor has");
    }
    if (total != s.count)
        bad("a histogram counts " + std::to_string(total) + " values where the tensor has " +
            std::to_string(s.count));
    return s;
}

} // namespace

nlohmann::json toJson(const std::vector<ParameterStats> &stats)
{
    nlohmann::json list = nlohmann::json::array();
    for (const ParameterStats &p : stats) {
        nlohmann::json j{{"name", p.name}, {"shape", p.shape}, {"weights", statsJson(p.weights)}};
        if (p.hasGradients)
            j["gradients"] = statsJson(p.gradients);
        list.push_back(std::move(j));
    }
    return list;
}

std::vector<ParameterStats> parameterStatsFromJson(const nlohmann::json &j)
{
    if (!j.is_array())
        bad("\"parameters\" is " + briefJson(j, 30) + ", not a list");
    std::vector<ParameterStats> out;
    for (const nlohmann::json &e : j) {
        if (!e.is_object() || !e.contains("name") || !e.at("name").is_string())
            bad("an entry has no name: " + briefJson(e, 40));
        ParameterStats p;
        p.name = e.at("name").get<std::string>();
        p.node = parameterNode(p.name);
        const nlohmann::json &shape = e.at("shape");
        if (!shape.is_array() || shape.size() > 8)
            bad("'" + p.name + "' has no shape");
        constexpr int64_t kMaxElements = int64_t(1) << 40;
        int64_t elements = 1;
        for (const nlohmann::json &d : shape) {
            p.shape.push_back(count(d, "a dimension"));
            if (p.shape.back() > kMaxElements ||
                (p.shape.back() > 0 && elements > kMaxElements / p.shape.back()))
                bad("'" + p.name + "' has an impossible shape");
            elements *= p.shape.back();
        }
        const auto check = [&](const ValueStats &s, const char *what) {
            if (s.count + s.nonFinite != elements)
                bad("the " + std::string(what) + " of '" + p.name + "' count " +
                    std::to_string(s.count + s.nonFinite) + " values where its shape holds " +
                    std::to_string(elements));
        };
        p.weights = statsFrom(e.at("weights"));
        check(p.weights, "weights");
        if (e.contains("gradients")) {
            p.hasGradients = true;
            p.gradients = statsFrom(e.at("gradients"));
            check(p.gradients, "gradients");
        }
        out.push_back(std::move(p));
    }
    return out;
}

} // namespace strata::internal
