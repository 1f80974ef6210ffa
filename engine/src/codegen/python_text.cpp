#include "codegen/python_text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

namespace strata::internal {

std::string pyFloat(double value)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.15g", value);
    std::string s = buf;
    if (s.find_first_of(".eEn") == std::string::npos) // "2" → "2.0" (n: nan, inf)
        s += ".0";
    return s;
}

std::string pyFloat32(float value)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(value));
    return pyFloat(std::stod(buf));
}

std::string pyInt(int64_t value)
{
    return std::to_string(value);
}

std::string pyBool(bool value)
{
    return value ? "True" : "False";
}

std::string pyString(const std::string &text)
{
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '"':
            out += "\\\"";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

std::string pyDocText(const std::string &text)
{
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\')
            out += "\\\\";
        else if (text.compare(i, 3, "\"\"\"") == 0) {
            out += "\\\"\\\"\\\"";
            i += 2;
        } else
            out += text[i];
    }
    return out;
}

std::string wrapText(const std::string &text, size_t width)
{
    auto columns = [](const std::string &s) {
        size_t n = 0;
        for (const char c : s)
            n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        return n;
    };
    std::string out, line, word;
    auto flushWord = [&] {
        if (word.empty())
            return;
        if (!line.empty() && columns(line) + 1 + columns(word) > width) {
            out += line + "\n";
            line.clear();
        }
        line += (line.empty() ? "" : " ") + word;
        word.clear();
    };
    for (size_t i = 0; i <= text.size(); ++i) {
        const char c = i < text.size() ? text[i] : '\n';
        if (c == ' ') {
            flushWord();
        } else if (c == '\n') {
            flushWord();
            if (i < text.size() || !line.empty())
                out += line + (i < text.size() ? "\n" : "");
            line.clear();
        } else {
            word += c;
        }
    }
    return out;
}

std::string pyTuple(const std::vector<int64_t> &values)
{
    std::string out = "(";
    for (size_t i = 0; i < values.size(); ++i)
        out += (i ? ", " : "") + std::to_string(values[i]);
    return out + (values.size() == 1 ? ",)" : ")");
}

std::string pyCall(const std::string &indent, const std::string &head,
                   const std::vector<std::string> &args)
{
    std::string line = indent + head + "(";
    for (size_t i = 0; i < args.size(); ++i)
        line += (i ? ", " : "") + args[i];
    line += ")";
    if (line.size() <= 99)
        return line;
    std::string out = indent + head + "(\n";
    for (const std::string &a : args)
        out += indent + "    " + a + ",\n";
    return out + indent + ")";
}

std::string pythonIdentifier(const std::string &text)
{
    static const std::array<const char *, 35> keywords = {
        "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
        "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
        "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
        "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield"};
    std::string out;
    for (const char c : text) {
        const unsigned char u = static_cast<unsigned char>(c);
        if ((u & 0xC0) == 0x80)
            continue; // a UTF-8 continuation byte: the character became one '_' already
        out += u < 0x80 && (std::isalnum(u) || c == '_') ? c : '_';
    }
    if (out.empty())
        return "node";
    if (std::isdigit(static_cast<unsigned char>(out[0])))
        out = "n_" + out;
    if (std::find(keywords.begin(), keywords.end(), out) != keywords.end())
        out += "_";
    return out;
}

std::string pythonClassName(const std::string &text)
{
    std::string out;
    bool upper = true;
    for (const char c : text) {
        const unsigned char u = static_cast<unsigned char>(c);
        if (u < 0x80 && std::isalnum(u)) {
            out += upper ? static_cast<char>(std::toupper(u)) : static_cast<char>(std::tolower(u));
            upper = std::isdigit(u);
        } else {
            upper = true;
        }
    }
    if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0])))
        out = "Model" + out;
    return out;
}

} // namespace strata::internal
