#include "data/data_file.h"

#include "strata/errors.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>

namespace strata::internal {

std::string fileMessage(const std::string &path, const std::string &what)
{
    return path + ": " + what;
}

void throwFileError(const std::string &path, const std::string &what)
{
    throw DatasetError(fileMessage(path, what));
}

DataFile::DataFile(const std::string &path) : path_(path)
{
    // Opening a named pipe waits for a writer, and a device such as /dev/zero never ends:
    // only regular files (or links to them) are data files.
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
        throwFileError(path, std::string("is not a regular file (") +
                                 (std::filesystem::is_directory(status) ? "a folder"
                                  : std::filesystem::is_fifo(status)    ? "a named pipe"
                                                                        : "a device or socket") +
                                 "): give the path of a data file");
    raw_ = std::fopen(path.c_str(), "rb");
    if (!raw_)
        throwFileError(path, std::string("cannot open the file (") + std::strerror(errno) + ")");
    unsigned char magic[2] = {0, 0};
    const size_t got = std::fread(magic, 1, 2, raw_);
    const bool gzip = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    if (!gzip) {
        std::rewind(raw_);
        return;
    }
    std::fclose(raw_);
    raw_ = nullptr;
    gz_ = gzopen(path.c_str(), "rb");
    if (!gz_)
        throwFileError(path, "cannot open the gzip file");
    gzbuffer(gz_, 256 * 1024);
}

DataFile::~DataFile()
{
    if (gz_)
        gzclose(gz_);
    if (raw_)
        std::fclose(raw_);
}

size_t DataFile::read(void *dst, size_t n)
{
    auto *out = static_cast<unsigned char *>(dst);
    size_t total = 0;
    while (total < n) {
        // gzread takes an unsigned and returns an int: read in chunks well below INT_MAX.
        const size_t chunk = std::min<size_t>(n - total, size_t(1) << 30);
        size_t got = 0;
        if (gz_) {
            const int r = gzread(gz_, out + total, static_cast<unsigned>(chunk));
            int errnum = Z_OK;
            const char *msg = gzerror(gz_, &errnum);
            // A truncated stream reports Z_BUF_ERROR, and zlib finds it as soon as it reads
            // ahead to the end of the input, so no offset is given here.
            if (r < 0 || (errnum != Z_OK && errnum != Z_STREAM_END)) {
                std::string detail = msg ? msg : "";
                if (detail.rfind(path_ + ": ", 0) == 0) // zlib prefixes the path
                    detail.erase(0, path_.size() + 2);
                throwFileError(path_, "corrupt or truncated gzip data (zlib: " + detail + ")");
            }
            got = static_cast<size_t>(r);
        } else {
            got = std::fread(out + total, 1, chunk, raw_);
            if (got < chunk && std::ferror(raw_))
                throwFileError(path_, std::string("read error (") + std::strerror(errno) + ")");
        }
        total += got;
        if (got < chunk)
            break;
    }
    offset_ += static_cast<int64_t>(total);
    return total;
}

std::vector<uint8_t> DataFile::readUpTo(size_t n)
{
    // Grow as data arrives, from 64 KB doubling up to 16 MB steps: a small file costs little
    // and a header that promises gigabytes cannot make us allocate them for a short file.
    constexpr size_t kMaxStep = size_t(16) << 20;
    size_t step = size_t(64) << 10;
    std::vector<uint8_t> bytes;
    while (bytes.size() < n) {
        const size_t want = std::min(step, n - bytes.size());
        step = std::min(step * 2, kMaxStep);
        const size_t start = bytes.size();
        bytes.resize(start + want);
        const size_t got = read(bytes.data() + start, want);
        bytes.resize(start + got);
        if (got < want)
            break;
    }
    return bytes;
}

std::vector<uint8_t> DataFile::readAll()
{
    return readUpTo(SIZE_MAX);
}

std::vector<std::string> genericClassNames(int count)
{
    std::vector<std::string> names;
    names.reserve(static_cast<size_t>(std::max(count, 0)));
    for (int i = 0; i < count; ++i)
        names.push_back(std::to_string(i));
    return names;
}

} // namespace strata::internal
