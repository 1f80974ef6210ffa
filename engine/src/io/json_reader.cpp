#include "io/json_reader.h"

#include "io/json_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace strata::internal {

using nlohmann::json;

namespace {

std::string shortNumber(double x)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", x);
    return buffer;
}

} // namespace

std::string describeJson(const json &value)
{
    std::string s = value.type_name();
    if (value.is_primitive() && !value.is_null()) {
        s += ' ';
        s += briefJson(value, 40);
    }
    return s;
}

bool NumberRange::contains(double x) const
{
    return std::isfinite(x) && (loOpen ? x > lo : x >= lo) && (hiOpen ? x < hi : x <= hi);
}

std::string NumberRange::text() const
{
    const bool bounded = std::isfinite(hi), fromBelow = std::isfinite(lo);
    if (!bounded && !fromBelow)
        return "";
    if (!bounded)
        return std::string(loOpen ? "> " : ">= ") + shortNumber(lo);
    if (!fromBelow)
        return std::string(hiOpen ? "< " : "<= ") + shortNumber(hi);
    return "in " + std::string(loOpen ? "(" : "[") + shortNumber(lo) + ", " + shortNumber(hi) +
           (hiOpen ? ")" : "]");
}

JsonObjectReader::JsonObjectReader(const json &j, std::string jsonPath, std::string file)
    : j_(j), path_(std::move(jsonPath)), file_(std::move(file))
{
    if (!j.is_object())
        throw ProjectError(file_, path_, "expected an object but found " + describeJson(j));
}

const json *JsonObjectReader::find(const char *key)
{
    if (std::find(known_.begin(), known_.end(), key) == known_.end())
        known_.push_back(key);
    const auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
}

void JsonObjectReader::fail(const std::string &key, const std::string &what) const
{
    throw ProjectError(file_, pathOf(key), what);
}

void JsonObjectReader::wrong(const std::string &key, const std::string &expected,
                             const json &found) const
{
    fail(key, "expected " + expected + " but found " + describeJson(found));
}

void JsonObjectReader::string(const char *key, std::string &out)
{
    if (const json *v = find(key)) {
        if (!v->is_string())
            wrong(key, "a string", *v);
        out = v->get<std::string>();
    }
}

void JsonObjectReader::choice(const char *key, std::string &out,
                              const std::vector<std::string> &choices)
{
    if (const json *v = find(key)) {
        if (!v->is_string() ||
            std::find(choices.begin(), choices.end(), v->get<std::string>()) == choices.end()) {
            std::string list = "one of";
            for (size_t i = 0; i < choices.size(); ++i)
                list += (i ? ", " : " ") + choices[i];
            wrong(key, v->is_string() ? list : "a string", *v);
        }
        out = v->get<std::string>();
    }
}

void JsonObjectReader::boolean(const char *key, bool &out)
{
    if (const json *v = find(key)) {
        if (!v->is_boolean())
            wrong(key, "true or false", *v);
        out = v->get<bool>();
    }
}

void JsonObjectReader::number(const char *key, double &out, const NumberRange &range)
{
    if (const json *v = find(key)) {
        const std::string limits = range.text();
        if (!v->is_number() || !range.contains(v->get<double>()))
            wrong(key, "a number" + (limits.empty() ? "" : " " + limits), *v);
        out = v->get<double>();
    }
}

void JsonObjectReader::strings(const char *key, std::vector<std::string> &out)
{
    if (const json *v = find(key)) {
        if (!v->is_array())
            wrong(key, "an array of strings", *v);
        std::vector<std::string> read;
        for (size_t i = 0; i < v->size(); ++i) {
            if (!(*v)[i].is_string())
                wrong(std::string(key) + "/" + std::to_string(i), "a string", (*v)[i]);
            read.push_back((*v)[i].get<std::string>());
        }
        out = std::move(read);
    }
}

void JsonObjectReader::finish() const
{
    for (const auto &item : j_.items()) {
        if (std::find(known_.begin(), known_.end(), item.key()) != known_.end())
            continue;
        std::string names;
        for (const auto &k : known_)
            names += (names.empty() ? "" : ", ") + k;
        fail(item.key(), "unknown setting; expected one of " + names);
    }
}

bool asInteger(const json &v, int64_t &out)
{
    int64_t s = 0;
    uint64_t u = 0;
    bool isSigned = false;
    if (!JsonObjectReader::integral(v, s, u, isSigned) || (!isSigned && !std::in_range<int64_t>(u)))
        return false;
    out = isSigned ? s : int64_t(u);
    return true;
}

bool JsonObjectReader::integral(const json &v, int64_t &s, uint64_t &u, bool &isSigned)
{
    if (v.is_number_unsigned()) {
        u = v.get<uint64_t>();
        isSigned = false;
        return true;
    }
    if (v.is_number_integer()) {
        s = v.get<int64_t>();
        isSigned = true;
        return true;
    }
    if (v.is_number_float()) {
        // 10.0 is the integer 10 (JSON writers may add the fraction); 10.5 is not an integer.
        const double d = v.get<double>();
        if (!std::isfinite(d) || std::trunc(d) != d || d < -9.2e18 || d > 9.2e18)
            return false;
        s = static_cast<int64_t>(d);
        isSigned = true;
        return true;
    }
    return false;
}

std::string JsonObjectReader::integerExpected(const std::string &min, const std::string &max,
                                              bool all)
{
    return all ? "an integer" : "an integer from " + min + " to " + max;
}

} // namespace strata::internal
