// Data augmentation (strata/augmentation.h): the spec's JSON, the transforms, and the
// Augmenter that applies them to one sample with draws from the sample's own stream.

#include "strata/augmentation.h"

#include "io/json_reader.h"
#include "strata/dataset.h"
#include "strata/errors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>

namespace strata {

namespace {

using json = nlohmann::json;

std::string number(double v)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", v);
    return text;
}

// Bilinear sample of one channel at (sx, sy), `fill` outside the picture (each of the four
// neighbours outside counts as fill, so the edge fades into it as Keras' and torchvision's
// constant fill does).
float bilinear(const float *plane, int64_t h, int64_t w, double sx, double sy, float fill)
{
    const double fx = std::floor(sx), fy = std::floor(sy);
    const auto x0 = static_cast<int64_t>(fx), y0 = static_cast<int64_t>(fy);
    const double ax = sx - fx, ay = sy - fy;
    const auto at = [&](int64_t y, int64_t x) {
        return y >= 0 && y < h && x >= 0 && x < w ? plane[y * w + x] : fill;
    };
    const double top = (1 - ax) * at(y0, x0) + ax * at(y0, x0 + 1);
    const double bottom = (1 - ax) * at(y0 + 1, x0) + ax * at(y0 + 1, x0 + 1);
    return static_cast<float>((1 - ay) * top + ay * bottom);
}

} // namespace

std::string AugmentationSpec::summary() const
{
    std::vector<std::string> parts;
    if (horizontalFlip)
        parts.push_back("flip");
    if (cropPadding > 0)
        parts.push_back("crop " + std::to_string(cropPadding));
    if (translate > 0)
        parts.push_back("shift " + number(translate * 100) + "%");
    if (rotate > 0)
        parts.push_back("rotate " + number(rotate) + "°");
    if (brightness > 0)
        parts.push_back("brightness " + number(brightness));
    if (contrast > 0)
        parts.push_back("contrast " + number(contrast));
    if (noise > 0)
        parts.push_back("noise " + number(noise));
    std::string text;
    for (const std::string &p : parts)
        text += (text.empty() ? "" : ", ") + p;
    return text.empty() ? "none" : text;
}

AugmentationSpec augmentationFromJson(const nlohmann::json &j, const std::string &jsonPath)
{
    AugmentationSpec spec;
    internal::JsonObjectReader r(j, jsonPath);
    r.boolean("horizontal_flip", spec.horizontalFlip);
    r.integer("crop_padding", spec.cropPadding, 0, kMaxCropPadding);
    r.number("translate", spec.translate, {0, 0.5});
    r.number("rotate", spec.rotate, {0, 180});
    r.number("brightness", spec.brightness, {0, 1});
    r.number("contrast", spec.contrast, {0, 1});
    r.number("noise", spec.noise, {0, 1e6});
    r.finish();
    return spec;
}

nlohmann::json toJson(const AugmentationSpec &spec)
{
    json j = json::object();
    if (spec.horizontalFlip)
        j["horizontal_flip"] = true;
    if (spec.cropPadding > 0)
        j["crop_padding"] = spec.cropPadding;
    const auto put = [&](const char *key, double v) {
        if (v > 0)
            j[key] = v;
    };
    put("translate", spec.translate);
    put("rotate", spec.rotate);
    put("brightness", spec.brightness);
    put("contrast", spec.contrast);
    put("noise", spec.noise);
    return j;
}

std::string augmentationProblem(const AugmentationSpec &spec, const Shape &sampleShape,
                                bool pictureValues)
{
    if (!spec.pictureTransforms())
        return {};
    if (sampleShape.size() != 3 || !pictureValues)
        return "Augmentation by " + spec.summary() +
               " needs pictures, but the dataset's samples are " +
               (sampleShape.size() == 1 ? "rows of " + std::to_string(sampleShape[0]) + " values"
                                        : toString(sampleShape)) +
               ": turn those transforms off (noise alone works on any data), or use an idx, "
               "cifar10 or image_folder dataset";
    const int64_t side = std::min(sampleShape[1], sampleShape[2]);
    if (spec.cropPadding >= side)
        return "Augmentation's crop padding (" + std::to_string(spec.cropPadding) +
               ") must be smaller than the pictures (" + std::to_string(sampleShape[1]) + "x" +
               std::to_string(sampleShape[2]) + "): use at most " + std::to_string(side - 1);
    return {};
}

