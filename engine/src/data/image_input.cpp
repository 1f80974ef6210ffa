#include "strata/image_input.h"

#include "strata/errors.h"

#include "data/picture_decoder.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <memory>
#include <numeric>

namespace strata {

namespace {

// A picture file bigger than this is not one a model's input needs (a 64-megapixel PNG is
// far smaller).
constexpr uint64_t kMaxPictureFileBytes = uint64_t(512) << 20;

std::string shapeText(const Shape &s)
{
    std::string text;
    for (size_t i = 0; i < s.size(); ++i)
        text += (i ? "×" : "") + std::to_string(s[i]);
    return text.empty() ? "a scalar" : text;
}

// Only the formats a user means by a picture reach the decoder, told by their first bytes
// (stb_image also guesses at PSD, HDR, PIC, TGA ...: less code facing a stray file).
constexpr size_t kLongestMagic = 18; // a BMP's file header and the size of its info header
bool startsWith(const uint8_t *bytes, size_t size, std::initializer_list<uint8_t> magic)
{
    return size >= magic.size() && std::equal(magic.begin(), magic.end(), bytes);
}
bool startsAsPng(const uint8_t *bytes, size_t size)
{
    return startsWith(bytes, size, {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
}
// "BM" alone starts many texts (a table whose first column is BMI): a BMP also gives at byte
// 14 the size of one of the info headers the format has known.
bool startsAsBmp(const uint8_t *bytes, size_t size)
{
    if (size < kLongestMagic || !startsWith(bytes, size, {'B', 'M'}))
        return false;
    const uint32_t info = uint32_t(bytes[14]) | uint32_t(bytes[15]) << 8 |
                          uint32_t(bytes[16]) << 16 | uint32_t(bytes[17]) << 24;
    for (uint32_t known : {12u, 40u, 52u, 56u, 64u, 108u, 124u})
        if (info == known)
            return true;
    return false;
}
bool startsAsPicture(const uint8_t *bytes, size_t size)
{
    return startsAsPng(bytes, size) || startsWith(bytes, size, {0xff, 0xd8, 0xff})       // JPEG
           || startsAsBmp(bytes, size) || startsWith(bytes, size, {'G', 'I', 'F', '8'}); // GIF
}

void refuseTooLarge(uint64_t width, uint64_t height, const std::string &source)
{
    if (width > uint64_t(kMaxPictureSide) || height > uint64_t(kMaxPictureSide) ||
        width * height > uint64_t(kMaxPicturePixels))
        throw Error(source + ": is " + std::to_string(width) + "×" + std::to_string(height) +
                    " pixels, more than Strata decodes (" + std::to_string(kMaxPictureSide) +
                    " a side, 64 megapixels); scale it down first");
}

} // namespace

Picture8 decodePicture(const uint8_t *bytes, size_t size, const std::string &source)
{
    if (size == 0)
        throw Error(source + ": is empty, not a picture");
    if (size > static_cast<size_t>(std::numeric_limits<int>::max()))
        throw Error(source + ": is too large to be a picture Strata reads");
    if (!startsAsPicture(bytes, size))
        throw Error(source + ": is not a PNG, JPEG, BMP or GIF picture (its first bytes say "
                             "otherwise); convert it to PNG first");
    // stb_image refuses a PNG of over a gigabyte of pixels, but its reason is lost when
    // stbi_info goes on to try the other formats: the size in its header is checked first.
    if (startsAsPng(bytes, size) && size >= 24 && std::equal(bytes + 12, bytes + 16, "IHDR")) {
        const auto be32 = [](const uint8_t *b) {
            return uint64_t(b[0]) << 24 | uint64_t(b[1]) << 16 | uint64_t(b[2]) << 8 | b[3];
        };
        refuseTooLarge(be32(bytes + 16), be32(bytes + 20), source);
    }
    int width = 0, height = 0, channels = 0;
    const int length = static_cast<int>(size);
    if (!internal::pictureHeader(bytes, length, &width, &height, &channels))
        throw Error(source + ": is not a picture Strata can read (" + internal::decoderFailure() +
                    "); use a PNG, JPEG or BMP file");
    if (width <= 0 || height <= 0)
        throw Error(source + ": has no pixels");
    refuseTooLarge(uint64_t(width), uint64_t(height), source);
    // Gray (with or without alpha) stays gray; anything with colour becomes RGB.
    const int wanted = channels <= 2 ? 1 : 3;
    int w = 0, h = 0;
    const internal::Pixels data = internal::decodePixels(bytes, length, wanted, &w, &h);
    if (!data)
        throw Error(source + ": cannot be decoded (" + internal::decoderFailure() +
                    "); the file may be damaged");
    if (w != width || h != height)
        throw Error(source + ": its header and its pixels disagree on its size");
    Picture8 picture;
    picture.width = w;
    picture.height = h;
    picture.channels = wanted;
    picture.pixels.assign(data.get(), data.get() + size_t(w) * size_t(h) * size_t(wanted));
    return picture;
}

Picture8 readPicture(const std::string &path)
{
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status))
        throw Error(path + ": no such file");
    if (!std::filesystem::is_regular_file(status))
        throw Error(path + ": is not a regular file, not a picture");
    const uint64_t size = std::filesystem::file_size(path, ec);
    if (ec)
        throw Error(path + ": cannot be read (" + ec.message() + ")");
    if (size > kMaxPictureFileBytes)
        throw Error(path + ": is " + std::to_string(size >> 20) +
                    " MB, more than a picture Strata reads (512 MB)");
    std::ifstream in(path, std::ios::binary);
    std::vector<uint8_t> bytes(static_cast<size_t>(size));
    if (size > 0 && !in.read(reinterpret_cast<char *>(bytes.data()), std::streamsize(size)))
        throw Error(path + ": cannot be read");
    return decodePicture(bytes.data(), bytes.size(), path);
}

bool looksLikePicture(const std::string &path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return false;
    std::ifstream in(path, std::ios::binary);
    uint8_t head[kLongestMagic] = {};
    in.read(reinterpret_cast<char *>(head), std::streamsize(sizeof head));
    return startsAsPicture(head, static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
}

bool hasPictureExtension(const std::string &path)
{
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    for (const char *known : {".png", ".jpg", ".jpeg", ".bmp", ".gif"})
        if (ext == known)
            return true;
    return false;
}

PictureShape pictureShapeFor(const Shape &in)
{
    PictureShape shape;
    if (in.size() == 3 && (in[0] == 1 || in[0] == 3) && in[1] > 0 && in[2] > 0 &&
        in[1] <= kMaxPictureSide && in[2] <= kMaxPictureSide) {
        shape.channels = static_cast<int>(in[0]);
        shape.height = static_cast<int>(in[1]);
        shape.width = static_cast<int>(in[2]);
        return shape;
    }
    if (in.size() == 1) {
        const auto side = static_cast<int64_t>(std::llround(std::sqrt(double(in[0]))));
        if (side > 1 && side * side == in[0] && side <= kMaxPictureSide) {
            shape.height = shape.width = static_cast<int>(side);
            shape.flat = true;
            return shape;
        }
    }
    throw Error("this model's input is " + shapeText(in) +
                ", which a picture cannot fill: a picture needs an input of 1×H×W (gray) or "
                "3×H×W (colour) values, or H·W features for a square gray picture (784 for "
                "28×28)");
}

std::vector<float> pictureAsInput(const Picture8 &picture, const PictureShape &shape)
{
    if (picture.width <= 0 || picture.height <= 0 ||
        picture.pixels.size() !=
            size_t(picture.width) * size_t(picture.height) * size_t(picture.channels))
        throw Error("the picture holds no pixels");
    const int W = shape.width, H = shape.height, C = shape.channels;
    // The picture's value of channel c at (x, y), converted to the model's channels.
    const auto at = [&](int x, int y, int c) -> float {
        const uint8_t *p = picture.pixels.data() + (size_t(y) * size_t(picture.width) + size_t(x)) *
                                                       size_t(picture.channels);
        if (picture.channels == C)
            return p[c];
        if (C == 1) // BT.601 luma, as PIL's convert("L")
            return 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
        return p[0]; // gray into all three channels
    };
    std::vector<float> out(size_t(C) * size_t(H) * size_t(W));
    // Bilinear, sampling at the centres of the output pixels (as OpenCV's INTER_LINEAR).
    const double sx = double(picture.width) / W, sy = double(picture.height) / H;
    for (int y = 0; y < H; ++y) {
        const double fy = std::clamp((y + 0.5) * sy - 0.5, 0.0, double(picture.height - 1));
        const int y0 = int(fy), y1 = std::min(y0 + 1, picture.height - 1);
        const double wy = fy - y0;
        for (int x = 0; x < W; ++x) {
            const double fx = std::clamp((x + 0.5) * sx - 0.5, 0.0, double(picture.width - 1));
            const int x0 = int(fx), x1 = std::min(x0 + 1, picture.width - 1);
            const double wx = fx - x0;
            for (int c = 0; c < C; ++c) {
                const double top = at(x0, y0, c) * (1 - wx) + at(x1, y0, c) * wx;
                const double bottom = at(x0, y1, c) * (1 - wx) + at(x1, y1, c) * wx;
                out[(size_t(c) * H + y) * W + x] = float(top * (1 - wy) + bottom * wy);
            }
        }
    }
    return out;
}

std::vector<ClassScore> topClasses(const float *outputs, int64_t count,
                                   const std::vector<std::string> &classNames, int k)
{
    std::vector<float> p;
    if (count == 1)
        p = {1 - outputs[0], outputs[0]}; // one sigmoid: class 1's probability
    else
        p.assign(outputs, outputs + count);
    std::vector<int> order(p.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return p[a] > p[b]; });
    order.resize(std::min<size_t>(order.size(), size_t(std::max(k, 0))));
    std::vector<ClassScore> top;
    for (int i : order)
        top.push_back({i, size_t(i) < classNames.size() ? classNames[size_t(i)] : std::to_string(i),
                       p[size_t(i)]});
    return top;
}

} // namespace strata
