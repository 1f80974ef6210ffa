#pragma once
// Python source text for the generated PyTorch and Keras code: literals and identifiers
// written the same way by every layer's code hook and by the exporters.

#include <cstdint>
#include <string>
#include <vector>

namespace strata::internal {

// 0.1 → "0.1", 2 → "2.0", 1e-07 → "1e-07": at most 15 significant digits, so 1 - 0.99
// prints as 0.01.
std::string pyFloat(double value);
// A float32 value with the 9 significant digits that round-trip it (1/255 → 0.00392156886).
std::string pyFloat32(float value);
std::string pyInt(int64_t value);
std::string pyBool(bool value);
// A double-quoted literal with \\, \" and control characters escaped (UTF-8 kept).
std::string pyString(const std::string &text);
// Text safe inside a """docstring""" (backslashes and triple quotes escaped).
std::string pyDocText(const std::string &text);
// Each line of text word-wrapped at `width` characters (UTF-8 aware), for docstrings.
std::string wrapText(const std::string &text, size_t width = 88);
// (3, 1, 2); a one-element tuple keeps its comma: (5,).
std::string pyTuple(const std::vector<int64_t> &values);
// `indent + head(args...)` on one line when it fits in 99 columns, else one argument per line:
// head(\n<indent>    arg,\n...<indent>). No trailing newline.
std::string pyCall(const std::string &indent, const std::string &head,
                   const std::vector<std::string> &args);
// A valid, non-keyword Python identifier made from text: other characters become '_', a
// leading digit gets a "n_" prefix, and an empty result becomes "node".
std::string pythonIdentifier(const std::string &text);
// "Keras CIFAR-10 CNN" → "KerasCifar10Cnn" (a class name).
std::string pythonClassName(const std::string &text);

} // namespace strata::internal
