// IDX files, the format of MNIST and Fashion-MNIST: a 4-byte magic (two zero bytes, the
// element type, the number of dimensions), one big-endian uint32 per dimension, then the
// elements. Only unsigned bytes (type 0x08) are used by those sets, so only they are read.

#include "data/idx.h"

#include "data/data_file.h"

#include "strata/dataset.h"
#include "strata/errors.h"
#include "strata/memory.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>

namespace strata {

namespace {

using internal::DataFile;
using internal::throwFileError;

constexpr uint8_t kUnsignedByte = 0x08;
// A ceiling on what we agree to read: no real IDX set comes near it, and a corrupt header
// that claims more is caught before it costs memory.
constexpr int64_t kMaxElements = int64_t(1) << 31;

std::string hex32(uint32_t v)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", v);
    return buf;
}

struct IdxHeader
{
    std::vector<int64_t> dims;
    int64_t elements = 0; // product of dims
};

// Reads and checks the header of an unsigned-byte IDX file with the given number of
// dimensions; `what` names the contents ("image", "label") for messages.
IdxHeader readHeader(DataFile &file, int wantDims, const char *what)
{
    const uint32_t wantMagic = (uint32_t(kUnsignedByte) << 8) | uint32_t(wantDims);
    uint8_t magic[4];
    if (file.read(magic, 4) < 4)
        throwFileError(file.path(), "too short for an IDX header: expected a 4-byte magic " +
                                        hex32(wantMagic) + " at offset 0");
    const uint32_t found = (uint32_t(magic[0]) << 24) | (uint32_t(magic[1]) << 16) |
                           (uint32_t(magic[2]) << 8) | uint32_t(magic[3]);
    if (magic[0] != 0 || magic[1] != 0 || magic[2] != kUnsignedByte)
        throwFileError(file.path(), "bad magic number " + hex32(found) + " at offset 0: expected " +
                                        hex32(wantMagic) + " (an IDX " + what +
                                        " file of unsigned bytes)");
    if (magic[3] != wantDims) {
        std::string hint;
        if (wantDims == 1 && magic[3] == 3)
            hint = " (is this the image file?)";
        else if (wantDims == 3 && magic[3] == 1)
            hint = " (is this the label file?)";
        throwFileError(file.path(), "has " + std::to_string(magic[3]) + " dimensions (magic " +
                                        hex32(found) + ") but an IDX " + what + " file needs " +
                                        std::to_string(wantDims) + " (magic " + hex32(wantMagic) +
                                        ")" + hint);
    }

    IdxHeader header;
    std::string shown;
    bool overflow = false;
    int64_t product = 1;
    for (int i = 0; i < wantDims; ++i) {
        uint8_t b[4];
        const int64_t at = file.offset();
        if (file.read(b, 4) < 4)
            throwFileError(file.path(), "truncated header: the file ends at offset " +
                                            std::to_string(file.offset()) + " where dimension " +
                                            std::to_string(i + 1) + " (4 bytes at offset " +
                                            std::to_string(at) + ") was expected");
        const int64_t d =
            (int64_t(b[0]) << 24) | (int64_t(b[1]) << 16) | (int64_t(b[2]) << 8) | int64_t(b[3]);
        if (d == 0)
            throwFileError(file.path(), "dimension " + std::to_string(i + 1) + " at offset " +
                                            std::to_string(at) + " is 0: the file declares no " +
                                            what + "s");
        header.dims.push_back(d);
        shown += (i ? "×" : "") + std::to_string(d);
        if (__builtin_mul_overflow(product, d, &product))
            overflow = true;
    }
    if (overflow)
        throwFileError(file.path(), "dimensions " + shown +
                                        " in the header are too large: their product "
                                        "overflows a 64-bit integer (corrupt header?)");
    if (product > kMaxElements)
        throwFileError(file.path(), "dimensions " + shown + " in the header are too large: " +
                                        std::to_string(product) + " " + what +
                                        " bytes is more than the 2^31 this loader accepts "
                                        "(corrupt header?)");
    header.elements = product;
    return header;
}

// Reads exactly the payload bytes the header declares after the header and checks nothing follows
// them.
std::vector<uint8_t> readPayload(DataFile &file, const IdxHeader &header, const char *what)
{
    const int64_t start = file.offset();
    std::vector<uint8_t> bytes = file.readUpTo(static_cast<size_t>(header.elements));
    if (static_cast<int64_t>(bytes.size()) < header.elements) {
        // "3×28×28 = 2352 bytes" for images, "3 bytes" for labels.
        std::string shown;
        for (size_t i = 0; header.dims.size() > 1 && i < header.dims.size(); ++i)
            shown += (i ? "×" : "") + std::to_string(header.dims[i]) +
                     (i + 1 == header.dims.size() ? " = " : "");
        throwFileError(file.path(), std::string("truncated ") + what +
                                        " data: the header declares " + shown +
                                        std::to_string(header.elements) + " bytes after offset " +
                                        std::to_string(start) + " but the file ends at offset " +
                                        std::to_string(file.offset()) +
                                        (file.compressed() ? " (decompressed)" : ""));
    }
    uint8_t extra[1];
    if (file.read(extra, 1) > 0)
        throwFileError(file.path(), "has more data after offset " +
                                        std::to_string(start + header.elements) + ", where the " +
                                        what + "s the header declares end (is its count wrong?)");
    return bytes;
}

} // namespace