AugmentRange augmentRange(const Normalization &n, int64_t channels)
{
    AugmentRange range;
    for (int64_t c = 0; c < channels; ++c) {
        const float m = n.mean.empty() ? 0.0f : n.mean.size() == 1 ? n.mean[0] : n.mean[size_t(c)];
        const float s = n.std.empty() ? 1.0f : n.std.size() == 1 ? n.std[0] : n.std[size_t(c)];
        range.black.push_back((0.0f * n.scale - m) / s);
        range.white.push_back((255.0f * n.scale - m) / s);
    }
    return range;
}

Rng augmentationRng(uint64_t epochKey, int64_t position)
{
    // Rng's seeding runs the seed through splitmix64: keys that differ in any bit give
    // unrelated streams.
    return Rng(epochKey ^ (static_cast<uint64_t>(position) * 0xd1b54a32d192ed03ULL));
}

Augmenter::Augmenter(const AugmentationSpec &spec, Shape sampleShape, AugmentRange range,
                     bool pictureValues)
    : spec_(spec), shape_(std::move(sampleShape)), range_(std::move(range))
{
    if (std::string why = augmentationProblem(spec_, shape_, pictureValues); !why.empty())
        throw Error(why);
    if (spec_.pictureTransforms() &&
        (range_.black.size() != size_t(shape_[0]) || range_.white.size() != size_t(shape_[0])))
        throw Error("Augmenter: the range has " + std::to_string(range_.black.size()) +
                    " channels, the samples " + std::to_string(shape_[0]));
}

void Augmenter::apply(const float *in, float *out, Rng &rng, std::vector<float> &scratch) const
{
    const int64_t n = numel(shape_);
    if (in != out)
        std::copy(in, in + n, out);
    if (spec_.pictureTransforms()) {
        const int64_t c = shape_[0], h = shape_[1], w = shape_[2];
        const float *fill = range_.black.data();
        scratch.resize(size_t(n));
        if (spec_.horizontalFlip && rng.uniform() < 0.5)
            augment::flipHorizontal(out, c, h, w);
        if (spec_.rotate > 0 || spec_.translate > 0) {
            const double degrees = spec_.rotate > 0 ? (2 * rng.uniform() - 1) * spec_.rotate : 0;
            const double tx =
                spec_.translate > 0 ? (2 * rng.uniform() - 1) * spec_.translate * double(w) : 0;
            const double ty =
                spec_.translate > 0 ? (2 * rng.uniform() - 1) * spec_.translate * double(h) : 0;
            std::copy(out, out + n, scratch.begin());
            augment::rotateTranslate(scratch.data(), out, c, h, w, degrees, tx, ty, fill);
        }
        if (spec_.cropPadding > 0) {
            const auto range = static_cast<uint64_t>(2 * spec_.cropPadding + 1);
            const int dy = static_cast<int>(rng.below(range));
            const int dx = static_cast<int>(rng.below(range));
            std::copy(out, out + n, scratch.begin());
            augment::padCrop(scratch.data(), out, c, h, w, spec_.cropPadding, dy, dx, fill);
        }
        if (spec_.brightness > 0) // one shift of the raw values, in each channel's units
            augment::shift(out, c, h * w, (2 * rng.uniform() - 1) * spec_.brightness, range_);
        if (spec_.contrast > 0) {
            const auto factor = static_cast<float>(1 + (2 * rng.uniform() - 1) * spec_.contrast);
            augment::scaleContrast(out, c, h * w, factor, range_);
        }
    }
    if (spec_.noise > 0)
        for (int64_t i = 0; i < n; ++i)
            out[i] += static_cast<float>(spec_.noise * rng.normal());
}

