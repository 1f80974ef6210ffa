#pragma once
// Strata's version, as CMake's project() gives it ("0.1.0"): strata --version, strata-cli
// --version, the producer version of exported ONNX files.

namespace strata {

const char *version();

} // namespace strata
