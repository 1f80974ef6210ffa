// Image folders: the input becomes a small folder tree, which loadImageFolder then reads.
//
//   byte 0, 1: the image size asked for, 1 to 16 pixels a side (height, width)
//   byte 2:    bit 0 grayscale (else RGB), bit 1 skip bad files, bit 2 read the folder again
//              with three decoding threads (the result must be the same), bit 3 name the
//              folder with a trailing slash
//   byte 3:    the class folders: how many (0 to 4) and which names (from a table, hidden and
//              repeated ones included)
//   byte 4:    the limit (0: none, else 1 to 8 samples)
//   then one entry per file, at most kMaxEntries, each 3 bytes and a payload:
//     where:   which class folder (one past the last: the top folder itself), at what depth
//              (its own folder, a subfolder, a nested one, a hidden one), with what extension
//     what:    the payload raw, a small valid PNG (gray or RGBA), BMP, GIF or JPEG cut short
//              and patched by the payload, an empty file, a folder named like a picture, a
//              link that loops back to the class folder, or a dangling link
//     length:  the payload's length
//
// The tree is written under a fresh folder on /dev/shm when it is writable (else $TMPDIR),
// removed after each input. DatasetError is the only refusal the loader documents; any other
// exception escapes and is a finding, as is a loaded set that breaks the loader's promises.

#include "fuzz_input.h"
#include "strata/dataset.h"

#include <stb_image_write.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using strata::fuzz::broken;

constexpr size_t kHeader = 5;
constexpr int kMaxEntries = 24;

