#pragma once
// Parsing JSON a user or another program wrote, and quoting it back in messages. Every JSON
// text Strata reads from a file (projects, safetensors headers, checkpoint state, weights
// metadata) goes through parseJsonText, so the same limits hold everywhere: nesting deeper
// than kMaxJsonDepth is refused before anything recursive touches the value, a key that
// appears twice in one object is refused, and a number too large for a double is reported
// with its line instead of nlohmann's bare "number overflow".

#include "strata/errors.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace strata::internal {

// Deeper than any file Strata writes (a project nests about 6 levels) and far below what
// copying, comparing or printing a value recursively can survive on a thread's stack.
constexpr int kMaxJsonDepth = 200;

// The JSON in `text`. `source` names where it came from for messages ("model.strata", or
// "weights.safetensors (header)"). Throws JsonTextError naming the source, the line and
// column, and what is wrong: a syntax error, nesting deeper than kMaxJsonDepth (with the JSON
// path where it went too deep), a duplicate key (with its path), a number out of range.
nlohmann::json parseJsonText(std::string_view text, const std::string &source);

// Thrown by parseJsonText; the message is complete ("<source>: line L, column C: ...").
class JsonTextError : public Error
{
public:
    JsonTextError(const std::string &source, const std::string &what)
        : Error(source.empty() ? what : source + ": " + what)
    {
    }
};

// A short, single-line rendering of a value for a message: at most `maxChars` characters of
// its compact JSON, then "…" when cut. Never recursive, so any value (even one
// built in code, deeper than a file may be) is safe to quote.
std::string briefJson(const nlohmann::json &value, std::size_t maxChars = 60);

// A user's text quoted for a message: at most `maxChars` characters between quotes, then "…"
// when cut; control characters shown as spaces.
std::string briefQuote(std::string_view text, std::size_t maxChars = 60);

} // namespace strata::internal
