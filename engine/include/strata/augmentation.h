#pragma once
// Data augmentation: random changes to each training sample as a batch is gathered, so a model
// sees a slightly different picture every epoch (Keras' RandomFlip, RandomTranslation,
// RandomRotation, RandomBrightness, RandomContrast, GaussianNoise; torchvision's
// RandomHorizontalFlip, RandomCrop(padding=...), RandomAffine). Validation and test samples
// are never augmented.
//
// The transforms apply in this order: flip, rotation with translation (one bilinear
// resampling), padded crop, brightness, contrast, noise. The geometric ones fill what comes in
// from outside the picture with black; brightness and contrast keep values within black..white.
// They work on the samples as training sees them (normalised): the normalisation is an affine
// map per channel, so flips, crops and resampling commute with it, and black and white are
// carried through it (AugmentRange).
//
// Each sample draws from its own stream, keyed by the epoch's key and the sample's position in
// the epoch (augmentationRng): the result does not depend on which thread augments it or in
// what order, and a resumed run redraws exactly what an uninterrupted one drew.

#include "strata/rng.h"
#include "strata/tensor.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace strata {

struct Normalization;

struct AugmentationSpec
{
    bool horizontalFlip = false; // flip left-right with probability 1/2
    int cropPadding = 0;         // pad each side with this many black pixels, crop back at random
    double translate = 0;        // shift by up to this fraction of the width and height, [0, 0.5]
    double rotate = 0;           // rotate by up to this many degrees either way, [0, 180]
    double brightness = 0;       // add up to this fraction of black..white either way, [0, 1]
    double contrast = 0;         // scale the distance to the channel's mean by 1 ± up to this
    double noise = 0;            // Gaussian noise of this standard deviation, in the model's
                                 // input units (after normalisation); the only one for tables

    bool active() const { return pictureTransforms() || noise > 0; }
    // Whether a transform that needs pictures (a C x H x W sample) is on.
    bool pictureTransforms() const
    {
        return horizontalFlip || cropPadding > 0 || translate > 0 || rotate > 0 || brightness > 0 ||
               contrast > 0;
    }
    // "flip, crop 4, rotate 10°": the transforms that are on, for logs and the studio.
    std::string summary() const;
    bool operator==(const AugmentationSpec &) const = default;
};

inline constexpr int kMaxCropPadding = 256;

// Reads the dataset's "augmentation" object; throws ProjectError naming the key.
AugmentationSpec augmentationFromJson(const nlohmann::json &j, const std::string &jsonPath);
// Only the transforms that are on.
nlohmann::json toJson(const AugmentationSpec &spec);

// Why spec cannot augment samples of this shape ("" when it can): picture transforms need
// C x H x W samples whose values run from 0 (black) to 255 (white) before normalisation,
// which idx, cifar10 and image_folder datasets have; a crop's padding must be smaller than
// the picture.
std::string augmentationProblem(const AugmentationSpec &spec, const Shape &sampleShape,
                                bool pictureValues);

// Black and white per channel, as the samples hold them after normalisation.
struct AugmentRange
{
    std::vector<float> black, white;
};
AugmentRange augmentRange(const Normalization &normalization, int64_t channels);

// The stream one sample's draws come from: a function of the epoch's key and the sample's
// position in the epoch only.
Rng augmentationRng(uint64_t epochKey, int64_t position);

// Augments samples of one shape. Thread-safe: apply keeps no state (scratch is the caller's).
class Augmenter
{
public:
    // sampleShape: {C, H, W} for pictures, any shape for noise alone. Throws Error with
    // augmentationProblem's message.
    Augmenter(const AugmentationSpec &spec, Shape sampleShape, AugmentRange range,
              bool pictureValues = true);

    // out = in augmented with draws from rng (in == out is allowed). scratch grows to a
    // sample's size.
    void apply(const float *in, float *out, Rng &rng, std::vector<float> &scratch) const;
    const AugmentationSpec &spec() const { return spec_; }
    const Shape &shape() const { return shape_; }
    const AugmentRange &range() const { return range_; }

private:
    AugmentationSpec spec_;
    Shape shape_;
    AugmentRange range_;
};

// `count` draws of one sample, as `count` different epochs could augment it (draw k uses the
// stream of epoch key k + 1, position 0): what the studio's preview and `strata-cli augment`
// show.
std::vector<std::vector<float>> augmentationDraws(const Augmenter &augmenter, const float *sample,
                                                  int count);
// A picture value (normalised) as a 0-255 gray level of its channel: the inverse of the
// normalisation, clamped.
uint8_t pictureLevel(float value, const AugmentRange &range, int64_t channel);

// The transforms, one sample of C x H x W values at a time, for tests and the preview.
namespace augment {
void flipHorizontal(float *x, int64_t c, int64_t h, int64_t w);
// out[y][x] = in[y + dy - pad][x + dx - pad], fill[channel] outside; dy, dx in [0, 2 pad].
void padCrop(const float *in, float *out, int64_t c, int64_t h, int64_t w, int pad, int dy, int dx,
             const float *fill);
// out = in rotated counter-clockwise (as seen on screen) by `degrees` about the picture's
// centre, then shifted right by tx and down by ty pixels; bilinear, fill[channel] outside.
void rotateTranslate(const float *in, float *out, int64_t c, int64_t h, int64_t w, double degrees,
                     double tx, double ty, const float *fill);
// x += fraction x (white - black) per channel, kept within [black, white].
void shift(float *x, int64_t c, int64_t hw, double fraction, const AugmentRange &range);
// x = mean + (x - mean) * factor per channel (the channel's mean over the picture), kept
// within [black, white].
void scaleContrast(float *x, int64_t c, int64_t hw, float factor, const AugmentRange &range);
} // namespace augment

} // namespace strata