std::vector<std::string> internal::fashionMnistClassNames()
{
    return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
}

bool internal::looksLikeFashionMnist(const std::string &path)
{
    std::string lower = path;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower.find("fashion") != std::string::npos;
}

Shape internal::idxImageShape(const std::string &imagesPath)
{
    DataFile images(imagesPath);
    const IdxHeader header = readHeader(images, 3, "image");
    return {1, header.dims[1], header.dims[2]};
}

Dataset loadIdx(const std::string &imagesPath, const std::string &labelsPath)
{
    DataFile images(imagesPath);
    const IdxHeader imageHeader = readHeader(images, 3, "image");

    // Check the labels' header before reading megabytes of pixels: a count mismatch is the
    // most common mistake (train images with test labels) and is cheap to find.
    DataFile labels(labelsPath);
    const IdxHeader labelHeader = readHeader(labels, 1, "label");
    const int64_t count = imageHeader.dims[0];
    if (labelHeader.dims[0] != count)
        throw DatasetError(imagesPath + " has " + std::to_string(count) + " images but " +
                           labelsPath + " has " + std::to_string(labelHeader.dims[0]) +
                           " labels: the counts must match (mixed up train and test files?)");

    // A gzip file can expand a thousandfold (2 MB to 2 GB): from the header's count, before
    // anything is decompressed, check that the bytes and their floats fit. (A raw file's
    // payload is read in growing steps, so a header that lies about it costs nothing.)
    const std::string loading = "loading " + std::to_string(count) + " images as floats";
    const char *advice = "use a machine with more memory or a smaller file";
    if (images.compressed())
        if (std::string m = memoryShortfall(double(imageHeader.elements) * (1 + sizeof(float)),
                                            loading, advice);
            !m.empty())
            throwFileError(imagesPath, m);
    const std::vector<uint8_t> pixels = readPayload(images, imageHeader, "image");
    const std::vector<uint8_t> labelBytes = readPayload(labels, labelHeader, "label");

    Dataset data;
    data.name = std::filesystem::path(imagesPath).filename().string();
    data.sampleShape = {1, imageHeader.dims[1], imageHeader.dims[2]};
    if (std::string m = memoryShortfall(double(pixels.size()) * sizeof(float), loading, advice);
        !m.empty())
        throwFileError(imagesPath, m);
    data.features.assign(pixels.begin(), pixels.end());
    data.labels.assign(labelBytes.begin(), labelBytes.end());
    // Unsigned bytes cannot be out of range; the class count is what the labels use.
    const int maxLabel = *std::max_element(labelBytes.begin(), labelBytes.end());
    data.classNames = internal::genericClassNames(maxLabel + 1);
    return data;
}

} // namespace strata
