// stb_image compiled for Strata (see picture_decoder.h): zeroed allocations, the four formats,
// a check of JPEG Huffman tables before stb builds them, and of PNG chunk lengths before stb
// allocates for them.

#include "data/picture_decoder.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>

#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_BMP
#define STBI_ONLY_GIF
#define STBI_NO_STDIO
#define STBI_MALLOC(size) std::calloc(1, size)
#define STBI_REALLOC(pointer, size) std::realloc(pointer, size)
#define STBI_FREE(pointer) std::free(pointer)
// GCC's flow analysis, once stb is inlined into decodePixels, takes the buffer of stb's
// callback reader (never used for pictures in memory) for one read uninitialized: a false
// report about stb's code, turned off for stb's header alone.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <stb_image.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace strata::internal {

namespace {

thread_local const char *refusal = nullptr; // a failure of ours, not stb's

// Whether every Huffman table of a JPEG holds at most 256 codes (a table gives 16 code counts,
// then one value per code). The segments are walked as stb_image walks them: from marker to
// marker by their lengths, and through a scan's coded data to the next marker (0xFF then a
// byte other than 0x00 or a restart marker). Bytes past the end count as zeros, as stb reads
// them.
bool huffmanTablesFit(const uint8_t *b, size_t n)
{
    const auto at = [&](size_t i) { return i < n ? b[i] : uint8_t(0); };
    constexpr uint8_t kDht = 0xc4, kSos = 0xda, kEoi = 0xd9;
    size_t i = 2; // past the start of image
    bool inScan = false;
    while (i + 1 < n) {
        const uint8_t marker = b[i + 1];
        const bool restart = marker >= 0xd0 && marker <= 0xd7;
        if (b[i] != 0xff || marker == 0xff || (inScan && (marker == 0x00 || restart))) {
            ++i; // coded data, a fill byte, junk between segments
            continue;
        }
        if (marker == kEoi)
            return true;
        inScan = false;
        const size_t length = size_t(at(i + 2)) << 8 | at(i + 3);
        if (marker == kDht) {
            // length counts itself; each table is its class and id, 16 counts, the values.
            size_t table = i + 4;
            for (std::ptrdiff_t left = std::ptrdiff_t(length) - 2; left > 0;) {
                size_t codes = 0;
                for (size_t k = 1; k <= 16; ++k)
                    codes += at(table + k);
                if (codes > 256)
                    return false;
                table += 17 + codes;
                left -= std::ptrdiff_t(17 + codes);
            }
        }
        inScan = marker == kSos;
        i += 2 + length;
    }
    return true;
}

// Whether every chunk of a PNG claims no more data than the file holds after its header.
// stb_image grows its buffer to a chunk's claimed length before reading it, so a 100-byte file
// whose IDAT claims 2 GB would have it ask for 2 GB (found by fuzz_image).
bool pngChunksFit(const uint8_t *b, size_t n)
{
    size_t i = 8; // past the signature
    while (i + 8 <= n) {
        const size_t length =
            size_t(b[i]) << 24 | size_t(b[i + 1]) << 16 | size_t(b[i + 2]) << 8 | size_t(b[i + 3]);
        if (length > n - i - 8)
            return false;
        if (b[i + 4] == 'I' && b[i + 5] == 'E' && b[i + 6] == 'N' && b[i + 7] == 'D')
            return true;
        i += 12 + length; // length, type, data, CRC
    }
    return true;
}

// The checks before stb reads a picture's header (JPEG's tables) and, with `decoding`, before it
// decodes one (PNG's chunks too: reading the header allocates nothing for them, and a damaged
// file keeps its header).
bool refused(const uint8_t *bytes, int size, bool decoding)
{
    static constexpr uint8_t kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    refusal = nullptr;
    const size_t n = size_t(size);
    if (n >= 2 && bytes[0] == 0xff && bytes[1] == 0xd8 && !huffmanTablesFit(bytes, n))
        refusal = "bad DHT header";
    else if (decoding && n >= 8 && std::equal(kPng, kPng + 8, bytes) && !pngChunksFit(bytes, n))
        refusal = "a PNG chunk longer than the file";
    return refusal != nullptr;
}

} // namespace

bool pictureHeader(const uint8_t *bytes, int size, int *width, int *height, int *channels)
{
    return !refused(bytes, size, false) &&
           stbi_info_from_memory(bytes, size, width, height, channels);
}

Pixels decodePixels(const uint8_t *bytes, int size, int wanted, int *width, int *height)
{
    if (refused(bytes, size, true))
        return Pixels(nullptr, &stbi_image_free);
    int had = 0;
    return Pixels(stbi_load_from_memory(bytes, size, width, height, &had, wanted),
                  &stbi_image_free);
}

const char *decoderFailure()
{
    return refusal ? refusal : stbi_failure_reason();
}

} // namespace strata::internal
