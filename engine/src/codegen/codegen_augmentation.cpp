// The generated data.py's augmentation: a NumPy copy of Strata's (data/augmentation.cpp) that
// draws the same numbers from the same streams in the same order, so the training scripts
// augment each batch exactly as Strata's trainer does. Kept apart from codegen_data.cpp, which
// includes it only when the project's augmentation is on.

#include "codegen/codegen.h"
#include "codegen/python_text.h"

namespace strata::internal {

namespace {

// The functions after the constants: the same for every project.
const char *kAugmentation = R"PY(

def augmentation_rng(epoch_key, position):
    """The stream one training sample draws from: a function of the epoch's key and the
    sample's position in the epoch only (Strata's augmentationRng)."""
    return StrataRng(int(epoch_key) ^ (int(position) * 0xD1B54A32D192ED03))


def augment_range(normalization, channels):
    """Black and white per channel (float32 arrays) as the normalised samples hold them: the
    pixel values 0 and 255 carried through the normalisation."""
    scale = np.float32(normalization["scale"])
    mean = normalization["mean"] or [0.0]
    std = normalization["std"] or [1.0]
    black, white = [], []
    for c in range(channels):
        m = np.float32(mean[0] if len(mean) == 1 else mean[c])
        s = np.float32(std[0] if len(std) == 1 else std[c])
        black.append((np.float32(0) * scale - m) / s)
        white.append((np.float32(255) * scale - m) / s)
    return np.array(black, dtype=np.float32), np.array(white, dtype=np.float32)


def _rotate_translate(x, degrees, tx, ty, fill):
    """x (C×H×W) turned counter-clockwise (as seen on screen) by `degrees` about its centre,
    then shifted right by tx and down by ty pixels: bilinear (in float64), with fill[c] coming
    in from outside the picture."""
    h, w = x.shape[1:]
    a = degrees * math.pi / 180.0
    cos_a, sin_a = math.cos(a), math.sin(a)
    # Quarter turns exactly (cos 90° is 6e-17 in doubles): a turn by 90° is a transpose.
    cos_a = 0.0 if abs(cos_a) < 1e-12 else cos_a
    sin_a = 0.0 if abs(sin_a) < 1e-12 else sin_a
    cx, cy = 0.5 * (w - 1), 0.5 * (h - 1)
    # Each output pixel samples the input where the inverse map takes it.
    rows, columns = np.mgrid[0:h, 0:w].astype(np.float64)
    dx = columns - tx - cx
    dy = rows - ty - cy
    sx = cos_a * dx - sin_a * dy + cx
    sy = sin_a * dx + cos_a * dy + cy
    fx, fy = np.floor(sx), np.floor(sy)
    ax, ay = sx - fx, sy - fy
    x0, y0 = fx.astype(np.int64), fy.astype(np.int64)
    fill = fill.astype(np.float64)[:, None, None]

    def at(yi, xi):
        # The input at (yi, xi) for every output pixel, fill where that is outside: each of
        # the four neighbours outside counts as fill, so the edge fades into it.
        inside = (yi >= 0) & (yi < h) & (xi >= 0) & (xi < w)
        values = x[:, np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)].astype(np.float64)
        return np.where(inside, values, fill)

    top = (1 - ax) * at(y0, x0) + ax * at(y0, x0 + 1)
    bottom = (1 - ax) * at(y0 + 1, x0) + ax * at(y0 + 1, x0 + 1)
    return ((1 - ay) * top + ay * bottom).astype(np.float32)


def _pad_crop(x, pad, dy, dx, fill):
    """x (C×H×W) padded with `pad` pixels of fill[c] on each side, cropped back to H×W at
    offset (dy, dx), each in [0, 2 pad]."""
    c, h, w = x.shape
    padded = np.empty((c, h + 2 * pad, w + 2 * pad), dtype=np.float32)
    padded[...] = fill[:, None, None]
    padded[:, pad:pad + h, pad:pad + w] = x
    return padded[:, dy:dy + h, dx:dx + w]


def _augment_picture(x, rng, black, white):
    """One C×H×W sample's picture transforms, in Strata's order, drawing from rng."""
    c, h, w = x.shape
    if HORIZONTAL_FLIP and rng.uniform() < 0.5:
        x = x[:, :, ::-1]
    if ROTATE > 0 or TRANSLATE > 0:
        degrees = (2 * rng.uniform() - 1) * ROTATE if ROTATE > 0 else 0.0
        tx = (2 * rng.uniform() - 1) * TRANSLATE * w if TRANSLATE > 0 else 0.0
        ty = (2 * rng.uniform() - 1) * TRANSLATE * h if TRANSLATE > 0 else 0.0
        x = _rotate_translate(x, degrees, tx, ty, black)
    if CROP_PADDING > 0:
        dy = rng.below(2 * CROP_PADDING + 1)
        dx = rng.below(2 * CROP_PADDING + 1)
        x = _pad_crop(x, CROP_PADDING, dy, dx, black)
    # Brightness and contrast keep every value between black and white.
    lo = np.minimum(black, white)[:, None, None]
    hi = np.maximum(black, white)[:, None, None]
    if BRIGHTNESS > 0:
        # One shift of the 0-255 values for every channel, in each channel's units.
        raw = (2 * rng.uniform() - 1) * BRIGHTNESS
        delta = (raw * (white - black).astype(np.float64)).astype(np.float32)
        x = np.clip(x + delta[:, None, None], lo, hi)
    if CONTRAST > 0:
        factor = np.float32(1 + (2 * rng.uniform() - 1) * CONTRAST)
        mean = x.reshape(c, -1).sum(axis=1, dtype=np.float64) / (h * w)
        mean = mean.astype(np.float32)[:, None, None]
        x = np.clip(mean + (x - mean) * factor, lo, hi)
    return x


def _uniforms_in_step(rngs, count):
    """`count` uniform draws from each stream of rngs (one row per stream): what `count`
    calls of rng.uniform() give, computed for all the streams at once with NumPy. Each
    stream is left where those calls would leave it."""
    s0, s1, s2, s3 = (np.array(words, dtype=np.uint64) for words in zip(*(r.s for r in rngs)))
    # StrataRng.next() on every stream at once: the state steps keeping each s1 they start
    # from, and the output (a function of that s1 alone) is made from them all afterwards.
    words = np.empty((count, len(rngs)), dtype=np.uint64)
    for i in range(count):
        words[i] = s1
        t = s1 << np.uint64(17)
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << np.uint64(45)) | (s3 >> np.uint64(19))
    for k, rng in enumerate(rngs):
        rng.s = [int(s0[k]), int(s1[k]), int(s2[k]), int(s3[k])]
    result = words * np.uint64(5)
    result = ((result << np.uint64(7)) | (result >> np.uint64(57))) * np.uint64(9)
    return ((result >> np.uint64(11)) * 2.0**-53).T  # uniform(): the top 53 bits