std::vector<std::vector<float>> augmentationDraws(const Augmenter &augmenter, const float *sample,
                                                  int count)
{
    std::vector<std::vector<float>> draws;
    std::vector<float> scratch;
    for (int k = 0; k < count; ++k) {
        std::vector<float> out(size_t(numel(augmenter.shape())));
        Rng rng = augmentationRng(uint64_t(k) + 1, 0);
        augmenter.apply(sample, out.data(), rng, scratch);
        draws.push_back(std::move(out));
    }
    return draws;
}

uint8_t pictureLevel(float value, const AugmentRange &range, int64_t channel)
{
    const float black = range.black.at(size_t(channel)), white = range.white.at(size_t(channel));
    const float t = white != black ? (value - black) / (white - black) : 0.0f;
    return static_cast<uint8_t>(std::lround(std::clamp(t, 0.0f, 1.0f) * 255.0f));
}

namespace augment {

void flipHorizontal(float *x, int64_t c, int64_t h, int64_t w)
{
    for (int64_t row = 0; row < c * h; ++row)
        std::reverse(x + row * w, x + (row + 1) * w);
}

void padCrop(const float *in, float *out, int64_t c, int64_t h, int64_t w, int pad, int dy, int dx,
             const float *fill)
{
    for (int64_t k = 0; k < c; ++k)
        for (int64_t y = 0; y < h; ++y) {
            const int64_t sy = y + dy - pad;
            float *row = out + (k * h + y) * w;
            for (int64_t x = 0; x < w; ++x) {
                const int64_t sx = x + dx - pad;
                row[x] =
                    sy >= 0 && sy < h && sx >= 0 && sx < w ? in[(k * h + sy) * w + sx] : fill[k];
            }
        }
}

void rotateTranslate(const float *in, float *out, int64_t c, int64_t h, int64_t w, double degrees,
                     double tx, double ty, const float *fill)
{
    // Each output pixel samples the input where the inverse map takes it. On screen (y down)
    // a counter-clockwise turn by a maps (x, y) about the centre to
    // (x cos a + y sin a, -x sin a + y cos a); its inverse turns the other way.
    const double a = degrees * std::numbers::pi / 180.0;
    double cosA = std::cos(a), sinA = std::sin(a);
    // Quarter turns exactly (cos 90° is 6e-17 in doubles): a rotation by 90° is a transpose.
    if (std::fabs(cosA) < 1e-12)
        cosA = 0;
    if (std::fabs(sinA) < 1e-12)
        sinA = 0;
    const double cx = 0.5 * double(w - 1), cy = 0.5 * double(h - 1);
    for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x) {
            const double dx = double(x) - tx - cx, dy = double(y) - ty - cy;
            const double sx = cosA * dx - sinA * dy + cx;
            const double sy = sinA * dx + cosA * dy + cy;
            for (int64_t k = 0; k < c; ++k)
                out[(k * h + y) * w + x] = bilinear(in + k * h * w, h, w, sx, sy, fill[k]);
        }
}

void shift(float *x, int64_t c, int64_t hw, double fraction, const AugmentRange &range)
{
    for (int64_t k = 0; k < c; ++k) {
        const float lo = range.black[size_t(k)], hi = range.white[size_t(k)];
        const auto delta = static_cast<float>(fraction * (hi - lo)); // as the exported code
        float *p = x + k * hw;
        for (int64_t i = 0; i < hw; ++i)
            p[i] = std::clamp(p[i] + delta, std::min(lo, hi), std::max(lo, hi));
    }
}

void scaleContrast(float *x, int64_t c, int64_t hw, float factor, const AugmentRange &range)
{
    for (int64_t k = 0; k < c; ++k) {
        const float lo = range.black[size_t(k)], hi = range.white[size_t(k)];
        float *p = x + k * hw;
        double sum = 0;
        for (int64_t i = 0; i < hw; ++i)
            sum += p[i];
        const auto mean = static_cast<float>(hw > 0 ? sum / double(hw) : 0);
        for (int64_t i = 0; i < hw; ++i)
            p[i] = std::clamp(mean + (p[i] - mean) * factor, std::min(lo, hi), std::max(lo, hi));
    }
}

} // namespace augment

} // namespace strata
