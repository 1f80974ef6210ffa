#pragma once
// Reading dataset files byte by byte, raw or gzip-compressed, with errors that name the file.
// Internal to the datasets module.

#include "strata/dataset.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

struct gzFile_s;

namespace strata::internal {

// "<path>: <what>": every loader message starts with the file it is about.
std::string fileMessage(const std::string &path, const std::string &what);
[[noreturn]] void throwFileError(const std::string &path, const std::string &what);

// A data file opened for sequential reading. Files that start with the gzip magic (1f 8b) are
// decompressed on the fly with zlib; others are read as they are. Offsets count bytes of the
// (decompressed) data, so messages about a .gz file speak of the data the user thinks of.
class DataFile
{
public:
    // Throws DatasetError when the file cannot be opened.
    explicit DataFile(const std::string &path);
    ~DataFile();
    DataFile(const DataFile &) = delete;
    DataFile &operator=(const DataFile &) = delete;

    const std::string &path() const { return path_; }
    bool compressed() const { return gz_ != nullptr; }
    int64_t offset() const { return offset_; }

    // Reads up to n bytes into dst; fewer only at the end of the data. Throws DatasetError on
    // an I/O error or corrupt gzip data.
    size_t read(void *dst, size_t n);
    // Reads up to n bytes into a vector that grows with what really arrives, so a header that
    // promises gigabytes cannot make us allocate them for a short file.
    std::vector<uint8_t> readUpTo(size_t n);
    // Everything that is left.
    std::vector<uint8_t> readAll();

private:
    std::string path_;
    gzFile_s *gz_ = nullptr;
    std::FILE *raw_ = nullptr;
    int64_t offset_ = 0;
};

// "0", "1", ..., the names of classes known only by their number.
std::vector<std::string> genericClassNames(int count);

} // namespace strata::internal