def augment_batch(xb, epoch_key, first_position, normalization):
    """The training batch xb (normalised samples) augmented as Strata augments it.

    Sample k draws from augmentation_rng(epoch_key, first_position + k), first_position
    being the batch's first position in the epoch's order; normalization is the one load()
    returned (it gives black and white). Returns a float32 copy; xb is left as it is.
    """
    out = np.array(xb, dtype=np.float32)
    rngs = [augmentation_rng(epoch_key, first_position + k) for k in range(len(out))]
    if PICTURE_TRANSFORMS:
        black, white = augment_range(normalization, out.shape[1])
        for k in range(len(out)):
            out[k] = _augment_picture(out[k], rngs[k], black, white)
    if NOISE > 0 and len(out) > 0:
        # NOISE × a standard normal for every value: Box-Muller from two uniform draws per
        # value, as StrataRng.normal() makes them, for all the samples' streams together.
        u = _uniforms_in_step(rngs, 2 * out[0].size)
        u1, u2 = np.maximum(u[:, 0::2], 1e-300), u[:, 1::2]
        normal = np.sqrt(-2.0 * np.log(u1)) * np.cos(6.283185307179586 * u2)
        out += (NOISE * normal).astype(np.float32).reshape(out.shape)
    return out
)PY";

} // namespace

std::string augmentationSource(const AugmentationSpec &spec)
{
    if (!spec.active())
        return {};
    std::string out = R"PY(

# The project's augmentation (the dataset's "augmentation"), made as Strata makes it: each
# training sample draws from a stream of its own, keyed by the epoch's key and the sample's
# position in the epoch, and goes through the same transforms in the same order (flip;
# rotation and translation in one bilinear resampling; padded crop; brightness; contrast;
# noise) on the normalised samples, so that the same numbers come out. Validation and test
# samples are never augmented.
)PY";
    out += "HORIZONTAL_FLIP = " + pyBool(spec.horizontalFlip) +
           "  # mirrored left to right with probability 1/2\n";
    out += "TRANSLATE = " + pyFloat(spec.translate) +
           "  # shifted by up to this fraction of the width and of the height\n";
    out +=
        "ROTATE = " + pyFloat(spec.rotate) + "  # turned by up to this many degrees either way\n";
    out += "CROP_PADDING = " + std::to_string(spec.cropPadding) +
           "  # padded with this many black pixels, cropped back at random\n";
    out += "BRIGHTNESS = " + pyFloat(spec.brightness) +
           "  # up to this fraction of black-to-white added\n";
    out += "CONTRAST = " + pyFloat(spec.contrast) +
           "  # the distance to the channel's mean scaled by 1 ± up to this\n";
    out += "NOISE = " + pyFloat(spec.noise) +
           "  # Gaussian noise of this standard deviation (after normalisation)\n";
    out += "PICTURE_TRANSFORMS = " + pyBool(spec.pictureTransforms()) +
           "  # any but noise: the samples are C×H×W pictures\n";
    return out + kAugmentation;
}

std::string augmentationDocText(const AugmentationSpec &spec)
{
    if (!spec.active())
        return {};
    return wrapText("Each training batch is augmented (" + spec.summary() +
                    ") as Strata augments it (data.augment_batch): the same transforms, drawn "
                    "from copies of Strata's random streams.\n");
}

std::string augmentationReadme(const AugmentationSpec &spec)
{
    if (!spec.active())
        return {};
    return wrapText("Augmentation: " + spec.summary() +
                        ". train.py augments every training batch as Strata does "
                        "(data.augment_batch): the same transforms in the same order, drawn from "
                        "copies of Strata's random streams (a key per epoch, a stream per sample "
                        "and position), so the batches hold the same augmented samples as "
                        "Strata's. Validation and test samples are never augmented.\n",
                    80) +
           "\n";
}

} // namespace strata::internal
