#include "strata/layer.h"

#include "core/layer_impl.h"
#include "layers/builtin_layers.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>

namespace strata {

LayerRegistry &LayerRegistry::instance()
{
    static LayerRegistry registry;
    static std::once_flag once;
    std::call_once(once, [] { internal::registerBuiltinLayers(registry); });
    return registry;
}

struct LayerRegistry::Entry
{
    LayerType type;
    internal::LayerImpl impl;
};

LayerRegistry::LayerRegistry() = default;
LayerRegistry::~LayerRegistry() = default;

void LayerRegistry::add(internal::LayerDefinition definition)
{
    if (find(definition.name))
        throw Error("Layer type '" + definition.name + "' is registered twice");
    types_.push_back(
        std::make_unique<Entry>(Entry{std::move(static_cast<LayerType &>(definition)),
                                      std::move(static_cast<internal::LayerImpl &>(definition))}));
}

const internal::LayerImpl &LayerRegistry::impl(const LayerType &type) const
{
    for (const auto &e : types_)
        if (&e->type == &type)
            return e->impl;
    return impl(get(type.name)); // a copy of a registered type: found by name
}

const LayerType *LayerRegistry::find(const std::string &name) const
{
    for (const auto &e : types_)
        if (e->type.name == name)
            return &e->type;
    return nullptr;
}

const LayerType &LayerRegistry::get(const std::string &name) const
{
    if (const LayerType *t = find(name))
        return *t;
    std::string known;
    for (const auto &e : types_)
        known += (known.empty() ? "" : ", ") + e->type.name;
    throw Error("Unknown layer type '" + name + "'. Known types: " + known);
}

std::vector<const LayerType *> LayerRegistry::all() const
{
    std::vector<const LayerType *> out;
    for (const auto &e : types_)
        out.push_back(&e->type);
    return out;
}

namespace {

std::string jsonTypeName(const nlohmann::json &v)
{
    return std::string(v.type_name());
}

std::string formatNumber(double v)
{
    if (std::isinf(v))
        return v > 0 ? "∞" : "-∞";
    if (v == std::floor(v) && std::fabs(v) < 1e15)
        return std::to_string(static_cast<long long>(v));
    // %g keeps small values readable: std::to_string(1e-7) would print "0.000000".
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string rangeText(const ParamSpec &p)
{
    bool lo = std::isfinite(p.min), hi = std::isfinite(p.max);
    if (lo && hi)
        return "between " + formatNumber(p.min) + " and " + formatNumber(p.max);
    if (lo)
        return "at least " + formatNumber(p.min);
    if (hi)
        return "at most " + formatNumber(p.max);
    return "a number";
}

} // namespace

nlohmann::json LayerRegistry::resolveParams(const Node &node) const
{
    const LayerType &type = get(node.type);
    nlohmann::json out = nlohmann::json::object();
    const nlohmann::json &given = node.params.is_object() ? node.params : nlohmann::json::object();
    for (auto it = given.begin(); it != given.end(); ++it) {
        bool known = false;
        for (const auto &p : type.params)
            known = known || p.name == it.key();
        if (!known) {
            std::string names;
            for (const auto &p : type.params)
                names += (names.empty() ? "" : ", ") + p.name;
            throw ShapeError(node.id, describe(node) + " has no parameter '" + it.key() + "'" +
                                          (names.empty() ? "" : " (it has: " + names + ")"));
        }
    }
    for (const auto &p : type.params) {
        nlohmann::json v = given.contains(p.name) ? given.at(p.name) : p.defaultValue;
        const std::string where = describe(node) + ": parameter '" + p.name + "' ";
        switch (p.type) {
        case ParamType::Int: {
            // 3.0 is a whole number; converting is only defined inside int64_t's range.
            if (v.is_number_float() && std::isfinite(v.get<double>()) &&
                v.get<double>() == std::floor(v.get<double>())) {
                if (std::fabs(v.get<double>()) >= 9.2e18)
                    throw ShapeError(node.id, where + "must be " + rangeText(p) + ", not " +
                                                  formatNumber(v.get<double>()));
                v = static_cast<int64_t>(v.get<double>());
            }
            if (!v.is_number_integer())
                throw ShapeError(
                    node.id, where + "must be a whole number, not " +
                                 (v.is_number() ? formatNumber(v.get<double>()) : jsonTypeName(v)));
            // Beyond int64_t the value would wrap round to a negative number.
            if (v.is_number_unsigned() &&
                v.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))
                throw ShapeError(node.id, where + "must be " + rangeText(p) + ", not " + v.dump());
            double d = static_cast<double>(v.get<int64_t>());
            if (d < p.min || d > p.max)
                throw ShapeError(node.id,
                                 where + "must be " + rangeText(p) + ", not " + formatNumber(d));
            break;
        }
        case ParamType::Float: {
            if (!v.is_number())
                throw ShapeError(node.id, where + "must be a number, not " + jsonTypeName(v));
            double d = v.get<double>();
            if (!std::isfinite(d) || d < p.min || d > p.max)
                throw ShapeError(node.id,
                                 where + "must be " + rangeText(p) + ", not " + formatNumber(d));
            v = d;
            break;
        }
        case ParamType::Bool:
            if (!v.is_boolean())
                throw ShapeError(node.id, where + "must be true or false, not " + jsonTypeName(v));
            break;
        case ParamType::Choice: {
            bool ok = v.is_string();
            if (ok) {
                ok = false;
                for (const auto &c : p.choices)
                    ok = ok || c == v.get<std::string>();
            }
            if (!ok) {
                std::string choices;
                for (const auto &c : p.choices)
                    choices += (choices.empty() ? "" : ", ") + c;
                throw ShapeError(node.id,
                                 where + "must be one of " + choices + ", not " + v.dump());
            }
            break;
        }
        case ParamType::String:
            if (!v.is_string())
                throw ShapeError(node.id, where + "must be text, not " + jsonTypeName(v));
            break;
        }
        out[p.name] = v;
    }
    return out;
}

ParamSpec intParam(std::string name, int64_t def, double min, double max, std::string help,
                   std::string unsetText)
{
    return ParamSpec{std::move(name), ParamType::Int,      def, min, max, {},
                     std::move(help), std::move(unsetText)};
}

ParamSpec floatParam(std::string name, double def, double min, double max, std::string help)
{
    return ParamSpec{std::move(name), ParamType::Float, def, min, max, {}, std::move(help), {}};
}

ParamSpec boolParam(std::string name, bool def, std::string help)
{
    ParamSpec p;
    p.name = std::move(name);
    p.type = ParamType::Bool;
    p.defaultValue = def;
    p.help = std::move(help);
    return p;
}

ParamSpec choiceParam(std::string name, std::string def, std::vector<std::string> choices,
                      std::string help)
{
    ParamSpec p;
    p.name = std::move(name);
    p.type = ParamType::Choice;
    p.defaultValue = std::move(def);
    p.choices = std::move(choices);
    p.help = std::move(help);
    return p;
}

std::string describe(const Node &node)
{
    return node.type + " '" + (node.name.empty() ? node.id : node.name) + "'";
}

} // namespace strata
