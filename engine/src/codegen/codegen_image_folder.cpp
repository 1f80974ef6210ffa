// The generated data.py's reader of image folders: Strata's image_folder loader in Python
// (Pillow to decode, numpy for the conversion and the bilinear resize, in the same arithmetic
// as engine/src/data/image_input.cpp), so the samples come in Strata's order with Strata's
// values.

#include "codegen/codegen.h"

namespace strata::internal {

std::string imageFolderReaderSource()
{
    return R"PY(

PICTURE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")


def read_picture(path, channels, height, width):
    """A picture as Strata gives it to a model: C×H×W float32, 0-255.

    Decoded (a GIF's first frame; gray with or without alpha stays gray, anything with colour
    becomes RGB, alpha is dropped), converted to `channels` (gray by ITU-R BT.601 luma, in
    float32), resized with bilinear filtering sampled at the pixel centres. PNG, BMP and GIF
    give Strata's values exactly; JPEG decoders differ from Strata's (stb_image) by a few
    levels.
    """
    with Image.open(path) as im:
        im.seek(0)
        if im.mode.startswith("I"):  # 16-bit gray: the high byte, as stb_image keeps it
            p = (np.asarray(im).astype(np.uint32) >> 8).astype(np.uint8)
        elif im.mode in ("1", "L", "LA"):
            p = np.asarray(im.convert("L"))
        else:
            p = np.asarray(im.convert("RGB"))
    p = (p[:, :, None] if p.ndim == 2 else p).astype(np.float32)
    if p.shape[2] == channels:
        src = p
    elif channels == 1:
        src = (np.float32(0.299) * p[:, :, 0] + np.float32(0.587) * p[:, :, 1]
               + np.float32(0.114) * p[:, :, 2])[:, :, None]
    else:
        src = np.repeat(p, 3, axis=2)
    h, w = src.shape[:2]

    def axis(size, out):
        f = np.clip((np.arange(out) + 0.5) * (size / out) - 0.5, 0.0, size - 1)
        lo = f.astype(np.int64)
        return lo, np.minimum(lo + 1, size - 1), f - lo

    y0, y1, wy = axis(h, height)
    x0, x1, wx = axis(w, width)
    wx, wy = wx[None, :, None], wy[:, None, None]
    top = src[y0][:, x0] * (1 - wx) + src[y0][:, x1] * wx
    bottom = src[y1][:, x0] * (1 - wx) + src[y1][:, x1] * wx
    return (top * (1 - wy) + bottom * wy).astype(np.float32).transpose(2, 0, 1)


def read_image_folder(folder, channels, height, width, skip_bad_files=False):
    """A folder with one subfolder of pictures per class, read as Strata reads it.

    Classes: the subfolders (hidden ones aside) sorted by name. A class's pictures: its
    .png, .jpg, .jpeg, .bmp and .gif files (any case, in its subfolders too) sorted by path;
    any other file is an error unless skip_bad_files, as is a picture that cannot be read.
    The i-th of a class of n pictures is placed at (i + 0.5) / n, ties to the lower class, so
    every class spreads evenly through the set. Returns x (N×C×H×W), y, class names.
    """
    classes = sorted(e.name for e in os.scandir(folder)
                     if e.is_dir() and not e.name.startswith("."))
    if len(classes) < 2:
        raise ValueError(f"{folder}: needs at least two class folders")
    per_class = []
    for c in classes:
        pictures = []
        for root, dirs, files in os.walk(os.path.join(folder, c)):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                path = os.path.join(root, name)
                if name.startswith("."):
                    continue
                if name.lower().endswith(PICTURE_EXTENSIONS):
                    pictures.append(path)
                elif not skip_bad_files:
                    raise ValueError(f"{path}: is not a picture")
        if not pictures:
            raise ValueError(f"{os.path.join(folder, c)}: class '{c}' has no pictures")
        per_class.append(sorted(pictures))
    order = sorted((Fraction(2 * i + 1, 2 * len(p)), label, path)
                   for label, p in enumerate(per_class) for i, path in enumerate(p))
    x, y = [], []
    for _, label, path in order:
        try:
            x.append(read_picture(path, channels, height, width))
        except Exception:
            if not skip_bad_files:
                raise
            continue
        y.append(label)
    return (np.stack(x).astype(np.float32, copy=False), np.array(y, dtype=np.int64),
            classes)
)PY";
}

} // namespace strata::internal
