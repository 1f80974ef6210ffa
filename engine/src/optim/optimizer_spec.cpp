// JSON form and validation of OptimizerSpec and ScheduleSpec.

#include "io/json_reader.h"
#include "optim/optimizer.h"
#include "strata/errors.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace strata {

namespace {

using nlohmann::json;

std::string number(double x)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", x);
    return buffer;
}

std::string joined(const std::vector<std::string> &words)
{
    std::string text;
    for (size_t i = 0; i < words.size(); ++i)
        text += (i ? ", " : "") + words[i];
    return text;
}

[[noreturn]] void fail(const std::string &jsonPath, const std::string &field,
                       const std::string &what)
{
    throw ProjectError("", jsonPath + "/" + field, what);
}

void checkType(const std::string &type, const std::vector<std::string> &choices,
               const std::string &jsonPath)
{
    if (std::find(choices.begin(), choices.end(), type) == choices.end())
        fail(jsonPath, "type",
             "expected one of " + joined(choices) + " but found \"" + type + "\"");
}

// Fails unless x lies in range, naming the field.
void checkRange(double x, const internal::NumberRange &range, const std::string &jsonPath,
                const std::string &field)
{
    if (!range.contains(x))
        fail(jsonPath, field, "expected a number " + range.text() + " but found " + number(x));
}

using internal::JsonObjectReader;

} // namespace

std::vector<std::string> optimizerTypes()
{
    return {"sgd", "adam", "adamw", "rmsprop"};
}

std::vector<std::string> scheduleTypes()
{
    return {"constant", "step", "cosine", "plateau"};
}

void validate(const OptimizerSpec &spec, const std::string &jsonPath)
{
    const double inf = std::numeric_limits<double>::infinity();
    checkType(spec.type, optimizerTypes(), jsonPath);
    checkRange(spec.lr, {0, inf, true, false}, jsonPath, "lr");
    checkRange(spec.momentum, {0, 1, false, true}, jsonPath, "momentum");
    checkRange(spec.weightDecay, {0, inf, false, false}, jsonPath, "weight_decay");
    checkRange(spec.beta1, {0, 1, false, true}, jsonPath, "beta1");
    checkRange(spec.beta2, {0, 1, false, true}, jsonPath, "beta2");
    checkRange(spec.eps, {0, inf, true, false}, jsonPath, "eps");
    checkRange(spec.rho, {0, 1, false, true}, jsonPath, "rho");
    // PyTorch refuses Nesterov without momentum: it would silently be plain SGD.
    if (spec.type == "sgd" && spec.nesterov && spec.momentum <= 0)
        fail(jsonPath, "nesterov",
             "expected momentum > 0 for Nesterov momentum but found momentum " +
                 number(spec.momentum));
}

OptimizerSpec optimizerSpecFromJson(const nlohmann::json &j, const std::string &jsonPath)
{
    OptimizerSpec spec;
    JsonObjectReader r(j, jsonPath);
    r.string("type", spec.type);
    r.number("lr", spec.lr);
    r.number("momentum", spec.momentum);
    r.number("weight_decay", spec.weightDecay);
    r.number("beta1", spec.beta1);
    r.number("beta2", spec.beta2);
    r.number("eps", spec.eps);
    r.number("rho", spec.rho);
    r.boolean("nesterov", spec.nesterov);
    r.finish();
    validate(spec, jsonPath);
    return spec;
}

nlohmann::json toJson(const OptimizerSpec &spec)
{
    return json{{"type", spec.type},         {"lr", spec.lr},
                {"momentum", spec.momentum}, {"weight_decay", spec.weightDecay},
                {"beta1", spec.beta1},       {"beta2", spec.beta2},
                {"eps", spec.eps},           {"rho", spec.rho},
                {"nesterov", spec.nesterov}};
}

void validate(const ScheduleSpec &spec, const std::string &jsonPath)
{
    const double inf = std::numeric_limits<double>::infinity();
    checkType(spec.type, scheduleTypes(), jsonPath);
    if (spec.stepSize < 1)
        fail(jsonPath, "step_size",
             "expected an integer >= 1 but found " + std::to_string(spec.stepSize));
    checkRange(spec.gamma, {0, inf, true, false}, jsonPath, "gamma");
    if (spec.tMax < 0)
        fail(jsonPath, "t_max",
             "expected an integer >= 0 (0: the run's epochs) but found " +
                 std::to_string(spec.tMax));
    checkRange(spec.minLr, {0, inf, false, false}, jsonPath, "min_lr");
    if (spec.patience < 0)
        fail(jsonPath, "patience",
             "expected an integer >= 0 but found " + std::to_string(spec.patience));
    checkRange(spec.factor, {0, 1, true, true}, jsonPath, "factor");
}

ScheduleSpec scheduleSpecFromJson(const nlohmann::json &j, const std::string &jsonPath)
{
    ScheduleSpec spec;
    JsonObjectReader r(j, jsonPath);
    r.string("type", spec.type);
    r.integer("step_size", spec.stepSize);
    r.number("gamma", spec.gamma);
    r.integer("t_max", spec.tMax);
    r.number("min_lr", spec.minLr);
    r.integer("patience", spec.patience);
    r.number("factor", spec.factor);
    r.finish();
    validate(spec, jsonPath);
    return spec;
}

nlohmann::json toJson(const ScheduleSpec &spec)
{
    return json{{"type", spec.type},    {"step_size", spec.stepSize}, {"gamma", spec.gamma},
                {"t_max", spec.tMax},   {"min_lr", spec.minLr},       {"patience", spec.patience},
                {"factor", spec.factor}};
}

} // namespace strata
