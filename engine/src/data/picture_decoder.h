#pragma once
// stb_image's decoder for the formats Strata reads (PNG, JPEG, BMP, GIF), compiled into the
// engine from libstb-dev's header rather than taken from libstb, so that:
// - its allocations start zeroed: for some damaged JPEGs (a component whose quantization or
//   Huffman table the file never defines, a component no scan covers) stb 2.27 reads memory
//   it never wrote, and a picture must not be made of whatever the heap held before;
// - a JPEG Huffman table of more than 256 codes is refused before stb 2.27 writes past its
//   tables for it (fixed upstream in 2.28);
// - the sanitizer builds instrument it, so the fuzz targets see inside it.
// Internal to the datasets module: image_input.cpp is its one client.

#include <cstdint>
#include <memory>

namespace strata::internal {

// The size and channels (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA) a picture's header gives;
// false when it cannot be read (decoderFailure says why).
bool pictureHeader(const uint8_t *bytes, int size, int *width, int *height, int *channels);

using Pixels = std::unique_ptr<uint8_t, void (*)(void *)>;
// The pixels with `wanted` channels, row by row; empty when the picture cannot be decoded
// (decoderFailure says why).
Pixels decodePixels(const uint8_t *bytes, int size, int wanted, int *width, int *height);

// Why this thread's last pictureHeader or decodePixels failed, in stb's few words.
const char *decoderFailure();

} // namespace strata::internal