std::vector<uint8_t> encoded(int (*write)(stbi_write_func *, void *, int, int, int, const void *),
                             int width, int height, int channels)
{
    std::vector<uint8_t> pixels(size_t(width * height * channels));
    for (size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = uint8_t(i * 53 + 7);
    std::vector<uint8_t> out;
    write(
        [](void *context, void *data, int size) {
            auto *bytes = static_cast<uint8_t *>(data);
            static_cast<std::vector<uint8_t> *>(context)->insert(
                static_cast<std::vector<uint8_t> *>(context)->end(), bytes, bytes + size);
        },
        &out, width, height, channels, pixels.data());
    return out;
}

int writePng(stbi_write_func *f, void *c, int w, int h, int n, const void *p)
{
    return stbi_write_png_to_func(f, c, w, h, n, p, w * n);
}
int writeBmp(stbi_write_func *f, void *c, int w, int h, int n, const void *p)
{
    return stbi_write_bmp_to_func(f, c, w, h, n, p);
}
int writeJpg(stbi_write_func *f, void *c, int w, int h, int n, const void *p)
{
    return stbi_write_jpg_to_func(f, c, w, h, n, p, 80);
}

// Small valid pictures the entries start from (a 1x1 GIF: stb writes none).
const std::vector<std::vector<uint8_t>> &templates()
{
    static const std::vector<std::vector<uint8_t>> t = {
        encoded(writePng, 5, 4, 1),
        encoded(writePng, 3, 6, 4),
        encoded(writeBmp, 4, 3, 3),
        {'G',  'I', 'F', '8', '9', 'a',  1, 0, 1, 0,   0x80, 0, 0,   0xff, 0xff,
         0xff, 0,   0,   0,   '!', 0xf9, 4, 1, 0, 0,   0,    0, ',', 0,    0,
         0,    0,   1,   0,   1,   0,    0, 2, 2, 'D', 1,    0, ';'},
        encoded(writeJpg, 8, 8, 3),
    };
    return t;
}

// A folder of this process's own: on /dev/shm (memory, fast) when it can be written. What
// earlier processes left there (a crash ends one before it cleans up) is removed first.
fs::path scratchRoot()
{
    const fs::path shm = "/dev/shm";
    if (::access(shm.c_str(), W_OK) != 0)
        return strata::fuzz::scratchPath("image_folder");
    const std::string prefix = "strata-fuzz-", suffix = "-image_folder";
    std::error_code ec;
    for (const fs::directory_entry &e : fs::directory_iterator(shm, ec)) {
        const std::string name = e.path().filename().string();
        if (name.size() <= prefix.size() + suffix.size() || name.rfind(prefix, 0) != 0 ||
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
            continue;
        const std::string pid =
            name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
        if (pid.size() <= 9 && pid.find_first_not_of("0123456789") == std::string::npos &&
            ::kill(std::stoi(pid), 0) != 0 && errno == ESRCH)
            fs::remove_all(e.path(), ec);
    }
    return shm / (prefix + std::to_string(::getpid()) + suffix);
}

void writeBytes(const fs::path &path, const std::vector<uint8_t> &bytes)
{
    strata::fuzz::writeFile(path.string(), bytes.data(), bytes.size());
}

// Writes the tree the input describes under root.
void buildTree(const fs::path &root, const uint8_t *data, size_t size)
{
    static const char *names[] = {"cat", "dog", ".hidden", "Zebra", "with space", "b", "ä", "1"};
    static const char *depths[] = {"", "sub", "sub/deeper", ".private"};
    static const char *extensions[] = {".png", ".PNG", ".jpg", ".jpeg", ".bmp", ".Gif", ".txt", ""};
    fs::create_directories(root);
    std::vector<fs::path> folders;
    for (int c = 0; c < data[3] % 5; ++c) {
        folders.push_back(root / names[(data[3] / 5 + c * 3) % 8]);
        fs::create_directories(folders.back());
    }
    folders.push_back(root); // the top folder: a loose file
    size_t at = kHeader;
    for (int e = 0; e < kMaxEntries && at + 3 <= size; ++e) {
        const uint8_t where = data[at], what = data[at + 1];
        const size_t length = std::min<size_t>(data[at + 2], size - at - 3);
        const uint8_t *payload = data + at + 3;
        at += 3 + length;

        const fs::path &folder = folders[where % folders.size()];
        const fs::path dir = folder / depths[(where >> 3) % 4];
        fs::create_directories(dir);
        char stem[8];
        std::snprintf(stem, sizeof stem, "%03d", e);
        const fs::path file = dir / (stem + std::string(extensions[where >> 5]));
        std::error_code ec;
        switch (what % 10) {
        case 0:
            writeBytes(file, std::vector<uint8_t>(payload, payload + length));
            break;
        case 6:
            writeBytes(file, {});
            break;
        case 7:
            fs::create_directories(file);
            break;
        case 8:
            fs::create_directory_symlink(folder, file, ec);
            break;
        case 9:
            fs::create_symlink(root / "nowhere", file, ec);
            break;
        default: {
            // Cut at the first payload byte's share of the file, then patched at (offset, xor)
            // pairs.
            std::vector<uint8_t> bytes = templates()[size_t(what % 10 - 1)];
            if (length > 0 && payload[0] != 255)
                bytes.resize(bytes.size() * payload[0] / 255);
            for (size_t i = 1; i + 1 < length && !bytes.empty(); i += 2)
                bytes[payload[i] % bytes.size()] ^= payload[i + 1];
            writeBytes(file, bytes);
        }
        }
    }
}

struct Outcome
{
    bool loaded = false;
    std::string error;
    strata::Dataset data;
    std::vector<std::string> warnings;
};

Outcome load(const std::string &folder, const strata::ImageFolderOptions &options)
{
    Outcome o;
    try {
        o.data = strata::loadImageFolder(folder, options, &o.warnings);
        o.loaded = true;
    } catch (const strata::DatasetError &e) {
        o.error = e.what();
    }
    return o;
}

// What loadImageFolder promises of a set it returns.
void check(const strata::Dataset &d, const strata::ImageFolderOptions &options,
           const std::vector<std::string> &warnings)
{
    const strata::Shape shape{options.channels, options.height, options.width};
    if (d.sampleShape != shape)
        broken("sample shape " + strata::toString(d.sampleShape));
    if (d.classCount() < 2 || !std::is_sorted(d.classNames.begin(), d.classNames.end()) ||
        std::adjacent_find(d.classNames.begin(), d.classNames.end()) != d.classNames.end())
        broken("class names not two or more, sorted and distinct");
    if (d.size() < 1 || d.features.size() != size_t(d.size() * d.sampleSize()))
        broken("features do not fill the samples");
    if (options.limit > 0 && d.size() > options.limit)
        broken("more samples than the limit");
    std::vector<int64_t> perClass(size_t(d.classCount()), 0);
    for (int32_t label : d.labels) {
        if (label < 0 || label >= d.classCount())
            broken("label out of range: " + std::to_string(label));
        ++perClass[size_t(label)];
    }
    if (options.limit == 0 && std::count(perClass.begin(), perClass.end(), 0) > 0)
        broken("a class without samples");
    for (float x : d.features)
        if (!(x >= 0.0f && x <= 255.0f))
            broken("a value outside 0..255: " + std::to_string(x));
    if (!options.skipBadFiles && !warnings.empty())
        broken("a warning without skip_bad_files: " + warnings.front());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < kHeader)
        return 0;
    static const fs::path root = scratchRoot();
    static bool once = (templates(), true);
    (void)once;
    fs::remove_all(root);
    buildTree(root, data, size);

    strata::ImageFolderOptions options;
    options.height = 1 + data[0] % 16;
    options.width = 1 + data[1] % 16;
    options.channels = (data[2] & 1) ? 1 : 3;
    options.skipBadFiles = data[2] & 2;
    options.limit = data[4] % 9;
    options.threads = 1;
    options.progress = [](int64_t done, int64_t total) {
        if (done < 0 || done > total)
            broken("progress " + std::to_string(done) + " of " + std::to_string(total));
    };
    const std::string folder = root.string() + ((data[2] & 8) ? "/" : "");

    const Outcome one = load(folder, options);
    if (one.loaded)
        check(one.data, options, one.warnings);
    if (data[2] & 4) {
        options.threads = 3;
        const Outcome three = load(folder, options);
        if (three.loaded != one.loaded || three.error != one.error ||
            three.warnings != one.warnings || three.data.labels != one.data.labels ||
            three.data.features != one.data.features ||
            three.data.classNames != one.data.classNames)
            broken("three decoding threads load otherwise than one: '" + three.error + "' vs '" +
                   one.error + "'");
    }
    fs::remove_all(root);
    return 0;
}
