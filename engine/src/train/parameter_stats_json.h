#pragma once
// Parameter statistics (strata/parameter_stats.h) in a history line: under "parameters", a
// list of {"name", "shape", "weights": STATS, "gradients": STATS}, where STATS is
// {"count", "non_finite", "mean", "std", "min", "max", "norm", "percentiles": [9 numbers],
// "histogram": {"lo", "hi", "counts": [...]}}.

#include "strata/parameter_stats.h"

#include <nlohmann/json.hpp>

#include <vector>

namespace strata::internal {

nlohmann::json toJson(const std::vector<ParameterStats> &stats);
// Throws Error saying what is wrong (a missing key, a negative count, counts that do not add
// up, a range that is not one).
std::vector<ParameterStats> parameterStatsFromJson(const nlohmann::json &j);

} // namespace strata::internal
