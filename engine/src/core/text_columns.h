#pragma once
// Text tables for the terminal (the model summary, the profile): display widths of UTF-8 text
// and padding to a column.

#include <cstddef>
#include <string>

namespace strata::internal {

// Display width of UTF-8 text (the × sign is one column, three bytes).
inline size_t displayWidth(const std::string &s)
{
    size_t w = 0;
    for (unsigned char c : s)
        w += (c & 0xC0) != 0x80;
    return w;
}

// s padded with spaces to width w, on the right (left-aligned) or, with right, on the left.
inline std::string padded(const std::string &s, size_t w, bool right = false)
{
    const size_t n = displayWidth(s);
    if (n >= w)
        return s;
    return right ? std::string(w - n, ' ') + s : s + std::string(w - n, ' ');
}

} // namespace strata::internal
