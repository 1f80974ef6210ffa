#pragma once
// A picture as a model's input, and the model's answer as its top classes: what the
// inference panel and `strata-cli predict --image` ask of a trained image model.
//
// A picture file (PNG, JPEG, BMP, or a GIF's first frame, decoded by stb_image) is
// decoded, converted to the model's channels (grayscale by ITU-R BT.601 luma, or RGB), resized
// with bilinear filtering to the model's height and width, and given as 0-255 floats in
// channel-major order, the units the IDX and CIFAR-10 loaders use; the weights file's
// normalisation then treats it as it treated the training data.

#include "strata/tensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace strata {

// Pixels of one picture: height x width x channels (1: gray, 3: RGB), 0-255, row by row.
struct Picture8
{
    int width = 0, height = 0, channels = 0;
    std::vector<uint8_t> pixels;
};

// The largest picture decoded: 16384 pixels a side and 64 megapixels (a picture claiming more
// in its header is refused before any pixel is decoded).
inline constexpr int kMaxPictureSide = 16384;
inline constexpr int64_t kMaxPicturePixels = int64_t(64) << 20;

// Decodes a picture file, keeping its channels as 1 (gray) or 3 (RGB; alpha is dropped, gray
// with alpha becomes gray). Throws Error naming the file and what is wrong: missing, not a
// regular file, not one of those formats (by its first bytes), damaged (with stb's reason),
// too large.
Picture8 readPicture(const std::string &path);
// The same from bytes in memory (a dropped file, a fuzzer's input); `source` names it.
Picture8 decodePicture(const uint8_t *bytes, size_t size, const std::string &source);

// Whether a regular file starts as a PNG, JPEG, BMP or GIF does (the test readPicture makes
// before decoding). False for anything else, including a missing file, a folder or a pipe
// (which it leaves unread).
bool looksLikePicture(const std::string &path);
// Whether a file name ends in .png, .jpg, .jpeg, .bmp or .gif, in any case: how a folder's
// pictures are told apart without reading them.
bool hasPictureExtension(const std::string &path);

// How a picture fits a model's per-sample input shape: C x H x W with C = 1 or 3, or a flat
// input of H*W features (a square grayscale picture, as an MLP on MNIST takes). Throws Error
// saying why this input cannot take a picture.
struct PictureShape
{
    int channels = 1, height = 0, width = 0;
    bool flat = false;
};
PictureShape pictureShapeFor(const Shape &inputShape);

// The picture as one sample for that input: converted, resized, 0-255 floats, channel-major;
// numel = channels * height * width.
std::vector<float> pictureAsInput(const Picture8 &picture, const PictureShape &shape);

// A model's answer for one sample: its classes by probability, highest first.
struct ClassScore
{
    int index = 0;
    std::string name; // the class name, or its number when the model has none
    float probability = 0;
};
// The k most probable of one sample's outputs (a single sigmoid output counts as two classes,
// p and 1 - p); ties keep the lower index first.
std::vector<ClassScore> topClasses(const float *outputs, int64_t count,
                                   const std::vector<std::string> &classNames, int k);

} // namespace strata
