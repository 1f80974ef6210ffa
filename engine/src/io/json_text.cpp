#include "io/json_text.h"

#include <algorithm>
#include <set>
#include <vector>

namespace strata::internal {

using nlohmann::json;

namespace {

// Where the parser is: one frame per open object or array, for the JSON path in messages and
// for the keys each object has seen.
struct Frame
{
    bool isArray = false;
    std::size_t index = 0;
    std::string key;
    std::set<std::string> keys;
};

// The JSON path of the innermost frame; a deep one shows its first and last levels only
// ("/a/0/0/…(193 levels)…/0/0/0"), so a message about nesting stays one readable line.
std::string pathOf(const std::vector<Frame> &frames)
{
    constexpr size_t kHead = 6, kTail = 3;
    std::string path;
    for (size_t i = 0; i < frames.size(); ++i) {
        const Frame &f = frames[i];
        if (frames.size() > kHead + kTail + 1 && i == kHead) {
            const size_t skipped = frames.size() - kHead - kTail;
            path += "/…(" + std::to_string(skipped) + " levels)…";
            i += skipped - 1;
            continue;
        }
        path += '/';
        if (f.isArray)
            path += std::to_string(f.index);
        else if (f.key.size() > 40)
            path += f.key.substr(0, 40) + "…";
        else
            path += f.key;
    }
    return path.empty() ? "/" : path;
}

std::string lineAndColumn(std::string_view text, std::size_t byte)
{
    byte = std::min(byte, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < byte; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// nlohmann's message without its "[json.exception.parse_error.101] " prefix and its own
// position (we give ours), with the quoted input it read cut short.
std::string syntaxMessage(const std::string &what)
{
    std::string text = what;
    if (auto close = text.find("] "); text.rfind("[json.exception.", 0) == 0 && close != text.npos)
        text = text.substr(close + 2);
    if (auto colon = text.find(": ");
        text.rfind("parse error at line", 0) == 0 && colon != text.npos)
        text = text.substr(colon + 2);
    if (auto lastRead = text.find("; last read: '"); lastRead != text.npos) {
        std::string token = text.substr(lastRead + 14);
        if (!token.empty() && token.back() == '\'')
            token.pop_back();
        text = text.substr(0, lastRead) + "; last read: " + briefQuote(token, 40);
    }
    return text;
}

} // namespace

json parseJsonText(std::string_view text, const std::string &source)
{
    std::vector<Frame> frames;
    auto onEvent = [&](int depth, json::parse_event_t event, json &parsed) {
        switch (event) {
        case json::parse_event_t::object_start:
        case json::parse_event_t::array_start:
            if (depth >= kMaxJsonDepth)
                throw JsonTextError(source, "at " + pathOf(frames) +
                                                ": the JSON nests deeper than " +
                                                std::to_string(kMaxJsonDepth) +
                                                " levels; Strata refuses it (no file it reads "
                                                "nests that deep: is this the right file?)");
            frames.push_back(Frame{event == json::parse_event_t::array_start, 0, {}, {}});
            break;
        case json::parse_event_t::key: {
            Frame &top = frames.back();
            top.key = parsed.get<std::string>();
            if (!top.keys.insert(top.key).second)
                throw JsonTextError(source, "at " + pathOf(frames) + ": the key " +
                                                briefQuote(top.key, 40) +
                                                " appears twice in one object; keep one of them");
            break;
        }
        case json::parse_event_t::object_end:
        case json::parse_event_t::array_end:
            frames.pop_back();
            if (!frames.empty() && frames.back().isArray)
                ++frames.back().index;
            break;
        case json::parse_event_t::value:
            if (!frames.empty() && frames.back().isArray)
                ++frames.back().index;
            break;
        }
        return true;
    };
    try {
        return json::parse(text.begin(), text.end(), onEvent);
    } catch (const json::parse_error &e) {
        throw JsonTextError(source, lineAndColumn(text, e.byte == 0 ? 0 : e.byte - 1) +
                                        ": not valid JSON: " + syntaxMessage(e.what()));
    } catch (const json::out_of_range &e) {
        // Only a number that does not fit a double reaches here ("number overflow parsing
        // '1e400'"); nlohmann gives no position, so find the number's first occurrence.
        std::string what = syntaxMessage(e.what());
        std::string position;
        if (auto open = what.find('\''), close = what.rfind('\'');
            open != what.npos && close > open + 1) {
            auto at = text.find(what.substr(open + 1, close - open - 1));
            if (at != text.npos)
                position = lineAndColumn(text, at) + ": ";
        }
        throw JsonTextError(source, position + "a number is too large for a 64-bit float (" +
                                        briefQuote(what, 60) + ")");
    }
}

std::string briefJson(const json &value, std::size_t maxChars)
{
    struct Open
    {
        const json *container;
        json::const_iterator next;
    };
    std::string out;
    std::vector<Open> stack;
    auto full = [&] { return out.size() > maxChars; };
    auto emitScalar = [&](const json &v) {
        out += v.dump(-1, ' ', false, json::error_handler_t::replace);
    };
    // A string as JSON (double quotes, escapes), never longer than the whole budget.
    auto emitString = [&](const std::string &s) {
        emitScalar(json(s.size() > maxChars ? s.substr(0, maxChars + 1) : s));
    };
    auto emit = [&](const json &v) {
        if (v.is_object() || v.is_array()) {
            out += v.is_object() ? '{' : '[';
            stack.push_back(Open{&v, v.cbegin()});
        } else if (v.is_string()) {
            emitString(v.get_ref<const std::string &>());
        } else {
            emitScalar(v);
        }
    };
    emit(value);
    while (!stack.empty() && !full()) {
        Open &top = stack.back();
        if (top.next == top.container->cend()) {
            out += top.container->is_object() ? '}' : ']';
            stack.pop_back();
            continue;
        }
        if (top.next != top.container->cbegin())
            out += ',';
        auto item = top.next++;
        if (top.container->is_object()) {
            emitString(item.key());
            out += ':';
        }
        emit(*item); // may push, which invalidates `top`
    }
    if (out.size() > maxChars || !stack.empty()) {
        std::size_t cut = std::min(out.size(), maxChars);
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80)
            --cut;
        out.resize(cut);
        out += "…";
    }
    return out;
}

std::string briefQuote(std::string_view text, std::size_t maxChars)
{
    bool cut = text.size() > maxChars;
    std::size_t n = std::min(text.size(), maxChars);
    // Never split a UTF-8 sequence.
    while (cut && n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80)
        --n;
    std::string out = "'";
    for (std::size_t i = 0; i < n; ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        out += (c < 0x20 || c == 0x7F) ? ' ' : static_cast<char>(c);
    }
    out += cut ? "'…" : "'";
    return out;
}

} // namespace strata::internal
