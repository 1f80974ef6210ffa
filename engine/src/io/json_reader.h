#pragma once
// Strict reading of the JSON objects in project and spec files: one rule set for every
// reader. nlohmann's get<T>() is lenient where a file a user edits must not be: it turns true
// into 1, truncates 2.5 to 2 and wraps -1 round to a huge unsigned seed.
//
// The rules: a missing key keeps the caller's default; an unknown key is refused, naming it
// and the known ones; a value of the wrong type is refused with "expected X but found Y"; an
// integer accepts only integral JSON numbers (10.0 reads as 10, 10.5 is refused) within the
// field's range; a number must be finite and may be given a range. Every refusal is a
// ProjectError naming the file (when known), the JSON path and what was expected.

#include "strata/errors.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace strata::internal {

// How a JSON value is shown in a message: its type, and for a number, string or boolean its
// text, cut to 40 characters ("number 2.5", "string \"minmax\"", "boolean true", "array").
std::string describeJson(const nlohmann::json &value);

// The value of v when it is an integral JSON number that fits an int64_t (10.0 counts).
bool asInteger(const nlohmann::json &v, int64_t &out);

// The accepted numbers lo..hi, each end closed or open; hi may be infinity.
struct NumberRange
{
    double lo = -std::numeric_limits<double>::infinity();
    double hi = std::numeric_limits<double>::infinity();
    bool loOpen = false;
    bool hiOpen = false;

    bool contains(double x) const;
    // "", ">= 0", "> 0", "in [0, 1)".
    std::string text() const;
};

class JsonObjectReader
{
public:
    // Throws ProjectError "expected an object but found ..." unless j is an object.
    JsonObjectReader(const nlohmann::json &j, std::string jsonPath, std::string file = {});

    void string(const char *key, std::string &out);
    // A string that must be one of choices.
    void choice(const char *key, std::string &out, const std::vector<std::string> &choices);
    void boolean(const char *key, bool &out);
    void number(const char *key, double &out, const NumberRange &range = {});
    template <typename T>
    void integer(const char *key, T &out,
                 std::type_identity_t<T> min = std::numeric_limits<T>::lowest(),
                 std::type_identity_t<T> max = std::numeric_limits<T>::max());
    void strings(const char *key, std::vector<std::string> &out);

    // The value under key, or nullptr; either way key counts as known.
    const nlohmann::json *find(const char *key);
    std::string pathOf(const std::string &key) const { return path_ + "/" + key; }
    [[noreturn]] void fail(const std::string &key, const std::string &what) const;
    // Fails with "expected <expected> but found <describeJson(found)>".
    [[noreturn]] void wrong(const std::string &key, const std::string &expected,
                            const nlohmann::json &found) const;
    // Refuses every key no reader asked for: a misspelt setting would otherwise be ignored.
    void finish() const;

    // The integral value of v: signed in s, or (a JSON unsigned) in u.
    static bool integral(const nlohmann::json &v, int64_t &s, uint64_t &u, bool &isSigned);

private:
    static std::string integerExpected(const std::string &min, const std::string &max, bool all);

    const nlohmann::json &j_;
    std::string path_;
    std::string file_;
    std::vector<std::string> known_;
};

template <typename T>
void JsonObjectReader::integer(const char *key, T &out, std::type_identity_t<T> min,
                               std::type_identity_t<T> max)
{
    static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
    const nlohmann::json *v = find(key);
    if (!v)
        return;
    int64_t s = 0;
    uint64_t u = 0;
    bool isSigned = false;
    bool ok = integral(*v, s, u, isSigned);
    if (ok)
        ok = isSigned ? std::in_range<T>(s) && T(s) >= min && T(s) <= max
                      : std::in_range<T>(u) && T(u) >= min && T(u) <= max;
    if (!ok)
        wrong(key,
              integerExpected(std::to_string(min), std::to_string(max),
                              std::is_signed_v<T> && min == std::numeric_limits<T>::lowest() &&
                                  max == std::numeric_limits<T>::max()),
              *v);
    out = isSigned ? T(s) : T(u);
}

} // namespace strata::internal
